"""Reads for the comparison pages.

Every breakdown is one GROUP BY edition query, so the number of queries stays the same whatever the
number of editions or projects.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, F, Prefetch, Q, Sum, Window
from django.db.models.functions import RowNumber
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
from projects.bands import VALUE_BANDS, band_position_expression
from projects.models import Project, ProjectKind, Scope

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


def _medians(projects, edition_ids) -> dict[int, Decimal]:
    """The median project value of each edition, in one query: the middle one or two rows by value."""
    ranked = (
        projects.filter(edition_id__in=edition_ids)
        .order_by()
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("edition_id")], order_by=[F("value").asc(), F("id").asc()]),
            size=Window(Count("id"), partition_by=[F("edition_id")]),
        )
        .filter(Q(rank=(F("size") + 1) / 2) | Q(rank=(F("size") + 2) / 2))
        .values_list("edition_id", "value")
    )
    middles = defaultdict(list)
    for edition_id, value in ranked:
        middles[edition_id].append(value)
    return {edition_id: sum(values) / len(values) for edition_id, values in middles.items()}


def _recorded_stats(projects, edition_ids) -> tuple[dict[int, dict], dict[int, Decimal]]:
    stats = {
        row["edition_id"]: row
        for row in projects.filter(edition_id__in=edition_ids)
        .order_by()
        .values("edition_id")
        .annotate(
            count=Count("id"),
            total=Sum("value"),
            international=Count("id", filter=Q(scope=Scope.INTERNATIONAL)),
            partners=Count("partner", distinct=True, filter=Q(scope=Scope.INTERNATIONAL)),
            illustrative=Count("id", filter=Q(is_illustrative=True)),
            **{f"kind_{kind}": Count("id", filter=Q(kind=kind)) for kind in ProjectKind.values},
        )
    }
    return stats, (_medians(projects, edition_ids) if stats else {})


def _recorded_rows(editions: list[Edition], projects, gaps) -> tuple[list[Row], dict[int, dict], bool]:
    def compute(missing: list[int]) -> dict[int, tuple[dict, Decimal | None]]:
        stats, medians = _recorded_stats(projects, missing)
        return {pk: (row, medians.get(pk)) for pk, row in stats.items()}

    recorded = per_edition("compare-recorded", [edition.pk for edition in editions], compute=compute, empty=None)
    stats = {pk: found[0] for pk, found in recorded.items() if found}
    medians = {pk: found[1] for pk, found in recorded.items() if found}

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


def _sector_rows(editions: list[Edition], projects, stats: dict[int, dict], gaps) -> list[Row]:
    totals = defaultdict(dict)
    sectors = {}

    def compute(missing: list[int]) -> dict[int, list[dict]]:
        grouped = (
            projects.filter(edition_id__in=missing)
            .order_by()
            .values("edition_id", "sector_id", "sector__slug", "sector__name_en", "sector__name_zh", "sector__position")
            .annotate(count=Count("id"), total=Sum("value"))
        )
        return _by_edition(grouped)

    by_edition = per_edition("compare-sectors", [edition.pk for edition in editions], compute=compute, empty=())
    for row in (row for rows in by_edition.values() for row in rows):
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


def _band_rows(editions: list[Edition], projects, stats: dict[int, dict], gaps) -> list[Row]:
    def compute(missing: list[int]) -> dict[int, dict[int, int]]:
        grouped = (
            projects.filter(edition_id__in=missing)
            .order_by()
            .annotate(band=band_position_expression())
            .values("edition_id", "band")
            .annotate(count=Count("id"))
        )
        counts = defaultdict(dict)
        for row in grouped:
            counts[row["edition_id"]][row["band"]] = row["count"]
        return counts

    by_edition = per_edition("compare-bands", [edition.pk for edition in editions], compute=compute, empty={})
    counts = {(pk, band): count for pk, bands in by_edition.items() for band, count in bands.items()}
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

    The project aggregates come from the cache, edition by edition, while none of that edition's
    projects changes (core.caching.aggregates.per_edition).
    """
    # Not .public(): an edition's cached aggregates must not depend on its status; only published
    # editions are asked for.
    projects = Project.objects.all()
    if published_numbers is None:
        published_numbers = set(Edition.objects.published().values_list("number", flat=True))
    gaps, citations = gaps_between(editions, published_numbers), Citations()
    figures = _figures(editions)
    recorded, stats, has_illustrative = _recorded_rows(editions, projects, gaps)
    return Comparison(
        editions=editions,
        reported=_reported_rows(editions, figures, gaps, citations),
        by_basis=_basis_rows(editions, figures, gaps, citations),
        recorded=recorded,
        sectors=_sector_rows(editions, projects, stats, gaps) if stats else [],
        bands=_band_rows(editions, projects, stats, gaps) if stats else [],
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
