"""Reads for the comparison pages.

Every breakdown of recorded projects is a sum of the aggregate cells (projects/aggregates.py), read in a few
queries whatever the number of editions or projects; no query groups the projects.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple
from urllib.parse import urlencode

from django.db.models import Count, Prefetch, Q, Sum
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy, pgettext
from django.utils.translation import gettext as _

from core.caching.aggregates import per_edition
from core.vocabulary import Basis, Unit, basis_words
from editions.citations import Citations
from editions.comparability import Measure
from editions.models import Edition, EditionStatus, Metric, ReportedFigure, ReportedSector, Source
from editions.selectors import pick_preferred
from portal.comparison.growth import EXACT, HUNDRED, PERCENT, Quantity
from portal.comparison.rows import Cell, Gap, Row, gaps_between, reported_cell, with_changes
from projects.aggregates import AggregateCell
from projects.bands import VALUE_BANDS
from projects.models import ProjectKind, Scope
from projects.selectors import median_values

# Figures computed from recorded projects. The codes contain a colon, which a Metric.code (a slug)
# cannot, so they never collide with a metric staff add.
PROJECT_COUNT = "projects:count"
PROJECT_TOTAL = "projects:total"
PROJECT_AVERAGE = "projects:average"
PROJECT_MEDIAN = "projects:median"
INTERNATIONAL_SHARE = "projects:international-share"
PARTNER_COUNT = "projects:partners"
RECORDED_METRICS = {
    PROJECT_COUNT: (gettext_lazy("Projects recorded"), Unit.COUNT),
    PROJECT_TOTAL: (gettext_lazy("Total value of recorded projects"), Unit.YUAN),
    PROJECT_AVERAGE: (gettext_lazy("Average project value"), Unit.YUAN),
    PROJECT_MEDIAN: (gettext_lazy("Median project value"), Unit.YUAN),
    INTERNATIONAL_SHARE: (gettext_lazy("International projects (share of projects)"), PERCENT),
    PARTNER_COUNT: (gettext_lazy("Partner countries and regions"), Unit.COUNT),
}
# Amounts computed here rather than published are rounded to this many significant digits, in both languages.
COMPUTED_DIGITS = {PROJECT_AVERAGE: 6, PROJECT_MEDIAN: 6}
BASIS_ROW = "basis:"  # + the basis code: money figures of one basis, whatever their metric


def localized_name(name_en: str, name_zh: str) -> str:
    return name_zh if name_zh and (get_language() or "").startswith("zh") else name_en


def projects_url(**params) -> str:
    """A link to the projects list filtered as `params` say (edition, sector, band, partner)."""
    return f"{reverse('projects:list')}?{urlencode(params)}"


@dataclass
class Comparison:
    editions: list[Edition]
    reported: list[Row]
    by_basis: list[Row]
    recorded: list[Row]
    sectors: list[Row]
    bands: list[Row]
    has_illustrative: bool
    gaps: dict[int, Gap] = field(default_factory=dict)
    citations: Citations = field(default_factory=Citations)

    @property
    def rows(self) -> list[Row]:
        """Every row of the comparison table, in the order the page and the downloads show them."""
        return self.reported + self.by_basis + self.recorded + self.sectors

    def row(self, code: str) -> Row | None:
        return next((row for row in self.rows if row.code == code), None)

    @property
    def columns(self) -> list[tuple[Edition | None, Gap | None]]:
        """The table's columns, oldest first: each edition, and before it the editions missing from the portal."""
        columns = []
        for edition in self.editions:
            if edition.pk in self.gaps:
                columns.append((None, self.gaps[edition.pk]))
            columns.append((edition, None))
        return columns


def published_editions() -> list[Edition]:
    """Every published edition, oldest first."""
    return list(Edition.objects.published().order_by("number"))


def metrics_with_figures() -> list[Metric]:
    """Every metric, annotated with how many figures published editions have for it."""
    published = Q(figures__edition__status=EditionStatus.PUBLISHED)
    return list(Metric.objects.annotate(published_figures=Count("figures", filter=published)))


