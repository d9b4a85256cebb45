"""Streamed downloads: the table's columns and headers, every row, formulas neutralised, numbers kept."""

import csv
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django_tables2 import RequestConfig
from django_tables2.export import TableExport

from core import downloads as writer
from core.downloads import CSV_BYTE_ORDER_MARK
from core.tables import PortalExport
from projects import exports
from projects.models import Project, Scope
from projects.tables import ProjectTable
from tests.factories import EditionFactory, ProjectFactory, SectorFactory, SourceFactory

pytestmark = pytest.mark.django_db

LIST = reverse("projects:list")
HOSTILE = ['=HYPERLINK("https://evil.example","x")', "+86 431", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


BOM = b"\xef\xbb\xbf"


def raw(response) -> bytes:
    assert response.streaming
    return b"".join(response.streaming_content)


def body(response) -> str:
    return raw(response).decode("utf-8")


def csv_body(response) -> str:
    """The CSV file's text after its one byte-order mark, as a spreadsheet reads it."""
    assert response["Content-Type"].startswith("text/csv")
    content = raw(response)
    assert content.startswith(BOM) and BOM not in content[len(BOM) :]
    return content.decode("utf-8-sig")


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(csv_body(response))))


@pytest.fixture
def varied():
    edition = EditionFactory(number=7, year=2011)
    return [
        ProjectFactory(edition=edition, value=Decimal("12.50"), title='Small, "quoted"\nand two lines'),
        ProjectFactory(
            edition=edition,
            value=Decimal("84475000000"),
            scope=Scope.INTERNATIONAL,
            partner="KR",
            kind="intent",
            status="stalled",
            is_illustrative=True,
        ),
        ProjectFactory(edition=edition, value=Decimal("300000000"), source=None, parties=""),
    ]


def test_streamed_csv_has_the_same_cells_as_the_table_export(client, varied):
    """The table's own (in-memory) export is the reference: same headers, same cells, same order."""
    request = RequestFactory().get(LIST)
    table = ProjectTable(Project.objects.public().select_related("edition", "sector", "source"))
    RequestConfig(request, paginate=False).configure(table)
    expected = list(csv.reader(io.StringIO(TableExport("csv", table).export())))
    streamed = list(csv.reader(io.StringIO(csv_body(client.get(LIST, {"_export": "csv"})))))
    assert streamed == expected
    assert len(streamed) == 4


# Text that CSV quotes, neutralises or leaves alone: the streamed CSV quotes free text itself.
AWKWARD = [
    *HOSTILE,
    'Small, "quoted"\nand two lines',
    "a\rb",
    'say "hi"',
    "=a,b",
    "-\n",
    ",",
    '"',
    "\t",
    "x\x7fy",
    " lead",
]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_streamed_csv_matches_the_table_export_for_awkward_text_in_both_languages(client, language):
    edition = EditionFactory(number=9, year=2013)
    unnamed = SectorFactory(name_en="=Sector, one", name_zh="")
    for index, text in enumerate(AWKWARD):
        ProjectFactory(
            edition=edition,
            title=text,
            title_zh=text[::-1],
            parties=text,
            parties_zh="" if index % 2 else "@" + text,
            value=Decimal((index + 1) * 100_000_000) + Decimal("0.05") * (index % 2),
            sector=unnamed if index % 2 else SectorFactory(),
            source=None if index % 4 == 0 else SourceFactory(url=f"https://example.org/{index},{text}"),
            signed_on=None if index % 5 == 0 else edition.start_date,
            scope=Scope.INTERNATIONAL if index % 3 == 0 else Scope.DOMESTIC,
            partner="KR" if index % 3 == 0 else "",
        )
    with translation.override(language):
        request = RequestFactory().get(LIST)
        table = ProjectTable(Project.objects.public().select_related("edition", "sector", "source"))
        RequestConfig(request, paginate=False).configure(table)
        expected = PortalExport("csv", table).export()
        streamed = raw(client.get(f"/{language}/projects/", {"_export": "csv"}))
    # Both start with the one byte-order mark; after it, the same file byte for byte.
    assert expected.startswith(CSV_BYTE_ORDER_MARK) and not expected[1:].startswith(CSV_BYTE_ORDER_MARK)
    assert streamed.startswith(BOM) and not streamed[len(BOM) :].startswith(BOM)
    streamed = streamed[len(BOM) :].decode("utf-8")
    assert streamed == expected[len(CSV_BYTE_ORDER_MARK) :]
    assert len(streamed.splitlines()) > len(AWKWARD)


def test_a_sector_or_source_added_during_a_download_is_still_looked_up():
    cells = exports._Cells(chinese=False)
    sector, source = SectorFactory(name_en="+Late sector"), SourceFactory(url="https://example.org/late")
    edition = EditionFactory(number=42)
    assert cells.sector[sector.pk] == "+Late sector"  # as stored: the writer neutralises it per format
    assert cells.source[source.pk] == "https://example.org/late"
    assert cells.edition[edition.pk] == 42
    assert cells.source[None] is None


