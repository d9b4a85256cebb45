"""The one writer of every file the portal serves: CSV, XLSX and JSON from a header and rows of cells.

Public downloads, the admin's exports and its import templates are all written here, so what makes a
file safe to open is decided in one place:

- CSV and XLSX (spreadsheets): a text cell starting with a formula trigger (``= + - @``, tab, CR) gets a
  leading ``'`` and shows as the text it is; numbers, dates and booleans stay what they are; any other
  value (a lazy translation, a model object) is written as its text, neutralised like any text. A CSV
  file starts with the byte-order mark; an XLSX cell loses the control characters a worksheet cannot hold.
- JSON is not a spreadsheet: text is kept exactly as stored. Numbers are exact JSON numbers (a Decimal
  keeps its cents), and a header that repeats gets a suffix, so no column is lost to a duplicate key.

Files of any size stream: ``csv_chunks`` and ``json_chunks`` yield text as the rows come, ``xlsx_file``
writes in openpyxl's write-only mode to a temporary file. The projects table's own fast CSV loop
(projects.exports) renders its cells with ``csv_cell`` and ``csv_text`` from here.
"""

import csv
import datetime
import io
import math
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from json.encoder import encode_basestring
from typing import Any

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
FORMATS = tuple(CONTENT_TYPES)

# A spreadsheet treats a cell starting with one of these as a formula (or a DDE command).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# Written once at the very start of every CSV file served (bytes EF BB BF in UTF-8): Excel on Windows
# reads a UTF-8 CSV without it in the local code page, and Chinese headers and names come out garbled.
# Readers that know the mark drop it (Python's "utf-8-sig", the admin's import); JSON and XLSX have none.
CSV_BYTE_ORDER_MARK = "\ufeff"

# Rows a stream gathers before it hands them on: few enough to keep memory flat, enough to be fast.
CHUNK_ROWS = 5000
# A worksheet holds 1,048,576 rows: the header and the rows that fit under it.
XLSX_MAX_ROWS = 1_048_576 - 1
# Values a spreadsheet cell holds as they are; everything else is written as (neutralised) text.
_KEPT = (bool, int, float, Decimal, datetime.date, datetime.time)