def _figures(editions: list[Edition]) -> list[ReportedFigure]:
    """The figures of the editions at the stage pages prefer, one per edition and metric, with their sources."""
    sources = Prefetch("sources", queryset=Source.objects.order_by("published_on", "key"))
    figures = ReportedFigure.objects.filter(edition__in=editions).select_related("metric").prefetch_related(sources)
    return pick_preferred(figures)


def _reported_rows(editions, figures, gaps, citations) -> list[Row]:
    chosen = {(figure.metric_id, figure.edition_id): figure for figure in figures}
    metrics = {figure.metric_id: figure.metric for figure in figures}
    rows = []
    for metric in sorted(metrics.values(), key=lambda metric: (metric.position, metric.code)):
        cells = [reported_cell(edition, chosen.get((metric.pk, edition.pk)), citations) for edition in editions]
        for cell in cells:
            cell.unit = metric.unit
        name = localized_name(metric.name_en, metric.name_zh)
        row = Row(metric.code, name, metric.unit, "reported", cells, key=metric.pk, definition=metric.definition)
        row.is_main = metric.is_main
        rows.append(with_changes(row, gaps))
    return rows


def _basis_rows(editions, figures, gaps, citations) -> list[Row]:
    """Money figures matched by basis across metrics, where that gives a like-for-like line no metric row has.

    The 12th edition's signed value and the 13th's contract value are both contract investment (合同引资额):
    their row sets them side by side, and says which metric each figure comes from.
    """
    by_basis: dict[str, dict[int, ReportedFigure]] = defaultdict(dict)
    for figure in sorted(figures, key=lambda figure: (figure.metric.position, figure.metric.code)):
        if figure.basis and figure.basis != Basis.UNSPECIFIED:
            by_basis[figure.basis].setdefault(figure.edition_id, figure)  # the first metric in display order
    rows = []
    for basis in Basis.values:
        found = by_basis.get(basis, {})
        metrics = {figure.metric for figure in found.values()}
        if len(found) < 2 or len(metrics) < 2:
            continue  # a metric's own row already sets these figures side by side
        cells = [reported_cell(edition, found.get(edition.pk), citations) for edition in editions]
        unit = next(iter(metrics)).unit
        for cell in cells:
            cell.unit = unit
        names = ", ".join(
            localized_name(metric.name_en, metric.name_zh)
            for metric in sorted(metrics, key=lambda metric: (metric.position, metric.code))
        )
        label = basis_words(basis, get_language() or "en")
        row = Row(
            f"{BASIS_ROW}{basis}",
            label[:1].upper() + label[1:],
            unit,
            "basis",
            cells,
            key=basis,
            note=_("Like for like across metrics: figures of one basis, from %(metrics)s") % {"metrics": names},
        )
        rows.append(with_changes(row, gaps))
    return rows


class Recorded(NamedTuple):
    """What an edition's recorded projects add up to (a cached value: a plain tuple)."""

    stats: dict  # count, total, international, partners (distinct), illustrative, kind_<kind> (a count each)
    median: Decimal | None
    sectors: list[dict]  # sector id, slug, names, position, count, total
    bands: dict[int, int]  # {band position: count}


SECTOR_FIELDS = ("edition_id", "sector_id", "sector__slug", "sector__name_en", "sector__name_zh", "sector__position")


def _recorded_of(edition_ids: list[int]) -> dict[int, Recorded]:
    """What the recorded projects of each of these editions that has any add up to: sums of their aggregate
    cells (projects/aggregates.py), which every write keeps up to date, and the median read at its offset in the
    value index. Three small GROUP BYs over the cells and one read of the projects, whatever their number."""
    cells = AggregateCell.objects.filter(edition_id__in=edition_ids, count__gt=0).order_by()
    stats: dict[int, dict] = {}
    partners = defaultdict(set)
    summed = cells.values_list("edition_id", "scope", "partner", "kind").annotate(
        projects=Sum("count"), value=Sum("total"), illustrative_projects=Sum("illustrative")
    )
    for edition_id, scope, partner, kind, count, total, illustrative in summed:
        row = stats.setdefault(
            edition_id,
            {"count": 0, "total": Decimal(0), "international": 0, "illustrative": 0}
            | {f"kind_{name}": 0 for name in ProjectKind.values},
        )
        row["count"] += count
        row["total"] += total
        row["illustrative"] += illustrative
        row[f"kind_{kind}"] += count
        if scope == Scope.INTERNATIONAL:
            row["international"] += count
            partners[edition_id].add(partner)
    for edition_id, row in stats.items():
        row["partners"] = len(partners[edition_id])
    if not stats:
        return {}
    sectors = _by_edition(cells.values(*SECTOR_FIELDS).annotate(count=Sum("count"), total=Sum("total")))
    bands = defaultdict(dict)
    for edition_id, position, count in cells.values_list("edition_id", "band_position").annotate(Sum("count")):
        bands[edition_id][position] = count
    medians = median_values(counts={edition_id: row["count"] for edition_id, row in stats.items()})
    return {
        edition_id: Recorded(row, medians.get(edition_id), sectors.get(edition_id, []), bands.get(edition_id, {}))
        for edition_id, row in stats.items()
    }