def test_every_text_cell_of_csv_is_neutralised_and_numbers_stay_numbers(client):
    for index, text in enumerate(HOSTILE):
        ProjectFactory(title=text, parties=text, title_zh=text, value=Decimal(1000 + index))
    rows = csv_rows(client.get(LIST, {"_export": "csv", "sort": "value"}))
    assert [row["Title"] for row in rows] == ["'" + text for text in HOSTILE]
    assert all(row["Signing parties"].startswith("'") for row in rows)
    assert [row["Value (yuan)"] for row in rows] == [str(1000 + index) for index in range(len(HOSTILE))]


def test_every_text_cell_of_xlsx_is_neutralised_and_numbers_stay_numbers(client):
    ProjectFactory(title="=1+1", parties="@evil", value=Decimal("-0") + Decimal("2500000.75"))
    response = client.get(LIST, {"_export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, row = list(sheet.iter_rows(values_only=False))[:2]
    cells = {head.value: cell for head, cell in zip(header, row, strict=True)}
    assert cells["Title"].value == "'=1+1"
    assert cells["Signing parties"].value == "'@evil"
    assert cells["Value (yuan)"].data_type == "n"
    assert float(cells["Value (yuan)"].value) == 2500000.75
    assert cells["ID"].data_type == "n"


def test_json_is_streamed_with_exact_numbers_and_untouched_text(client, varied):
    data = json.loads(body(client.get(LIST, {"_export": "json", "sort": "value"})))
    assert [row["Value (yuan)"] for row in data] == [12.5, 300000000, 84475000000]
    assert data[0]["Title"] == 'Small, "quoted"\nand two lines'
    assert data[1]["Source"] is None
    assert data[2]["Partner"] == "South Korea" and data[2]["Illustrative"] == "yes"


def test_json_text_is_not_neutralised(client):
    ProjectFactory(title="=1+1")
    assert json.loads(body(client.get(LIST, {"_export": "json"})))[0]["Title"] == "=1+1"


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_text_missing_in_one_language_is_taken_from_the_other(client, language):
    sector = SectorFactory(name_en="Energy", name_zh="")
    ProjectFactory(title="Solar farm", title_zh="", parties="", parties_zh="=电力公司", sector=sector)
    ProjectFactory(title="", title_zh="光伏电站", parties="=Power Co.", parties_zh="", sector=sector)
    with translation.override(language):
        rows = list(csv.reader(io.StringIO(csv_body(client.get(f"/{language}/projects/", {"_export": "csv"})))))[1:]
    # (title, other language's title, sector, parties) of each project, in the table's order (by id on a tie)
    assert [(row[1], row[2], row[6], row[13]) for row in rows] == [
        ("Solar farm", "" if language == "en" else "Solar farm", "Energy", "'=电力公司"),
        ("光伏电站", "光伏电站" if language == "en" else "", "Energy", "'=Power Co."),
    ]


def test_a_project_without_a_signing_date_or_source_exports_empty_cells(client):
    ProjectFactory(signed_on=None, source=None)
    row = csv_rows(client.get(LIST, {"_export": "csv"}))[0]
    assert row["Signed on"] == "" and row["Source"] == ""


def test_an_empty_selection_exports_just_the_header(client, varied):
    response = client.get(LIST, {"_export": "csv", "edition": "99"})
    assert raw(response) == BOM + (",".join(exports.headers()) + "\r\n").encode("utf-8")
    assert json.loads(body(client.get(LIST, {"_export": "json", "edition": "99"}))) == []


def test_xlsx_stops_at_the_sheet_limit_and_says_so(client, varied, monkeypatch):
    monkeypatch.setattr(writer, "XLSX_MAX_ROWS", 3)
    response = client.get(LIST, {"_export": "xlsx"})
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert len(rows) == 4  # header, two rows, the note
    assert rows[-1][0] == "Only the first 2 rows fit in a spreadsheet; download CSV or JSON for every row."


def test_exports_follow_the_filters_and_sort_of_the_view(client, varied):
    rows = csv_rows(client.get(LIST, {"_export": "csv", "sort": "-value", "scope": "international"}))
    assert [row["Partner code"] for row in rows] == ["KR"]
    rows = csv_rows(client.get(LIST, {"_export": "csv", "sort": "value"}))
    assert [row["Value (yuan)"] for row in rows] == ["12.50", "300000000", "84475000000"]


def test_edition_table_exports_neutralise_text_too(client):
    EditionFactory(number=3, city="=cmd|' /C calc'!A0")
    content = client.get(reverse("editions:list"), {"_export": "csv"}).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content)))
    assert rows[0]["City"] == "'=cmd|' /C calc'!A0"
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(reverse("editions:list"), {"_export": "xlsx"}).content)).active
    header, first = list(sheet.values)[:2]
    assert first[header.index("City")] == "'=cmd|' /C calc'!A0"
    assert isinstance(first[header.index("Edition")], int)
    data = json.loads(client.get(reverse("editions:list"), {"_export": "json"}).content)
    assert data[0]["City"] == "=cmd|' /C calc'!A0"
