"""Streaming downloads of the projects table: CSV, JSON and XLSX of every matching row in constant memory.

django-tables2's export builds the whole file in memory and renders every cell through the table's
columns; at a million rows that is minutes and gigabytes. These read plain tuples in chunks
(``values_list(...).iterator()``) and write each row as it comes, with the same columns and header names
as the table (its hidden columns included). Text cells of CSV and XLSX go through
``neutralise_formula``; numbers stay numbers.
"""

import bisect
import csv
import io
import json
import tempfile
from collections.abc import Iterator
from decimal import Decimal

from django.db.models import QuerySet
from django.db.models.sql.constants import MULTI
from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django_countries import countries

from editions.formatting import is_chinese
from editions.tables import plain_number
from expoportal.exports import neutralise_formula, neutralise_row
from projects.bands import VALUE_BANDS
from projects.models import ProjectKind, ProjectStatus, Scope
from projects.tables import ProjectTable

CHUNK_ROWS = 2000
CENT = Decimal("0.01")
# A worksheet holds 1,048,576 rows: the header and the rows that fit under it.
XLSX_MAX_ROWS = 1_048_576 - 1
FIELDS = (
    "id", "title", "title_zh", "value", "edition__number", "sector__name_en", "sector__name_zh", "scope", "partner",
    "signed_on", "kind", "status", "parties", "parties_zh", "source__url", "is_illustrative",
)  # fmt: skip


def headers() -> list[str]:
    """The table's column headers in the order its exports use."""
    return [str(ProjectTable.base_columns[name].verbose_name) for name in ProjectTable._meta.sequence]


class _Labels:
    """The translated labels a row needs, looked up (and neutralised) once per download, not once per cell."""

    def __init__(self):
        self.scope = {value: neutralise_formula(str(label)) for value, label in Scope.choices}
        self.kind = {value: neutralise_formula(str(label)) for value, label in ProjectKind.choices}
        self.status = {value: neutralise_formula(str(label)) for value, label in ProjectStatus.choices}
        self.band = {band.slug: neutralise_formula(str(band.label)) for band in VALUE_BANDS}
        self.partner: dict[str, str] = {}
        self.yes, self.no = neutralise_formula(gettext("yes")), neutralise_formula(gettext("no"))

    def partner_name(self, code: str) -> str:
        if code not in self.partner:
            self.partner[code] = neutralise_formula(str(countries.name(code))) if code else ""
        return self.partner[code]


def _plain_value(value):
    """A database value of Project.value as the table's export gives it (plain_number)."""
    if type(value) is int:  # SQLite hands back whole yuan as INTEGER
        return value
    if isinstance(value, float):  # and values with cents as REAL
        value = Decimal(repr(value)).quantize(CENT)
    return plain_number(value)


# The band of a value by bisection over the bands' lower bounds (projects.bands defines them).
_BAND_LOWERS = [band.lower for band in VALUE_BANDS[1:]]


def _band_slug(value) -> str:
    return VALUE_BANDS[bisect.bisect_right(_BAND_LOWERS, value)].slug


def _records(queryset: QuerySet) -> Iterator[tuple]:
    """The FIELDS of every row as the database driver returns them, fetched in chunks.

    Django's per-row converters (``values_list().iterator()``) cost as much as the query itself at a
    million rows; the few conversions the export needs are done in ``rows`` instead.
    """
    query = queryset.values_list(*FIELDS).query
    compiler = query.get_compiler(queryset.db)
    for chunk in compiler.execute_sql(MULTI, chunked_fetch=True, chunk_size=CHUNK_ROWS):
        yield from chunk


def _unchanged(value):
    return value


