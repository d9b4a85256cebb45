"""The facets of the public projects table: counts beside each filter's choices, and the number of matches."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_countries import countries

from core import formatting
from core.caching.aggregates import for_editions
from editions.models import Edition, Sector
from projects import search_facets
from projects.bands import BANDS_BY_SLUG, VALUE_BANDS, bands_wholly_within, bands_within
from projects.cell_counts import CELL_COLUMNS, NO_VALUE, cell_counts, warm
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


FACET_NAMES = tuple(CELL_COLUMNS)  # edition, sector, scope, partner, band: the order the cube's cells keep


@dataclass
class FacetCube:
    """Project counts grouped by every facet at once, under a search word or a value range cutting a band.

    Small (editions × sectors × partners × bands at most), so every facet's counts under any choice of the
    other facets, and the number of matching projects, are sums over it in Python.
    """

    cells: list[tuple[str, str, str, str, str, int]]  # edition number, sector slug, scope, partner, band slug, count
    lower_bounds: bool = False  # counted over a search's first matches only (projects/search_facets.py)


@dataclass
class FacetLabels:
    """What the facets' options are called: editions by number and year, sectors by slug in both languages."""

    edition_years: dict[str, int]
    sectors: dict[str, tuple[int, str, str]]  # slug: (position, English name, Chinese name)


def _bands_of_the_range(unfaceted: dict[str, str]) -> list[int] | None:
    """The positions of the value bands a value range holds whole, when it is the only filter that is not a
    facet and cuts no band (projects/bands.py bands_within); otherwise None."""
    if not set(unfaceted) <= {"value_min", "value_max"}:
        return None
    return bands_within(*_range_ends(unfaceted))


def _range_ends(unfaceted: dict[str, str]) -> tuple[Decimal | None, Decimal | None]:
    """The value range's lowest and highest value (None for an open end)."""
    return tuple(Decimal(unfaceted[name]) if name in unfaceted else None for name in ("value_min", "value_max"))


def _published_editions() -> dict[int, tuple[int, int | None]]:
    return {pk: (number, year) for pk, number, year in Edition.objects.published().values_list("pk", "number", "year")}


def _sectors() -> dict[int, tuple[str, int, str, str]]:
    rows = Sector.objects.values_list("pk", "slug", "position", "name_en", "name_zh")
    return {pk: (slug, position, name_en, name_zh) for pk, slug, position, name_en, name_zh in rows}


def _labels(editions: dict[int, tuple], sectors: dict[int, tuple]) -> FacetLabels:
    return FacetLabels(
        edition_years={str(number): year for number, year in editions.values()},
        sectors={slug: (position, name_en, name_zh) for slug, position, name_en, name_zh in sectors.values()},
    )


def _counts_of_cells(
    editions: dict[int, tuple], sectors: dict[int, tuple], selected: dict[str, str], range_bands: list[int] | None
) -> tuple[dict[str, dict[str, int]], int]:
    """Each facet's counts under the other chosen facets, summed from the aggregate cells (projects/cell_counts.py),
    with the options named as the filters name them (edition number, sector slug, band slug)."""
    edition_ids = {str(number): pk for pk, (number, _year) in editions.items()}
    sector_ids = {slug: pk for pk, (slug, *_rest) in sectors.items()}
    choice = {name: value for name, value in selected.items() if name in ("scope", "partner") and value}
    if selected.get("edition"):
        choice["edition"] = edition_ids.get(selected["edition"], NO_VALUE)
    if selected.get("sector"):
        choice["sector"] = sector_ids.get(selected["sector"], NO_VALUE)
    if selected.get("band"):
        choice["band"] = BANDS_BY_SLUG[selected["band"]].position if selected["band"] in BANDS_BY_SLUG else NO_VALUE
    counts, total = cell_counts(list(editions), choice, range_bands)
    named = {
        "edition": {str(editions[pk][0]): count for pk, count in counts["edition"].items()},
        "sector": {sectors[pk][0]: count for pk, count in counts["sector"].items()},
        "scope": counts["scope"],
        "partner": counts["partner"],
        "band": {VALUE_BANDS[position].slug: count for position, count in counts["band"].items()},
    }
    return named, total


def _facet_cube(
    base: QuerySet,
    unfaceted: dict[str, str],
    editions: dict[int, tuple],
    sectors: dict[int, tuple],
) -> FacetCube:
    """The counts under a search word or a value range cutting a band: one visitor's question, which the questions
    cache holds (projects/search_facets.py)."""
    rows, lower_bounds = for_editions(
        "search-facet-cells", editions, sorted(unfaceted.items()),
        compute=lambda: search_cells(
            base, list(editions), at_least=_matching_at_least(unfaceted, editions),
            read_by_edition="q" not in unfaceted,
        ),
        question=True, language_neutral=True,
    )  # fmt: skip
    cells = [
        (str(editions[edition][0]), sectors[sector][0], scope, partner, VALUE_BANDS[band].slug, count)
        for edition, sector, scope, partner, band, count in rows
    ]
    return FacetCube(cells=cells, lower_bounds=lower_bounds)


