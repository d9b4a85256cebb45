"""Keeping the aggregate cells and published band tallies (projects/aggregates.py) in step with the projects.

Every write of projects goes through here in its own transaction: a single save or delete and a bulk insert
or update apply their difference (a few small upserts, whatever the size of the table); an update or delete of
a whole queryset, a restore or a generated load count the editions it touched again (`rebuild_cells`).
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum

from editions.models import ReportedBand
from projects.aggregates import AggregateCell, PublishedBandTally
from projects.bands import band_for, band_position_expression

# What a project contributes to the aggregates: (edition id, sector id, scope, partner, kind, illustrative, value).
TALLIED_FIELDS = ("edition_id", "sector_id", "scope", "partner", "kind", "is_illustrative", "value")
TALLIED_NAMES = {"edition", "sector", *TALLIED_FIELDS}
State = tuple[int, int, str, str, str, bool, Decimal]
# The key of a cell: the columns of its unique constraint (projects/aggregates.py).
CELL_KEY = ("edition_id", "sector_id", "scope", "partner", "kind", "band_position")

# Set while a queryset counts its editions again as a whole: the deletes it makes must not also apply deltas.
_rebuilding: ContextVar[bool] = ContextVar("expo_rebuilding_aggregates", default=False)


def state_of(project) -> State:
    return normalised(tuple(getattr(project, name) for name in TALLIED_FIELDS))


def normalised(state: tuple) -> State:
    """The partner as its code (the field hands out a Country object), the value as a Decimal."""
    edition_id, sector_id, scope, partner, kind, is_illustrative, value = state
    partner = str(getattr(partner, "code", partner) or "")
    return edition_id, sector_id, str(scope), partner, str(kind), bool(is_illustrative), Decimal(value)


def touches_tallies(fields: Iterable[str]) -> bool:
    return bool(TALLIED_NAMES.intersection(fields))


def _upsert_sql() -> str:
    quote = connection.ops.quote_name
    table = quote(AggregateCell._meta.db_table)
    key = ", ".join(quote(name) for name in CELL_KEY)
    sums = [quote(name) for name in ("count", "total", "illustrative")]
    placeholders = ", ".join(["%s"] * (len(CELL_KEY) + len(sums)))
    added = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in sums)
    # ON CONFLICT … DO UPDATE reads the same on PostgreSQL and SQLite (3.24+): one statement per batch.
    return (
        f"INSERT INTO {table} ({key}, {', '.join(sums)}) VALUES ({placeholders}) "  # noqa: S608
        f"ON CONFLICT ({key}) DO UPDATE SET {added}"
    )


@transaction.atomic
def apply_changes(changes: Iterable[tuple[State, int]]) -> None:
    """Add (+1) or take away (-1) each project state from the cells and the tallies of its edition's bands."""
    if _rebuilding.get():
        return
    cells: dict[tuple, list] = defaultdict(lambda: [0, Decimal(0), 0])  # count, total, illustrative
    by_edition: dict[int, list[tuple[Decimal, int]]] = defaultdict(list)
    for state, sign in changes:
        edition_id, sector_id, scope, partner, kind, is_illustrative, value = normalised(state)
        cell = cells[edition_id, sector_id, scope, partner, kind, band_for(value).position]
        cell[0] += sign
        cell[1] += sign * value
        cell[2] += sign * is_illustrative
        by_edition[edition_id].append((value, sign))
    cells = {key: delta for key, delta in cells.items() if any(delta)}
    if cells:
        with connection.cursor() as cursor:
            cursor.executemany(_upsert_sql(), [(*key, *delta) for key, delta in cells.items()])
        AggregateCell.objects.filter(edition_id__in={key[0] for key in cells}, count__lte=0).delete()
    _apply_to_band_tallies(by_edition)


def _apply_to_band_tallies(by_edition: dict[int, list[tuple[Decimal, int]]]) -> None:
    if not by_edition:
        return
    bands = list(ReportedBand.objects.filter(edition_id__in=by_edition).select_related("tally"))
    untallied = []
    for band in bands:
        try:
            band.tally  # noqa: B018 - a band written without signals (a bulk load) has none yet
        except PublishedBandTally.DoesNotExist:
            untallied.append(band.pk)
            continue
        count, total = 0, Decimal(0)
        for value, sign in by_edition[band.edition_id]:
            if band_holds(band, value):
                count += sign
                total += sign * value
        if count or total:
            PublishedBandTally.objects.filter(pk=band.pk).update(count=F("count") + count, total=F("total") + total)
    # Counted from the projects as they now are: this write is already in them.
    refresh_band_tallies(untallied)


