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
import re
import tempfile
from collections.abc import Iterator
from contextlib import nullcontext
from decimal import Decimal

from django.db import connections, transaction
from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast
from django.db.models.sql.constants import MULTI
from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django_countries import countries

from core.downloads import FORMULA_TRIGGERS, neutralise_formula, neutralise_row, with_byte_order_mark
from core.formatting import is_chinese
from core.tables import plain_number
from editions.models import Edition, Sector, Source
from projects.bands import VALUE_BANDS
from projects.models import ProjectKind, ProjectStatus, Scope, generated_from_text, illustrative_label
from projects.tables import ProjectTable

CHUNK_ROWS = 5000
# PostgreSQL's limit on one statement of a download (pages keep settings.DB_STATEMENT_TIMEOUT_MS).
EXPORT_STATEMENT_TIMEOUT_MS = 120_000
CENT = Decimal("0.01")
# A worksheet holds 1,048,576 rows: the header and the rows that fit under it.
XLSX_MAX_ROWS = 1_048_576 - 1
# The project's own columns: edition, sector and source are looked up in dicts read once per download
# (a few dozen rows) rather than joined to every row. Text in two languages comes as (reader's, other's).
_FIELDS = {
    False: (
        "id", "title", "title_zh", "value", "edition_id", "sector_id", "scope", "partner", "signed_on", "kind",
        "status", "parties", "parties_zh", "source_id", "is_illustrative", "generated_from_id",
    ),
    True: (
        "id", "title_zh", "title", "value", "edition_id", "sector_id", "scope", "partner", "signed_on", "kind",
        "status", "parties_zh", "parties", "source_id", "is_illustrative", "generated_from_id",
    ),
}  # fmt: skip


def headers() -> list[str]:
    """The table's column headers in the order its exports use."""
    return [str(ProjectTable.base_columns[name].verbose_name) for name in ProjectTable._meta.sequence]


class _Lookup(dict):
    """A dict filled up front that computes (and keeps) a value it lacks, e.g. a sector added mid-download."""

    def __init__(self, values, compute):
        super().__init__(values)
        self.compute = compute

    def __missing__(self, key):
        value = self[key] = self.compute(key)
        return value


class _Cells:
    """What a row's cells are looked up from, read (and neutralised) once per download, not once per cell.

    The labels (scope, kind, status, band, country names) are the site's own; the edition numbers, sector
    names and source URLs come from their (small) tables, in the reader's language.
    """

    def __init__(self, neutral, chinese: bool):
        self.neutral = neutral
        self.chinese = chinese
        self.scope = _Lookup({value: neutralise_formula(str(label)) for value, label in Scope.choices}, _unchanged)
        # By (value, illustrative): a made-up project's kind and status are marked, never read as facts.
        self.kind = _Lookup(_labels(ProjectKind), _unchanged)
        self.status = _Lookup(_labels(ProjectStatus), _unchanged)
        self.band = [neutralise_formula(str(band.label)) for band in VALUE_BANDS]
        self.partner = _Lookup({}, self._partner_name)
        self.yes, self.no = neutralise_formula(gettext("yes")), neutralise_formula(gettext("no"))
        self.edition = _Lookup(Edition.objects.values_list("id", "number"), self._edition_number)
        self.sector = _Lookup(
            {pk: self._sector_name(en, zh) for pk, en, zh in Sector.objects.values_list("id", "name_en", "name_zh")},
            self._missing_sector,
        )
        self.source = _Lookup({None: None}, self._source_url)
        # An illustrative project has no source of its own: its cell names the release it was generated to match,
        # by title and date, with no link that could pass for its source.
        self.generated = _Lookup({None: None}, self._generated_text)
        for source in Source.objects.only("id", "url", "title", "publisher", "published_on"):
            self.source[source.pk] = neutral(source.url) or None
            self.generated[source.pk] = neutral(generated_from_text(str(source)))

    @staticmethod
    def _partner_name(code: str) -> str | None:
        return (neutralise_formula(str(countries.name(code))) if code else "") or None

    @staticmethod
    def _edition_number(pk: int) -> int:
        return Edition.objects.values_list("number", flat=True).get(pk=pk)

    def _sector_name(self, name_en: str, name_zh: str) -> str:
        return self.neutral((name_zh or name_en) if self.chinese else (name_en or name_zh))

    def _missing_sector(self, pk: int) -> str:
        return self._sector_name(*Sector.objects.values_list("name_en", "name_zh").get(pk=pk))

    def _source_url(self, pk: int) -> str | None:
        return self.neutral(Source.objects.values_list("url", flat=True).get(pk=pk)) or None

    def _generated_text(self, pk: int) -> str:
        return self.neutral(generated_from_text(str(Source.objects.get(pk=pk))))