def _matching_at_least(unfaceted: dict[str, str], editions: dict[int, tuple]) -> int:
    """How many projects a value range holds at least without a search: those of the bands it holds whole,
    summed from the aggregate cells; 0 under a search word (the cells know nothing of words) or for no range."""
    if "q" in unfaceted or not {"value_min", "value_max"} & set(unfaceted):
        return 0
    whole = bands_wholly_within(*_range_ends(unfaceted))
    # Each band's count under no choice: the grouping the warm-up counts (a new grouping of the cells for just
    # these bands took 70-250 ms at a million projects, more than the time it saves).
    by_band = cell_counts(list(editions), {})[0]["band"] if whole else {}
    return sum(by_band.get(position, 0) for position in whole)


def _counts_of_cube(cube: FacetCube, selected: dict[str, str]) -> tuple[dict[str, dict[str, int]], int]:
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
    return counts, total


def _facets_from_counts(
    counts: dict[str, dict[str, int]],
    names: FacetLabels,
    labels: dict[str, str],
    selected: dict[str, str],
    lower_bounds: bool = False,
) -> list[Facet]:
    counts = {name: {value: count for value, count in counts[name].items() if count} for name in FACET_NAMES}
    counts["partner"].pop("", None)
    band_positions = {band.slug: band.position for band in VALUE_BANDS}
    ordered = {
        "edition": sorted(counts["edition"], key=lambda number: -int(number)),
        "sector": sorted(counts["sector"], key=lambda slug: names.sectors[slug]),
        "scope": sorted(counts["scope"]),
        "partner": sorted(counts["partner"], key=lambda code: (-counts["partner"][code], code)),
        "band": sorted(counts["band"], key=band_positions.__getitem__),
    }
    describe = {
        "edition": lambda number: _edition_label(int(number), names.edition_years.get(number)),
        "sector": lambda slug: formatting.pick(names.sectors[slug][1], names.sectors[slug][2]),
        "scope": lambda scope: str(Scope(scope).label),
        "partner": lambda code: countries.name(code) or code,
        "band": lambda slug: str(BANDS_BY_SLUG[slug].label),
    }
    facets = []
    for name in FACET_NAMES:
        current = selected.get(name, "")
        options = [
            FacetOption(
                value, describe[name](value), counts[name][value], selected=value == current, at_least=lower_bounds
            )
            for value in ordered[name]
        ]
        if current and not any(option.selected for option in options):
            options.insert(0, FacetOption(current, current, 0, selected=True))
        facets.append(Facet(name, labels.get(name, name), options))
    return facets


def warm_facet_counts() -> None:
    """Count every facet's values of the published editions ahead of the first visitor who chooses one."""
    warm(list(_published_editions()))


def project_facets(
    *,
    base: QuerySet,
    unfaceted: dict[str, str],
    labels: dict[str, str],
    selected: dict[str, str],
    matching: QuerySet | None = None,
) -> tuple[list[Facet], MatchCount]:
    """Counts beside each filter's choices under every other active filter, and the number of matching projects.

    `base` is the public projects under the filters that are not facets, described by `unfaceted`
    (text, value range), and `matching` those under every filter, both to be read in no order. Without text or
    value range, or with a value range on the bands' edges alone, the counts are sums of the aggregate cells
    (projects/cell_counts.py), each cached under the part of the choice it depends on; otherwise a bounded count
    of the matching projects (projects/search_facets.py).
    """
    editions, sectors = _published_editions(), _sectors()
    names = _labels(editions, sectors)
    range_bands = _bands_of_the_range(unfaceted) if unfaceted else None
    if not unfaceted or range_bands is not None:
        counts, total = _counts_of_cells(editions, sectors, selected, range_bands)
        return _facets_from_counts(counts, names, labels, selected), MatchCount(total)
    cube = _facet_cube(base, unfaceted, editions, sectors)
    counts, total = _counts_of_cube(cube, selected)
    facets = _facets_from_counts(counts, names, labels, selected, lower_bounds=cube.lower_bounds)
    if cube.lower_bounds and not any(selected.values()):
        # No facet chosen: the first matches read, one more than the cap, are those of every filter.
        return facets, MatchCount(search_facets.FACET_COUNT_CAP, over=True)
    if cube.lower_bounds and matching is not None:
        # The first matches say little about those under the other filters too: count those, up to the cap.
        return facets, MatchCount(*bounded_count(matching))
    return facets, MatchCount(total, over=cube.lower_bounds)
