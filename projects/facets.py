"""The facets of the public projects table: counts beside each filter's choices, and the number of matches."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _
from django_countries import countries

from core import formatting
from core.caching.aggregates import for_editions, per_edition
from editions.models import Edition, Sector
from projects import search_facets
from projects.aggregates import AggregateCell
from projects.bands import BANDS_BY_SLUG, VALUE_BANDS, bands_within
from projects.models import Scope
from projects.search_facets import bounded_count, search_cells


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool = False
    at_least: bool = False  # counted among the first matches of a search only: there may be more

    @property
    def display_count(self) -> str:
        return _("%(count)s or more") % {"count": self.count} if self.at_least else str(self.count)


class MatchCount(int):
    """How many projects match: exact, or, when `over`, more than this (the cap of a search's count)."""

    over: bool

    def __new__(cls, count: int, over: bool = False):
        number = super().__new__(cls, count)
        number.over = over
        return number


@dataclass
class Facet:
    name: str
    label: str
    options: list[FacetOption]


def _edition_label(number: int, year: int | None) -> str:
    ordinal = Edition(number=number).ordinal
    return _("%(ordinal)s (%(year)s)") % {"ordinal": ordinal, "year": year} if year else ordinal


FACET_NAMES = ("edition", "sector", "scope", "partner", "band")


@dataclass
class FacetCube:
    """Project counts grouped by every facet at once, under the filters that are not facets (text, value range).

    Small (editions × sectors × partners × bands at most), so every facet's counts under any choice of the
    other facets, and the number of matching projects, are sums over it in Python.
    """

    cells: list[tuple[str, str, str, str, str, int]]  # edition number, sector slug, scope, partner, band slug, count
    edition_years: dict[str, int]
    sectors: dict[str, tuple[int, str, str]]  # slug: (position, English name, Chinese name)
    lower_bounds: bool = False  # counted over a search's first matches only (projects/search_facets.py)


def _cells_of(edition_ids: list[int]) -> dict[int, list[tuple]]:
    """The aggregate cells of these editions, kept up to date by every write (projects/tallying.py), summed over
    the kinds of project (no facet): the cube stays as small as the facets' choices."""
    cells = defaultdict(list)
    summed = (
        AggregateCell.objects.filter(edition_id__in=edition_ids, count__gt=0)
        .order_by()
        .values_list("edition_id", "sector_id", "scope", "partner", "band_position")
        .annotate(projects=Sum("count"))
    )
    for edition_id, *cell in summed:
        cells[edition_id].append(tuple(cell))
    return cells


def _bands_of_the_range(unfaceted: dict[str, str]) -> list[int] | None:
    """The positions of the value bands a value range holds whole, when it is the only filter that is not a
    facet and cuts no band (projects/bands.py bands_within); otherwise None."""
    if not set(unfaceted) <= {"value_min", "value_max"}:
        return None
    lower, upper = (Decimal(unfaceted[name]) if name in unfaceted else None for name in ("value_min", "value_max"))
    return bands_within(lower, upper)


def _facet_cube(base: QuerySet, unfaceted: dict[str, str], walking: QuerySet | None = None) -> FacetCube:
    editions = {
        pk: (number, year) for pk, number, year in Edition.objects.published().values_list("pk", "number", "year")
    }
    lower_bounds = False
    unfaceted_key = sorted(unfaceted.items())
    range_bands = _bands_of_the_range(unfaceted) if unfaceted else None
    if not unfaceted or range_bands is not None:
        # Edition by edition, so a change to one edition's projects reads only that edition's cells again.
        by_edition = per_edition("facet-cells", editions, compute=_cells_of, empty=())
        rows = [(edition_id, *cell) for edition_id, cells in by_edition.items() for cell in cells]
        if range_bands is not None:
            # A range on the bands' edges: its projects are those of the bands it holds, cell by cell.
            rows = [row for row in rows if row[4] in range_bands]
    else:
        # Under a search word or value range, the counts are one visitor's question: the questions cache holds them.
        rows, lower_bounds = for_editions(
            "search-facet-cells", editions, unfaceted_key, compute=lambda: search_cells(base, list(editions), walking),
            question=True, language_neutral=True,
        )  # fmt: skip
    editions = {pk: editions[pk] for pk in {row[0] for row in rows}}  # only editions with matching projects
    sectors = {
        pk: (slug, position, name_en, name_zh)
        for pk, slug, position, name_en, name_zh in Sector.objects.filter(pk__in={row[1] for row in rows}).values_list(
            "pk", "slug", "position", "name_en", "name_zh"
        )
    }
    cells = [
        (str(editions[edition][0]), sectors[sector][0], scope, partner, VALUE_BANDS[band].slug, count)
        for edition, sector, scope, partner, band, count in rows
    ]
    return FacetCube(
        cells=cells,
        edition_years={str(number): year for number, year in editions.values()},
        sectors={slug: (position, name_en, name_zh) for slug, position, name_en, name_zh in sectors.values()},
        lower_bounds=lower_bounds,
    )


def _facets_from_cube(cube: FacetCube, labels: dict[str, str], selected: dict[str, str]) -> tuple[list[Facet], int]:
    counts: dict[str, dict[str, int]] = {name: {} for name in FACET_NAMES}
    total = 0
    wanted = [(index, selected.get(name, "")) for index, name in enumerate(FACET_NAMES)]
    for cell in cube.cells:
        misses = [index for index, value in wanted if value and cell[index] != value]
        if len(misses) > 1:
            continue
        count = cell[5]
        if not misses:
            total += count
            for index, name in enumerate(FACET_NAMES):
                counts[name][cell[index]] = counts[name].get(cell[index], 0) + count
        else:
            # Under every other filter but not this one: the count this facet's option would give.
            name = FACET_NAMES[misses[0]]
            counts[name][cell[misses[0]]] = counts[name].get(cell[misses[0]], 0) + count
    counts["partner"].pop("", None)
    band_positions = {band.slug: band.position for band in VALUE_BANDS}
    ordered = {
        "edition": sorted(counts["edition"], key=lambda number: -int(number)),
        "sector": sorted(counts["sector"], key=lambda slug: cube.sectors[slug]),
        "scope": sorted(counts["scope"]),
        "partner": sorted(counts["partner"], key=lambda code: (-counts["partner"][code], code)),
        "band": sorted(counts["band"], key=band_positions.__getitem__),
    }
    describe = {
        "edition": lambda number: _edition_label(int(number), cube.edition_years.get(number)),
        "sector": lambda slug: formatting.pick(cube.sectors[slug][1], cube.sectors[slug][2]),
        "scope": lambda scope: str(Scope(scope).label),
        "partner": lambda code: countries.name(code) or code,
        "band": lambda slug: str(BANDS_BY_SLUG[slug].label),
    }
    facets = []
    for name in FACET_NAMES:
        current = selected.get(name, "")
        options = [
            FacetOption(
                value, describe[name](value), counts[name][value], selected=value == current, at_least=cube.lower_bounds
            )
            for value in ordered[name]
        ]
        if current and not any(option.selected for option in options):
            options.insert(0, FacetOption(current, current, 0, selected=True))
        facets.append(Facet(name, labels.get(name, name), options))
    return facets, total


def project_facets(
    *,
    base: QuerySet,
    unfaceted: dict[str, str],
    labels: dict[str, str],
    selected: dict[str, str],
    matching: QuerySet | None = None,
    walking: QuerySet | None = None,
) -> tuple[list[Facet], MatchCount]:
    """Counts beside each filter's choices under every other active filter, and the number of matching projects.

    `base` is the public projects under the filters that are not facets, described by `unfaceted`
    (text, value range), `walking` the same as `base` with the search tested row by row (for its first
    matches), and `matching` those under every filter. Without text or value range, or with a
    value range on the bands' edges alone, the counts are sums of the aggregate cells (projects/aggregates.py),
    cached edition by edition; otherwise a bounded count of the matching projects (projects/search_facets.py).
    """
    cube = _facet_cube(base, unfaceted, walking)
    facets, total = _facets_from_cube(cube, labels, selected)
    if cube.lower_bounds and not any(selected.values()):
        # No facet chosen: the first matches read, one more than the cap, are those of every filter.
        return facets, MatchCount(search_facets.FACET_COUNT_CAP, over=True)
    if cube.lower_bounds and matching is not None:
        # The first matches say little about those under the other filters too: count those, up to the cap.
        return facets, MatchCount(*bounded_count(matching))
    return facets, MatchCount(total, over=cube.lower_bounds)
