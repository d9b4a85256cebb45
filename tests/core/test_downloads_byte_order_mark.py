"""Every CSV download starts with one UTF-8 byte-order mark, so spreadsheets read Chinese; JSON and XLSX have none."""

import io
import json
from decimal import Decimal

import openpyxl
import pytest

from editions.models import Sector
from tests.factories import EditionFactory, ProjectFactory, ReportedFigureFactory, standard_metric

pytestmark = pytest.mark.django_db

BOM = b"\xef\xbb\xbf"
# Each public CSV download and the first cell of its header, in each language.
CSV_DOWNLOADS = [
    ("/en/projects/", "ID"),
    ("/zh-hans/projects/", "编号"),
    ("/en/editions/", "Edition"),
    ("/zh-hans/editions/", "届次"),
    # The comparison's columns are stable names for analysts, the same in both languages.
    ("/en/compare/", "section"),
    ("/zh-hans/compare/", "section"),
    ("/en/compare/12/14/", "section"),
    ("/zh-hans/compare/12/14/", "section"),
]


@pytest.fixture
def published():
    e12, e14 = EditionFactory(number=12, year=2019), EditionFactory(number=14, year=2023)
    signed = standard_metric("signed_value")
    ReportedFigureFactory(edition=e12, metric=signed, value=Decimal("55584000000"))
    ReportedFigureFactory(edition=e14, metric=signed, value=Decimal("84475000000"))
    energy = Sector.objects.get(slug="new-energy")  # 新能源, one of the standard sectors
    ProjectFactory(edition=e14, sector=energy, title="Wind farm", title_zh="风电场", value=Decimal("500000000"))
    return e14


def download(client, url: str, file_format: str) -> bytes:
    response = client.get(url, {"_export": file_format})
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize(("url", "first_header"), CSV_DOWNLOADS)
def test_a_csv_download_starts_with_exactly_one_byte_order_mark_then_the_header(client, published, url, first_header):
    body = download(client, url, "csv")
    assert body.startswith(BOM + first_header.encode("utf-8") + b",")
    assert body.count(BOM) == 1
    lines = body.decode("utf-8-sig").splitlines()
    assert len(lines) > 1  # the rows follow, with no mark of their own
    if "projects" in url:
        assert ("新能源" in lines[1]) == url.startswith("/zh-hans/")
        assert "风电场" in lines[1]


@pytest.mark.parametrize("url", sorted({url for url, _ in CSV_DOWNLOADS}))
def test_json_and_xlsx_downloads_have_no_byte_order_mark(client, published, url):
    body = download(client, url, "json")
    assert body.startswith((b"[", b"{"))
    assert BOM not in body
    assert json.loads(body)
    body = download(client, url, "xlsx")
    assert body.startswith(b"PK\x03\x04")
    assert openpyxl.load_workbook(io.BytesIO(body)).active.max_row > 1
