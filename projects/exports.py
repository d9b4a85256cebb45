"""Streaming downloads of the projects table: CSV, JSON and XLSX of every matching row in constant memory.

django-tables2's export builds the whole file in memory and renders every cell through the table's
columns; at a million rows that is minutes and gigabytes. These read plain tuples in chunks
(``values_list(...).iterator()``) and write each row as it comes, with the same columns and header names
as the table (its hidden columns included). The files are written by the portal's one writer
(core.downloads), which neutralises spreadsheet cells; CSV has a faster loop of its own here, built
from that writer's cell functions.
"""

import bisect
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

from core.downloads import csv_cell, csv_header, csv_text, is_plain_csv_text, streamed_download, streamed_text
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
    """What a row's cells are looked up from, read once per download, not once per cell.

    The labels (scope, kind, status, band, country names) are the site's own; the edition numbers, sector
    names and source URLs come from their (small) tables, in the reader's language. Values are as they
    are: the writer (core.downloads) makes them safe for each format.
    """

    def __init__(self, chinese: bool):
        self.chinese = chinese
        self.scope = _Lookup({value: str(label) for value, label in Scope.choices}, _unchanged)
        # By (value, illustrative): a made-up project's kind and status are marked, never read as facts.
        self.kind = _Lookup(_labels(ProjectKind), _unchanged)
        self.status = _Lookup(_labels(ProjectStatus), _unchanged)
        self.band = [str(band.label) for band in VALUE_BANDS]
        self.partner = _Lookup({}, self._partner_name)
        self.yes, self.no = gettext("yes"), gettext("no")
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
            self.source[source.pk] = source.url or None
            self.generated[source.pk] = generated_from_text(str(source))

    @staticmethod
    def _partner_name(code: str) -> str | None:
        return (str(countries.name(code)) if code else "") or None

    @staticmethod
    def _edition_number(pk: int) -> int:
        return Edition.objects.values_list("number", flat=True).get(pk=pk)

    def _sector_name(self, name_en: str, name_zh: str) -> str:
        return (name_zh or name_en) if self.chinese else (name_en or name_zh)

    def _missing_sector(self, pk: int) -> str:
        return self._sector_name(*Sector.objects.values_list("name_en", "name_zh").get(pk=pk))

    def _source_url(self, pk: int) -> str | None:
        return Source.objects.values_list("url", flat=True).get(pk=pk) or None

    @staticmethod
    def _generated_text(pk: int) -> str:
        return generated_from_text(str(Source.objects.get(pk=pk)))


def _labels(choices) -> dict[tuple[str, bool], str]:
    return {
        (value, flag): illustrative_label(label, flag) for value, label in choices.choices for flag in (False, True)
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


def rows(queryset: QuerySet) -> Iterator[list]:
    """Each project as the list of its export cells (None where the table has nothing), for JSON and XLSX."""
    # Text in the reader's language, the other one when that is empty (core.formatting.pick); the
    # second title column carries the other language's title.
    chinese = is_chinese()
    chunks = _chunks(queryset, chinese, lambda: _Cells(chinese))
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
                title or other_title,
                other_title,
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
                parties or other_parties,
                generated[generated_id] if flag else source[source_id],
                yes if flag else no,
            ]


# CSV is written here rather than by csv.writer, which costs as much as everything else per row: cells
# from a small set (labels, editions, sectors, sources, countries, dates) are rendered once by the writer's
# csv_cell, and the free text (titles, parties) by its csv_text, unless it is plain text that needs neither
# neutralising nor quoting (most of it), which is written as it is.


def _rendered(lookup: dict) -> _Lookup:
    """A lookup whose values are CSV cells, followed by the delimiter."""
    return _Lookup(
        {key: csv_cell(value) + "," for key, value in lookup.items()}, lambda key: csv_cell(lookup[key]) + ","
    )


def _csv_lines(queryset: QuerySet) -> Iterator[str]:
    # The header goes out before the query runs: the download starts at once. The file's one byte-order mark
    # goes with it, so no row pays for it.
    yield csv_header(headers())
    chinese = is_chinese()
    chunks = _chunks(queryset, chinese, lambda: _Cells(chinese))
    cells = next(chunks)
    band = [csv_cell(label) + "," for label in cells.band]
    edition, sector, source = _rendered(cells.edition), _rendered(cells.sector), _rendered(cells.source)
    generated = _rendered(cells.generated)
    scope_label, kind_label, status_label = _rendered(cells.scope), _rendered(cells.kind), _rendered(cells.status)
    partner = _Lookup({}, lambda code: csv_cell(cells.partner[code]) + "," + csv_cell(code) + ",")
    date = _Lookup({None: ","}, lambda day: csv_cell(_date_text(day)) + ",")
    yes, no = csv_cell(cells.yes), csv_cell(cells.no)
    lowers, text, plain, bisect_right = _BAND_LOWERS, csv_text, _plain_value, bisect.bisect_right
    plain_text = is_plain_csv_text
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


def csv_response(queryset: QuerySet, *, filename: str = "projects.csv") -> StreamingHttpResponse:
    """Every row of the (filtered, sorted) queryset as CSV, written while it is read."""
    return streamed_text("csv", _csv_lines(queryset), filename=filename)


def json_response(queryset: QuerySet, *, filename: str = "projects.json") -> StreamingHttpResponse:
    """Every row as a JSON array of objects keyed by the table's headers, written while it is read."""
    return streamed_download("json", headers(), rows(queryset), filename=filename)


def xlsx_response(queryset: QuerySet, *, filename: str = "projects.xlsx") -> FileResponse:
    """Every row that fits in a worksheet, written with openpyxl's write-only mode into a temporary file."""
    return streamed_download("xlsx", headers(), rows(queryset), filename=filename, title=_("Projects"))


RESPONSES = {"csv": csv_response, "json": json_response, "xlsx": xlsx_response}