def _labels(choices) -> dict[tuple[str, bool], str]:
    return {
        (value, flag): neutralise_formula(illustrative_label(label, flag))
        for value, label in choices.choices
        for flag in (False, True)
    }


def _plain_value(value):
    """A database value of Project.value as the table's export gives it (plain_number)."""
    if type(value) is int:  # SQLite hands back whole yuan as INTEGER
        return value
    if isinstance(value, float):  # and values with cents as REAL
        value = Decimal(repr(value)).quantize(CENT)
    return plain_number(value)


# The band of a value by bisection over the bands' lower bounds (projects.bands defines them); whole
# numbers, so comparing an int value is an int comparison and a Decimal one is still exact.
_BAND_LOWERS = [int(band.lower) for band in VALUE_BANDS[1:]]
assert all(lower == band.lower for lower, band in zip(_BAND_LOWERS, VALUE_BANDS[1:], strict=True))


def _date_text(value) -> str | None:
    # SQLite may hand back the ISO text itself; PostgreSQL a date.
    return (value if isinstance(value, str) else value.isoformat()) if value else None


def _chunks(queryset: QuerySet, chinese: bool, cells_for) -> Iterator[tuple[object, list[tuple]]]:
    """The lookups, then the _FIELDS of every row as the database driver returns them, a chunk at a time.

    Django's per-row converters (``values_list().iterator()``) cost as much as the query itself at a
    million rows; the few conversions the export needs are done by the callers instead.
    """
    connection = connections[queryset.db]
    fields = list(_FIELDS[chinese])
    if connection.vendor == "sqlite":
        # The date as the ISO text SQLite stores, not parsed into a date by the driver and written back.
        fields[fields.index("signed_on")] = Cast("signed_on", CharField())
    query = queryset.values_list(*fields).query
    # On PostgreSQL the rows come through a server-side cursor. Outside a transaction that cursor is
    # WITH HOLD, which makes the server compute and store the whole result before the first row (at a
    # million rows, seconds and close to the statement timeout); inside one, rows flow as they are read.
    with transaction.atomic(using=queryset.db) if connection.vendor == "postgresql" else nullcontext():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Plan for every row, not for the first tenth: a sort of the table, not an index walk
                # that visits the table in the index's order.
                cursor.execute("SET LOCAL cursor_tuple_fraction = 1")
                # The first fetch waits for that sort (about a second at a million rows); a download of
                # a larger table must not be cut off by the per-statement timeout meant for pages.
                cursor.execute(f"SET LOCAL statement_timeout = {EXPORT_STATEMENT_TIMEOUT_MS}")
        yield cells_for()
        compiler = query.get_compiler(queryset.db)
        yield from compiler.execute_sql(MULTI, chunked_fetch=True, chunk_size=CHUNK_ROWS)


def _unchanged(value):
    return value


def rows(queryset: QuerySet, *, neutralise: bool = True) -> Iterator[list]:
    """Each project as the list of its export cells (None where the table has nothing).

    For spreadsheets (`neutralise`), text from the database goes through neutralise_formula here; the
    labels (scope, kind, status, band, country names) are the site's own, neutralised once when looked up.
    """
    neutral = neutralise_formula if neutralise else _unchanged
    # Text in the reader's language, the other one when that is empty (editions.formatting.pick); the
    # second title column carries the other language's title.
    chinese = is_chinese()
    chunks = _chunks(queryset, chinese, lambda: _Cells(neutral, chinese))
    cells = next(chunks)
    band, edition, sector, partner, source, generated = (
        cells.band,
        cells.edition,
        cells.sector,
        cells.partner,
        cells.source,
        cells.generated,
    )
    scope_label, kind_label, status_label, yes, no = cells.scope, cells.kind, cells.status, cells.yes, cells.no
    lowers = _BAND_LOWERS
    for chunk in chunks:
        for record in chunk:
            pk, title, other_title, value, edition_id, sector_id, scope, code = record[:8]
            signed_on, kind, status, parties, other_parties, source_id, flag, generated_id = record[8:]
            number = _plain_value(value)
            yield [
                pk,
                neutral(title or other_title),
                neutral(other_title),
                number,
                band[bisect.bisect_right(lowers, number)],
                edition[edition_id],
                sector[sector_id],
                scope_label[scope],
                partner[code],
                code or None,
                _date_text(signed_on),
                kind_label[kind, flag],
                status_label[status, flag],
                neutral(parties or other_parties),
                generated[generated_id] if flag else source[source_id],
                yes if flag else no,
            ]