def neutralise_formula(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula, prefixed with ' so it shows as text.

    Numbers (int, Decimal, float) and everything that is not text come back unchanged, so they
    stay numbers in the sheet; text such as "=HYPERLINK(...)" or "-1+2" becomes "'=HYPERLINK(...)".
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def spreadsheet_cell(value: Any) -> Any:
    """What a CSV or XLSX cell holds for `value`: None, a number, a date or a boolean as it is, else safe text."""
    if value is None or isinstance(value, _KEPT):
        return value
    return neutralise_formula(value if isinstance(value, str) else str(value))


def spreadsheet_row(values: Iterable[Any]) -> list[Any]:
    return [spreadsheet_cell(value) for value in values]


# -- CSV: the excel dialect, as csv.writer writes it -----------------------------------------------------

# csv.writer's excel dialect quotes a cell holding a comma, a quote or a line break, doubling its quotes.
_NEEDS_QUOTES = re.compile(r'[,"\r\n]').search
# Text that needs neither neutralising nor quoting (most titles and names): written as it is.
assert all(len(trigger) == 1 for trigger in FORMULA_TRIGGERS)
is_plain_csv_text = re.compile("[^" + re.escape("".join(FORMULA_TRIGGERS)) + ',"\r\n][^,"\r\n]*').fullmatch


def csv_text(text: str) -> str:
    """One text cell as it stands in a CSV line: neutralised, then quoted as csv.writer quotes it."""
    if not text:
        return text
    if text.startswith(FORMULA_TRIGGERS):
        text = "'" + text
    if _NEEDS_QUOTES(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_cell(value: Any) -> str:
    """Any cell as it stands in a CSV line (without its delimiter), for cells rendered once and reused."""
    value = spreadsheet_cell(value)
    if isinstance(value, str):
        return csv_text(value)
    buffer = io.StringIO()
    csv.writer(buffer).writerow([value, None])  # a second cell: a lone empty cell would be written as ""
    return buffer.getvalue()[: -len(",\r\n")]


def csv_header(header: Sequence[Any]) -> str:
    """The start of a CSV file: the byte-order mark and the header line."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(spreadsheet_row(header))
    return CSV_BYTE_ORDER_MARK + buffer.getvalue()


def csv_chunks(header: Sequence[Any], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """A whole CSV file, a chunk of rows at a time: the header first, before any row is read."""
    yield csv_header(header)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for count, row in enumerate(rows, start=1):
        writer.writerow(spreadsheet_row(row))
        if count % CHUNK_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


# -- JSON: an array of objects keyed by the header -------------------------------------------------------


def json_keys(header: Sequence[Any]) -> list[str]:
    """The header as object keys: a repeated one becomes "Name (2)", so every column keeps its values."""
    keys, taken = [], set()
    for name in header:
        key, number = str(name), 1
        while key in taken:
            number += 1
            key = f"{name} ({number})"
        taken.add(key)
        keys.append(key)
    return keys


def json_value(value: Any) -> str:
    """A cell as JSON text: exact numbers (cents kept), dates as ISO text, any other value as its text."""
    if type(value) is str:
        return encode_basestring(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, Decimal):
        return str(value) if value.is_finite() else "null"
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else "null"  # NaN and Infinity are not JSON
    if isinstance(value, (datetime.date, datetime.time)):
        return encode_basestring(value.isoformat())
    return encode_basestring(str(value))


def json_chunks(header: Sequence[Any], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """A whole JSON file, a chunk of rows at a time: one object per row, keyed by the header."""
    keys = [encode_basestring(key) + ": " for key in json_keys(header)]
    value = json_value
    yield "["
    batch, separator = [], ""
    for row in rows:
        batch.append(
            separator + "{" + ", ".join([key + value(cell) for key, cell in zip(keys, row, strict=True)]) + "}"
        )
        separator = ",\n"
        if len(batch) >= CHUNK_ROWS:
            yield "".join(batch)
            batch = []
    yield "".join(batch) + "]\n"


# -- XLSX: one worksheet, written row by row ------------------------------------------------------------

_INVALID_SHEET_TITLE = re.compile(r"[\\*?:/\[\]]")


def xlsx_file(header: Sequence[Any], rows: Iterable[Iterable[Any]], *, title: str = ""):
    """A worksheet of the header and every row that fits, in a temporary file read from its start.

    A sheet holds XLSX_MAX_ROWS rows under its header; when there are more, its last row says so.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    def cell(value):
        value = spreadsheet_cell(value)
        if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
            # openpyxl refuses these (C0 controls other than tab and line breaks): shown as "�".
            return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
        return value

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_INVALID_SHEET_TITLE.sub("-", str(title))[:31] or "Sheet1")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    heading = []
    for name in header:
        heading.append(WriteOnlyCell(sheet, value=cell(name)))
        heading[-1].font = bold
    sheet.append(heading)
    limit = XLSX_MAX_ROWS - 1
    for written, row in enumerate(rows):
        if written >= limit:
            # The last row of the sheet says that rows are missing and where to get them all.
            note = _("Only the first %(count)s rows fit in a spreadsheet; download CSV or JSON for every row.")
            sheet.append([note % {"count": f"{written:,}"}])
            break
        sheet.append([cell(value) for value in row])
    file = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (the caller reads and closes it)
    book.save(file)
    file.seek(0)
    return file


# -- whole files and responses --------------------------------------------------------------------------


def file_content(file_format: str, header: Sequence[Any], rows: Iterable[Iterable[Any]], *, title: str = ""):
    """A whole file in memory: text for CSV and JSON, bytes for XLSX (admin exports, small tables)."""
    if file_format == "csv":
        return "".join(csv_chunks(header, rows))
    if file_format == "json":
        return "".join(json_chunks(header, rows))
    if file_format == "xlsx":
        with xlsx_file(header, rows, title=title) as file:
            return file.read()
    raise ValueError(f"no such download format: {file_format!r}")


def attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def download(file_format: str, header, rows, *, filename: str, title: str = "") -> HttpResponse:
    """A small table as a file to save (built in memory)."""
    content = file_content(file_format, header, rows, title=title)
    return attachment(HttpResponse(content, content_type=CONTENT_TYPES[file_format]), filename)


def streamed_download(file_format: str, header, rows, *, filename: str, title: str = ""):
    """A table of any size as a file to save, written while its rows are read."""
    if file_format == "xlsx":
        response = FileResponse(xlsx_file(header, rows, title=title), content_type=CONTENT_TYPES["xlsx"])
        return attachment(response, filename)
    chunks = csv_chunks(header, rows) if file_format == "csv" else json_chunks(header, rows)
    return streamed_text(file_format, chunks, filename=filename)


def streamed_text(file_format: str, chunks: Iterable[str], *, filename: str) -> StreamingHttpResponse:
    """A CSV or JSON file whose text the caller writes (projects.exports' own CSV loop)."""
    return attachment(StreamingHttpResponse(chunks, content_type=CONTENT_TYPES[file_format]), filename)