def rows(queryset: QuerySet, *, neutralise: bool = True) -> Iterator[list]:
    """Each project as the list of its export cells (None where the table has nothing).

    For spreadsheets (`neutralise`), text from the database goes through neutralise_formula here; the
    labels (scope, kind, status, band, country names) are the site's own, neutralised once when looked up.
    """
    labels = _Labels()
    neutral = neutralise_formula if neutralise else _unchanged
    # Text in the reader's language, the other one when that is empty (editions.formatting.pick, inlined:
    # it is three calls a row); the second title column carries the other language's title.
    chinese = is_chinese()
    for record in _records(queryset):
        pk, title, title_zh, value, edition, sector_en, sector_zh, scope, partner = record[:9]
        signed_on, kind, status, parties_en, parties_zh, url, flag = record[9:]
        number = _plain_value(value)
        yield [
            pk,
            neutral((title_zh or title) if chinese else (title or title_zh)),
            neutral(title if chinese else title_zh),
            number,
            labels.band[_band_slug(number)],
            edition,
            neutral((sector_zh or sector_en) if chinese else (sector_en or sector_zh)),
            labels.scope.get(scope, scope),
            labels.partner_name(partner) or None,
            partner or None,
            (signed_on if isinstance(signed_on, str) else signed_on.isoformat()) if signed_on else None,
            labels.kind.get(kind, kind),
            labels.status.get(status, status),
            neutral((parties_zh or parties_en) if chinese else (parties_en or parties_zh)),
            neutral(url) or None,
            labels.yes if flag else labels.no,
        ]


def _csv_lines(queryset: QuerySet) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # the excel dialect, as tablib writes: minimal quoting, CRLF
    writer.writerow(neutralise_row(headers()))
    batch = []
    for row in rows(queryset):
        batch.append(row)
        if len(batch) >= CHUNK_ROWS:
            writer.writerows(batch)
            batch = []
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    writer.writerows(batch)
    yield buffer.getvalue()


def _json_value(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, (int, float, Decimal)):
        return str(value)  # an exact JSON number, cents kept
    return json.dumps(value, ensure_ascii=False)


def _json_chunks(queryset: QuerySet) -> Iterator[str]:
    keys = [json.dumps(header, ensure_ascii=False) + ": " for header in headers()]
    yield "["
    batch, first = [], True
    for row in rows(queryset, neutralise=False):
        item = "{" + ", ".join(key + _json_value(cell) for key, cell in zip(keys, row, strict=True)) + "}"
        batch.append(item if first else ",\n" + item)
        first = False
        if len(batch) >= CHUNK_ROWS:
            yield "".join(batch)
            batch = []
    yield "".join(batch) + "]\n"


def _attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(queryset: QuerySet, *, filename: str = "projects.csv") -> StreamingHttpResponse:
    """Every row of the (filtered, sorted) queryset as CSV, written while it is read."""
    response = StreamingHttpResponse(_csv_lines(queryset), content_type="text/csv; charset=utf-8")
    return _attachment(response, filename)


def json_response(queryset: QuerySet, *, filename: str = "projects.json") -> StreamingHttpResponse:
    """Every row as a JSON array of objects keyed by the table's headers, written while it is read."""
    response = StreamingHttpResponse(_json_chunks(queryset), content_type="application/json")
    return _attachment(response, filename)


def xlsx_response(queryset: QuerySet, *, filename: str = "projects.xlsx") -> FileResponse:
    """Every row that fits in a worksheet, written with openpyxl's write-only mode into a temporary file."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Projects"))
    sheet.append(headers())
    written, truncated = 0, False
    for row in rows(queryset):
        if written >= XLSX_MAX_ROWS - 1:
            truncated = True
            break
        sheet.append(row)
        written += 1
    if truncated:
        # The last row of the sheet says that rows are missing and where to get them all.
        sheet.append(
            [
                _("Only the first %(count)s rows fit in a spreadsheet; download CSV or JSON for every row.")
                % {"count": f"{written:,}"}
            ]
        )
    file = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it when sent)
    book.save(file)
    file.seek(0)
    response = FileResponse(file, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return _attachment(response, filename)


RESPONSES = {"csv": csv_response, "json": json_response, "xlsx": xlsx_response}
