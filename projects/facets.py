"""The facets of the public projects table: counts beside each filter's choices, and the number of matches."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _
from django_countries import countries

from core import formatting
from core.caching.aggregates import per_edition
from editions.models import Edition, Sector
from projects.bands import BANDS_BY_SLUG, VALUE_BANDS
from projects.models import Scope


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool = False


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


def _facet_cube(base: QuerySet, unfaceted_key: list) -> FacetCube:
    def compute(missing: list[int]) -> dict[int, list[tuple]]:
        grouped = (
            base.filter(edition_id__in=missing)
            .order_by()
            .with_band()
            .values_list("edition_id", "sector_id", "scope", "partner", "band_position")
            .annotate(count=Count("pk"))
        )
        cells = defaultdict(list)
        for edition_id, *cell in grouped:
            cells[edition_id].append(tuple(cell))
        return cells

    # Edition by edition, so a change to one edition's projects counts only that edition's rows again.
    editions = {
        pk: (number, year) for pk, number, year in Edition.objects.published().values_list("pk", "number", "year")
    }
    # Under a search word or value range, the counts are one visitor's question: the questions cache holds them.
    by_edition = per_edition(
        "facet-cells", editions, unfaceted_key, compute=compute, empty=(), question=bool(unfaceted_key)
    )
    rows = [(edition_id, *cell) for edition_id, cells in by_edition.items() for cell in cells]
    editions = {pk: editions[pk] for pk in by_edition if by_edition[pk]}  # only editions with matching projects
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
            FacetOption(value, describe[name](value), counts[name][value], selected=value == current)
            for value in ordered[name]
        ]
        if current and not any(option.selected for option in options):
            options.insert(0, FacetOption(current, current, 0, selected=True))
        facets.append(Facet(name, labels.get(name, name), options))
    return facets, total


def project_facets(
    *, base: QuerySet, unfaceted: dict[str, str], labels: dict[str, str], selected: dict[str, str]
) -> tuple[list[Facet], int]:
    """Counts beside each filter's choices under every other active filter, and the number of matching projects.

    `base` is the public projects under the filters that are not facets, described by `unfaceted`
    (text, value range). The counts come from per-edition aggregates (core/caching): while no project of an
    edition changes, its counts are read from the cache; otherwise one GROUP BY over its matching projects.
    """
    unfaceted_key = sorted(unfaceted.items())
    return _facets_from_cube(_facet_cube(base, unfaceted_key), labels, selected)
