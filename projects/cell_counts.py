"""The facet counts of a choice of facets, summed from the aggregate cells by the database, facet by facet.

A facet's counts are those under every chosen facet but its own (choosing a sector leaves the other sectors'
counts as they were), so the counts of one choice are a few groupings of the cells, each under a part of the
choice: the sectors' counts under no choice at all, the editions' under the sector alone, and so on. Each
grouping is cached under its own part of the choice (core.caching.aggregates.many_for_editions), so a new choice
reads again only what no other choice has counted.

Most choices are of one facet (a sector, an edition, a partner). The first of them groups the cells by that facet
and each other facet at once, which counts every value of the facet: the next sector or partner is read from the
cache. Summing the cells in Python instead took 40–60 ms for each new choice at a million projects (29,000 cells
read from the cache and looped over).
"""

from collections import defaultdict

from django.db.models import CharField, QuerySet, Sum, Value
from django.db.models.functions import Cast

from core.caching.aggregates import many_for_editions
from projects.aggregates import AggregateCell

# Each facet's column in the aggregate cells (projects/aggregates.py).
CELL_COLUMNS = {
    "edition": "edition_id",
    "sector": "sector_id",
    "scope": "scope",
    "partner": "partner",
    "band": "band_position",
}
WHOLE_NUMBER_FACETS = ("edition", "sector", "band")
TOTAL = ""  # the grouping that counts the projects under the whole choice, not by any facet
Choice = tuple[tuple[str, int | str], ...]  # (facet, value in the cells' terms), sorted by facet
Bands = tuple[int, ...] | None
Part = tuple[str, Choice, Bands]  # one grouping: a facet (or TOTAL) under a part of the choice
Counts = dict[int | str, int]
NO_VALUE = -1  # the value of a chosen edition, sector or band that no cell has (not published, not existing)


def cell_counts(
    edition_ids: list[int], choice: dict[str, int | str], band_positions: list[int] | None = None
) -> tuple[dict[str, Counts], int]:
    """For each facet, {its value in the cells: number of projects} under every chosen facet but its own, and the
    number of projects under the whole choice.

    `choice` is in the cells' terms (edition id, sector id, scope, partner, band position); `band_positions` are
    the bands a value range holds whole (projects/bands.py bands_within), or None for no range.
    """
    bands = tuple(band_positions) if band_positions is not None else None
    parts: dict[str, Part] = {name: (name, _without(choice, name), bands) for name in CELL_COLUMNS}
    parts[TOTAL] = (TOTAL, _without(choice, None), bands)
    counts = many_for_editions(
        "cell-counts", edition_ids, parts.values(), compute=lambda missing: _compute(edition_ids, missing), missing={}
    )
    return {name: counts[parts[name]] for name in CELL_COLUMNS}, counts[parts[TOTAL]].get(TOTAL, 0)


def warm(edition_ids: list[int]) -> None:
    """Count every facet's values under no choice and under each value of each facet, so that the first sector,
    edition, scope, partner or band a visitor picks is a cache read (expoportal/warmup.py does it as a worker
    starts). Each facet's first value otherwise grouped the cells once per worker: about 110–180 ms at a million
    projects, the slowest answers of the partner family."""
    cell_counts(edition_ids, {})
    for name in CELL_COLUMNS:
        # A value no cell has: the grouping counts every value of the facet all the same.
        cell_counts(edition_ids, {name: NO_VALUE})


def _without(choice: dict[str, int | str], name: str | None) -> Choice:
    return tuple(sorted((facet, value) for facet, value in choice.items() if facet != name))


def _compute(edition_ids: list[int], missing: list[Part]) -> dict[Part, Counts]:
    """The missing groupings, one query per part of the choice; a part of one facet is counted for every value
    of that facet."""
    by_choice = defaultdict(list)
    for name, part, bands in missing:
        by_choice[part, bands].append(name)
    counted: dict[Part, Counts] = {}
    for (part, bands), names in by_choice.items():
        if len(part) == 1:
            counted.update(_for_every_value(edition_ids, part[0][0], bands))
        else:
            counted.update(_grouped(edition_ids, part, bands, names))
    return counted


def _cells(edition_ids: list[int], part: Choice, bands: Bands) -> QuerySet:
    cells = AggregateCell.objects.filter(edition_id__in=edition_ids, count__gt=0).order_by()
    cells = cells.filter(**{CELL_COLUMNS[facet]: value for facet, value in part})
    return cells if bands is None else cells.filter(band_position__in=bands)


def _as_text(name: str):
    # One column of one type for every facet's values, so that the groupings stack in one UNION ALL.
    return Cast(CELL_COLUMNS[name], CharField()) if name != TOTAL else Value(TOTAL)


def _value(name: str, text: str) -> int | str:
    return int(text) if name in WHOLE_NUMBER_FACETS else text


def _stacked(groupings: list[QuerySet]) -> QuerySet:
    return groupings[0].union(*groupings[1:], all=True) if len(groupings) > 1 else groupings[0]


def _grouped(edition_ids: list[int], part: Choice, bands: Bands, names: list[str]) -> dict[Part, Counts]:
    """The cells under `part` summed by each facet of `names` (TOTAL: not grouped), in one query."""
    cells = _cells(edition_ids, part, bands)
    groupings = [
        cells.annotate(facet=Value(name), group=_as_text(name))
        .values("facet", "group")
        .annotate(projects=Sum("count"))
        .values_list("facet", "group", "projects")
        for name in names
    ]
    grouped: dict[Part, Counts] = {(name, part, bands): {} for name in names}
    for name, group, projects in _stacked(groupings):
        if projects is not None:  # None: the total of no cells
            grouped[name, part, bands][_value(name, group)] = int(projects)
    return grouped


def _for_every_value(edition_ids: list[int], chosen: str, bands: Bands) -> dict[Part, Counts]:
    """Every other facet's counts, and the total, under each value of the facet `chosen`, in one query."""
    cells = _cells(edition_ids, (), bands)
    names = [name for name in CELL_COLUMNS if name != chosen] + [TOTAL]
    groupings = [
        cells.annotate(facet=Value(name), chosen=_as_text(chosen), group=_as_text(name))
        .values("facet", "chosen", "group")
        .annotate(projects=Sum("count"))
        .values_list("facet", "chosen", "group", "projects")
        for name in names
    ]
    grouped: dict[Part, Counts] = defaultdict(dict)
    for name, value, group, projects in _stacked(groupings):
        part = ((chosen, _value(chosen, value)),)
        grouped[name, part, bands][_value(name, group)] = int(projects)
    return dict(grouped)