def recorded_breakdowns(editions: list[Edition]) -> dict[int, Recorded]:
    """What `_recorded_of` gives for those of the editions with projects, cached edition by edition: the cells are
    cheap to sum, the median is a read deep into the value index."""
    recorded = per_edition("compare-recorded", [edition.pk for edition in editions], compute=_recorded_of, empty=None)
    return {pk: found for pk, found in recorded.items() if found}


def _recorded_rows(editions: list[Edition], recorded: dict[int, Recorded], gaps) -> tuple[list[Row], dict, bool]:
    stats = {pk: found.stats for pk, found in recorded.items()}
    medians = {pk: found.median for pk, found in recorded.items()}

    def value(code: str, edition: Edition) -> Decimal | None:
        row = stats.get(edition.pk)
        if not row:
            return None  # no recorded projects: unknown, not zero
        return {
            PROJECT_COUNT: lambda: Decimal(row["count"]),
            PROJECT_TOTAL: lambda: row["total"],
            PROJECT_AVERAGE: lambda: (row["total"] / row["count"]).quantize(Decimal("0.01")),
            PROJECT_MEDIAN: lambda: medians.get(edition.pk),
            INTERNATIONAL_SHARE: lambda: Decimal(row["international"]) * HUNDRED / row["count"],
            PARTNER_COUNT: lambda: Decimal(row["partners"]),
        }[code]()

    rows = []
    for code, (label, unit) in RECORDED_METRICS.items():
        cells = []
        for edition in editions:
            number = value(code, edition)
            quantity = None if number is None else Quantity(number, EXACT)
            cell = Cell(edition, quantity, unit, significant=COMPUTED_DIGITS.get(code))
            if quantity is not None and unit == Unit.YUAN:
                cell.measure = recorded_measure(code, unit, number, stats[edition.pk])
            cells.append(cell)
        rows.append(with_changes(Row(code, str(label), unit, "recorded", cells), gaps))
    has_illustrative = any(row["illustrative"] for row in stats.values())
    return rows, stats, has_illustrative


def recorded_kinds(stats: dict) -> str:
    """'contract project, agreement or framework project': the kinds of project an edition's records hold."""
    return pgettext("list separator", ", ").join(
        str(ProjectKind(kind).label) for kind in ProjectKind.values if stats.get(f"kind_{kind}")
    )


def recorded_measure(code: str, unit: str, value: Decimal, stats: dict) -> Measure:
    """A money figure computed from recorded projects, defined by the kinds of project it sums: the value of
    contract and agreement projects is not like for like with the value of contract projects alone."""
    return Measure(metric=code, unit=unit, value=value, definition=recorded_kinds(stats))


def _by_edition(rows, key: str = "edition_id") -> dict[int, list]:
    grouped = defaultdict(list)
    for row in rows:
        grouped[row[key]].append(row)
    return grouped