def band_holds(band: ReportedBand, value: Decimal) -> bool:
    """Whether a project of this value counts in the published band: nested bands hold every higher one."""
    return value >= band.lower_yuan and (band.upper_yuan is None or band.is_nested or value < band.upper_yuan)


def band_condition(band: ReportedBand) -> Q:
    condition = Q(value__gte=band.lower_yuan)
    if band.upper_yuan is not None and not band.is_nested:
        condition &= Q(value__lt=band.upper_yuan)
    return condition


def count_in_bands(projects, bands: list[ReportedBand]) -> list[tuple[int, Decimal]]:
    """(count, total) of `projects` within each band's edges, in one query by conditional aggregation."""
    if not bands:
        return []
    aggregates = {}
    for index, band in enumerate(bands):
        aggregates[f"count_{index}"] = Count("pk", filter=band_condition(band))
        aggregates[f"value_{index}"] = Sum("value", filter=band_condition(band))
    counted = projects.order_by().aggregate(**aggregates)
    return [(counted[f"count_{index}"], counted[f"value_{index}"] or Decimal(0)) for index in range(len(bands))]


@transaction.atomic
def refresh_band_tallies(band_ids: Iterable[int]) -> None:
    """Count the projects within these bands' edges afresh (a band added or its edges changed)."""
    from projects.models import Project

    by_edition = defaultdict(list)
    for band in ReportedBand.objects.filter(pk__in=list(band_ids)).order_by("pk"):
        by_edition[band.edition_id].append(band)
    for edition_id, bands in by_edition.items():
        counts = count_in_bands(Project.objects.filter(edition_id=edition_id), bands)
        for band, (count, total) in zip(bands, counts, strict=True):
            PublishedBandTally.objects.update_or_create(band=band, defaults={"count": count, "total": total})


@transaction.atomic
def rebuild_cells(edition_ids: Iterable[int] | None = None) -> None:
    """Count the cells and band tallies of these editions (every edition when None) from their projects again.

    For writes that send no signals and change many rows at once: a whole-queryset update or delete, a restore,
    a generated load. One INSERT … SELECT per call, whatever the number of projects.
    """
    from projects.models import Project

    cells = AggregateCell.objects.all()
    projects = Project.objects.all()
    bands = ReportedBand.objects.all()
    if edition_ids is not None:
        edition_ids = sorted(set(edition_ids) - {None})
        if not edition_ids:
            return
        cells = cells.filter(edition_id__in=edition_ids)
        projects = projects.filter(edition_id__in=edition_ids)
        bands = bands.filter(edition_id__in=edition_ids)
    cells.delete()
    grouped = (
        projects.order_by()
        .annotate(band=band_position_expression())
        .values("edition_id", "sector_id", "scope", "partner", "kind", "band")
        .annotate(
            projects=Count("pk"), value_sum=Sum("value"), illustrative=Count("pk", filter=Q(is_illustrative=True))
        )
        .values_list("edition_id", "sector_id", "scope", "partner", "kind", "band", "projects", "value_sum",
                     "illustrative")
    )  # fmt: skip
    sql, params = grouped.query.sql_with_params()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in (*CELL_KEY, "count", "total", "illustrative"))
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(AggregateCell._meta.db_table)} ({columns}) {sql}", params)  # noqa: S608
    refresh_band_tallies(bands.values_list("pk", flat=True))


def suspended() -> bool:
    return _rebuilding.get()


@contextmanager
def deltas_suspended() -> Iterator[None]:
    """While a write applies its own deltas afterwards (bulk_update updates through update())."""
    token = _rebuilding.set(True)
    try:
        yield
    finally:
        _rebuilding.reset(token)


@contextmanager
def rebuilding(edition_ids_before: Iterable[int] | None) -> Iterator[set[int] | None]:
    """Around a write of many projects: no deltas meanwhile, then the editions touched counted again (every
    edition when None). The caller adds the editions the rows move into to the set it is given."""
    editions = None if edition_ids_before is None else set(edition_ids_before)
    token = _rebuilding.set(True)
    try:
        with transaction.atomic():
            yield editions
            _rebuilding.reset(token)
            token = None
            rebuild_cells(editions)
    finally:
        if token is not None:
            _rebuilding.reset(token)
