"""Files over the import's limits are refused quickly, before or while they are read, never by a worker timing out."""

import io
import time
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.forms import StaffImportForm
from core.import_formats import MAX_IMPORT_CELLS, MAX_UNPACKED_BYTES
from core.imports import IMPORT_FORMATS, MAX_IMPORT_ROWS
from projects.resources import ProjectResource
from tests.factories import EditionFactory

pytestmark = pytest.mark.django_db

TOO_MANY_ROWS = (
    "The file has more than 20,000 rows; at most 20,000 can be imported at once. Split it into smaller files."
)
SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture(autouse=True)
def edition():
    return EditionFactory(number=14, draft=True)


def upload(name: str, content: bytes) -> StaffImportForm:
    return StaffImportForm(
        IMPORT_FORMATS,
        [ProjectResource],
        data={"resource": "0", "format": ""},
        files={"import_file": SimpleUploadedFile(name, content)},
    )


def refusal(form) -> list[str]:
    assert not form.is_valid()
    return [error for errors in form.errors.values() for error in errors]


def small_xlsx() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["edition", "title", "sector", "value"])
    sheet.append([14, "Wind farm", "New energy", 5])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_sheet(xlsx: bytes, sheet_xml: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    """The workbook with its first sheet's XML replaced (and parts added), as a crafted file would be."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, sheet_xml if item.filename == SHEET else source.read(item))
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return buffer.getvalue()


def column(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet_xml(rows: int, columns: int = 4, dimension: str | None = None) -> bytes:
    """A sheet of `rows` data rows under the header, numbers only; `dimension` is what it declares."""
    header = ["edition", "title", "sector", "value"] + [""] * (columns - 4)
    parts = [
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    ]
    if dimension:
        parts.append(f'<dimension ref="{dimension}"/>'.encode())
    parts.append(b"<sheetData>")
    cells = "".join(
        f'<c r="{column(n + 1)}1" t="inlineStr"><is><t>{name}</t></is></c>' for n, name in enumerate(header) if name
    )
    parts.append(f'<row r="1">{cells}</row>'.encode())
    for row in range(2, rows + 2):
        cells = "".join(f'<c r="{column(n)}{row}"><v>{14 if n == 1 else 5}</v></c>' for n in range(1, columns + 1))
        parts.append(f'<row r="{row}">{cells}</row>'.encode())
    parts.append(b"</sheetData></worksheet>")
    return b"".join(parts)


def test_a_csv_of_a_million_rows_is_refused_quickly_without_reading_them_all():
    content = b"edition,title,sector,value\r\n" + b"14,P,New energy,1\r\n" * 1_000_000
    started = time.perf_counter()
    assert refusal(upload("big.csv", content)) == [TOO_MANY_ROWS]
    assert time.perf_counter() - started < 5


def test_a_csv_at_the_limit_is_read_and_one_row_more_is_refused():
    rows = b"".join(b"14,P%d,New energy,1\r\n" % n for n in range(MAX_IMPORT_ROWS))
    assert upload("full.csv", b"edition,title,sector,value\r\n" + rows).is_valid()
    assert refusal(upload("over.csv", b"edition,title,sector,value\r\n" + rows + b"14,Q,New energy,1\r\n")) == [
        TOO_MANY_ROWS
    ]


def test_blank_lines_at_the_end_of_a_full_csv_are_not_rows():
    rows = b"".join(b"14,P%d,New energy,1\r\n" % n for n in range(MAX_IMPORT_ROWS))
    assert upload("full.csv", b"edition,title,sector,value\r\n" + rows + b",,,\r\n\r\n" * 3).is_valid()


def test_an_xlsx_declaring_a_million_rows_is_refused_before_it_is_read():
    content = with_sheet(small_xlsx(), sheet_xml(3, dimension="A1:D1000001"))
    started = time.perf_counter()
    assert refusal(upload("big.xlsx", content)) == [
        "The sheet says it has 1,000,000 rows below the header (its size is A1:D1000001); at most 20,000 can be "
        "imported at once. If the rows below your data are empty, delete them and save the file again; "
        "otherwise split it into smaller files."
    ]
    assert time.perf_counter() - started < 2


def test_an_xlsx_that_unpacks_past_the_limit_is_refused_before_it_is_read():
    padding = b"<sst>" + b"A" * (MAX_UNPACKED_BYTES + 2**20) + b"</sst>"
    content = with_sheet(small_xlsx(), sheet_xml(3), extra={"xl/padding.xml": padding})
    assert len(content) < 2**20  # a small upload
    started = time.perf_counter()
    (message,) = refusal(upload("bomb.xlsx", content))
    assert message.startswith("The file unpacks to 65 MB; at most 64 MB can be imported at once.")
    assert time.perf_counter() - started < 2


@pytest.mark.parametrize("dimension", ["A1:AD15001", "A1:B2", None])
def test_an_xlsx_with_too_many_cells_is_refused_before_its_rows_are_read(dimension):
    rows, columns = 15_000, 30
    assert rows * columns > MAX_IMPORT_CELLS
    content = with_sheet(small_xlsx(), sheet_xml(rows, columns, dimension))
    started = time.perf_counter()
    (message,) = refusal(upload("wide.xlsx", content))
    assert message.startswith(f"The sheet has more than {MAX_IMPORT_CELLS:,} cells")
    assert time.perf_counter() - started < 3


def test_an_xlsx_with_more_rows_than_its_size_says_is_refused_once_past_the_limit():
    content = with_sheet(small_xlsx(), sheet_xml(MAX_IMPORT_ROWS + 5_000, 2, dimension="A1:B10"))
    assert refusal(upload("lying.xlsx", content)) == [TOO_MANY_ROWS]


def test_an_xlsx_with_more_rows_than_its_size_says_is_read_whole():
    content = with_sheet(small_xlsx(), sheet_xml(50, 4, dimension="A1:D3"))
    form = upload("lying.xlsx", content)
    assert form.is_valid(), form.errors
    assert len(form.dataset) == 50  # not the two rows its size names