def _sector_rows(editions: list[Edition], recorded: dict[int, Recorded], stats: dict[int, dict], gaps) -> list[Row]:
    totals = defaultdict(dict)
    sectors = {}
    for row in (row for found in recorded.values() for row in found.sectors):
        totals[row["sector_id"]][row["edition_id"]] = row
        sectors[row["sector_id"]] = row
    rows = []
    for sector_id, sector in sorted(sectors.items(), key=lambda item: (item[1]["sector__position"], item[0])):
        cells = []
        for edition in editions:
            found = totals[sector_id].get(edition.pk)
            if edition.pk not in stats:
                cells.append(Cell(edition, None, Unit.YUAN))
                continue
            total = found["total"] if found else Decimal(0)
            link = projects_url(edition=edition.number, sector=sector["sector__slug"])
            count = found["count"] if found else 0
            cell = Cell(edition, Quantity(total), Unit.YUAN, link=link, count=count)
            cell.measure = recorded_measure(f"sector:{sector['sector__slug']}", Unit.YUAN, total, stats[edition.pk])
            cells.append(cell)
        name = localized_name(sector["sector__name_en"], sector["sector__name_zh"])
        code = f"sector:{sector['sector__slug']}"
        rows.append(with_changes(Row(code, name, Unit.YUAN, "sector", cells, sector_id), gaps))
    return rows


def _band_rows(editions: list[Edition], recorded: dict[int, Recorded], stats: dict[int, dict], gaps) -> list[Row]:
    counts = {(pk, band): count for pk, found in recorded.items() for band, count in found.bands.items()}
    rows = []
    for band in VALUE_BANDS:
        cells = []
        for edition in editions:
            if edition.pk not in stats:
                cells.append(Cell(edition, None, Unit.COUNT))
                continue
            count = Decimal(counts.get((edition.pk, band.position), 0))
            link = projects_url(edition=edition.number, band=band.slug)
            cells.append(Cell(edition, Quantity(count), Unit.COUNT, link=link))
        rows.append(with_changes(Row(f"band:{band.slug}", str(band.label), Unit.COUNT, "band", cells, band.slug), gaps))
    return rows


def compare_published_figures(*, editions: list[Edition], published_numbers: set[int]) -> tuple[list[Row], list[Row]]:
    """Only the published figures of `editions` side by side (the rows by metric, then by basis), with changes:
    what a sentence comparing two editions needs, without the project aggregates."""
    gaps, citations = gaps_between(editions, published_numbers), Citations()
    figures = _figures(editions)
    return _reported_rows(editions, figures, gaps, citations), _basis_rows(editions, figures, gaps, citations)


def build_comparison(*, editions: list[Edition], published_numbers: set[int] | None = None) -> Comparison:
    """Every metric of the given (published) editions, with changes and growth a year.

    The project aggregates are sums of the aggregate cells, cached edition by edition while none of that
    edition's projects changes (core.caching.aggregates.per_edition).
    """
    if published_numbers is None:
        published_numbers = set(Edition.objects.published().values_list("number", flat=True))
    gaps, citations = gaps_between(editions, published_numbers), Citations()
    figures = _figures(editions)
    # Not .public(): an edition's cached aggregates must not depend on its status; only published
    # editions are asked for.
    by_edition = recorded_breakdowns(editions)
    recorded, stats, has_illustrative = _recorded_rows(editions, by_edition, gaps)
    return Comparison(
        editions=editions,
        reported=_reported_rows(editions, figures, gaps, citations),
        by_basis=_basis_rows(editions, figures, gaps, citations),
        recorded=recorded,
        sectors=_sector_rows(editions, by_edition, stats, gaps) if stats else [],
        bands=_band_rows(editions, by_edition, stats, gaps) if stats else [],
        has_illustrative=has_illustrative,
        gaps=gaps,
        citations=citations,
    )


def published_sector_names(*, editions: list[Edition]) -> dict[tuple[int, int], str]:
    """{(sector id, edition id): the name the edition's release published for the canonical sector}."""
    return {
        (named.sector_id, named.edition_id): named.published_name
        for named in ReportedSector.objects.filter(edition__in=editions).order_by("edition", "position")
    }


def shares(row_values: list[tuple[str, list[Quantity | None]]], column_count: int) -> list[list[Decimal | None]]:
    """Each row's share (per cent) of its column's total; None for a column with nothing recorded."""
    result = [[None] * column_count for _ in row_values]
    for column in range(column_count):
        present = [values[column] for _label, values in row_values if values[column] is not None]
        total = sum((quantity.value for quantity in present), Decimal(0))
        if not present or total == 0:
            continue
        for index, (_label, values) in enumerate(row_values):
            result[index][column] = values[column].value * HUNDRED / total
    return result