# CSV is written here rather than by csv.writer, which costs as much as everything else per row: cells
# from a small set (labels, editions, sectors, sources, countries, dates) are rendered once, by
# csv.writer, and the free text (titles, parties) is quoted as csv.writer's excel dialect quotes it:
# in double quotes, with quotes doubled, when it holds a comma, a quote or a line break.
_NEEDS_QUOTES = re.compile(r'[,"\r\n]').search
# Text that needs neither: not empty, no formula trigger first, nothing to quote (most titles and parties).
assert all(len(trigger) == 1 for trigger in FORMULA_TRIGGERS)
_PLAIN_TEXT = re.compile("[^" + re.escape("".join(FORMULA_TRIGGERS)) + ',"\r\n][^,"\r\n]*').fullmatch


def _csv_cell(value) -> str:
    """One cell as csv.writer writes it (None as nothing), for cells rendered once."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow([value, None])  # a second cell: a lone empty cell would be written as ""
    return buffer.getvalue()[: -len(",\r\n")]


def _csv_text(text: str) -> str:
    """Free text from the database, neutralised and quoted: the cell csv.writer writes for neutralise_formula(text)."""
    if not text:
        return text
    if text.startswith(FORMULA_TRIGGERS):
        text = "'" + text
    if _NEEDS_QUOTES(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def _rendered(lookup: dict) -> _Lookup:
    """A lookup whose values are CSV cells, followed by the delimiter."""
    return _Lookup(
        {key: _csv_cell(value) + "," for key, value in lookup.items()}, lambda key: _csv_cell(lookup[key]) + ","
    )


def _csv_lines(queryset: QuerySet) -> Iterator[str]:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(neutralise_row(headers()))  # the excel dialect, as tablib writes: CRLF
    # The header goes out before the query runs: the download starts at once. The file's one byte-order mark
    # goes with it, so no row pays for it.
    yield with_byte_order_mark(buffer.getvalue())
    chinese = is_chinese()
    chunks = _chunks(queryset, chinese, lambda: _Cells(neutralise_formula, chinese))
    cells = next(chunks)
    band = [_csv_cell(label) + "," for label in cells.band]
    edition, sector, source = _rendered(cells.edition), _rendered(cells.sector), _rendered(cells.source)
    generated = _rendered(cells.generated)
    scope_label, kind_label, status_label = _rendered(cells.scope), _rendered(cells.kind), _rendered(cells.status)
    partner = _Lookup({}, lambda code: _csv_cell(cells.partner[code]) + "," + _csv_cell(code) + ",")
    date = _Lookup({None: ","}, lambda day: _csv_cell(_date_text(day)) + ",")
    yes, no = _csv_cell(cells.yes), _csv_cell(cells.no)
    lowers, text, plain, bisect_right = _BAND_LOWERS, _csv_text, _plain_value, bisect.bisect_right
    plain_text = _PLAIN_TEXT
    for chunk in chunks:
        lines = []
        for pk, title, other_title, value, edition_id, sector_id, scope, code, signed_on, kind, status, parties, \
                other_parties, source_id, flag, generated_id in chunk:  # fmt: skip
            number = value if type(value) is int else plain(value)
            title = title or other_title
            parties = parties or other_parties
            lines.append(
                f"{pk},{title if plain_text(title) else text(title)},"
                f"{other_title if plain_text(other_title) else text(other_title)},"
                f"{number},{band[bisect_right(lowers, number)]}"
                f"{edition[edition_id]}{sector[sector_id]}{scope_label[scope]}{partner[code]}{date[signed_on]}"
                f"{kind_label[kind, flag]}{status_label[status, flag]}"
                f"{parties if plain_text(parties) else text(parties)},"
                f"{generated[generated_id] if flag else source[source_id]}{yes if flag else no}\r\n"
            )
        yield "".join(lines)


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
