"""Reads for the comparison pages.

Every breakdown is one GROUP BY edition query, so the number of queries stays the same whatever the
number of editions or projects.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, F, Q, Sum, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.caching.aggregates import per_edition
from core.formatting import format_quantity
from core.vocabulary import STAGE_PREFERENCE, Stage, Unit
from editions.models import Edition, EditionStatus, Metric, ReportedFigure, Source
from portal.comparison.growth import (
    EXACT,
    HUNDRED,
    PERCENT,
    AnnualGrowth,
    Change,
    Quantity,
    change_between,
    compound_annual_growth,
    first_and_last,
    format_absolute_change,
    format_change_percent,
    format_growth,
    format_percent,
    format_years,
)
from projects.bands import VALUE_BANDS, band_position_expression
from projects.models import Project, Scope

# Figures computed from recorded projects. The codes contain a colon, which a Metric.code (a slug)
# cannot, so they never collide with a metric staff add.
PROJECT_COUNT = "projects:count"
PROJECT_TOTAL = "projects:total"
PROJECT_AVERAGE = "projects:average"
PROJECT_MEDIAN = "projects:median"
INTERNATIONAL_SHARE = "projects:international-share"
PARTNER_COUNT = "projects:partners"
RECORDED_METRICS = {
    PROJECT_COUNT: (_("Projects recorded"), Unit.COUNT),
    PROJECT_TOTAL: (_("Total value of recorded projects"), Unit.YUAN),
    PROJECT_AVERAGE: (_("Average project value"), Unit.YUAN),
    PROJECT_MEDIAN: (_("Median project value"), Unit.YUAN),
    INTERNATIONAL_SHARE: (_("International projects (share of projects)"), PERCENT),
    PARTNER_COUNT: (_("Partner countries and regions"), Unit.COUNT),
}
# Amounts computed here rather than published are rounded to this many significant digits, in both languages.
COMPUTED_DIGITS = {PROJECT_AVERAGE: 6, PROJECT_MEDIAN: 6}
UNIT_LABELS = {**{unit.value: unit.label for unit in Unit}, PERCENT: _("per cent")}


def localized_name(name_en: str, name_zh: str) -> str:
    return name_zh if name_zh and (get_language() or "").startswith("zh") else name_en


def edition_label(edition: Edition) -> str:
    return _("%(ordinal)s (%(year)s)") % {"ordinal": edition.ordinal, "year": edition.year}


def projects_url(**params) -> str:
    """A link to the projects list filtered as `params` say (edition, sector, band, partner)."""
    return f"{reverse('projects:list')}?{urlencode(params)}"


@dataclass
class Cell:
    edition: Edition
    quantity: Quantity | None
    unit: str
    stage: str = ""  # the stage's name when the figure is not the closing one
    sources: list[Source] = field(default_factory=list)
    link: str = ""
    count: int | None = None  # projects behind a sector's value
    change: Change | None = None
    years: int | None = None  # since the previous edition in the range
    significant: int | None = None  # digits a computed amount (an average) is rounded to; None: exact

    @property
    def text(self) -> str:
        if self.quantity is None:
            return "—"
        if self.unit == PERCENT:
            return format_percent(self.quantity.value)
        return format_quantity(self.quantity.value, self.unit, self.quantity.qualifier, significant=self.significant)

    @property
    def change_text(self) -> str:
        return format_absolute_change(self.change, self.unit, significant=self.significant) if self.change else "—"

    @property
    def change_percent_text(self) -> str:
        return format_change_percent(self.change, self.unit) if self.change else "—"

    @property
    def years_text(self) -> str:
        return format_years(self.years) if self.years is not None else ""


@dataclass
class Row:
    code: str
    label: str
    unit: str
    kind: str  # "reported", "recorded", "sector" or "band"
    cells: list[Cell]
    key: object = None  # the sector's id or the band's slug
    growth: AnnualGrowth | None = None

    @property
    def unit_label(self) -> str:
        return UNIT_LABELS.get(self.unit, self.unit)

    @property
    def growth_text(self) -> str:
        return format_growth(self.growth)


@dataclass
class Comparison:
    editions: list[Edition]
    reported: list[Row]
    recorded: list[Row]
    sectors: list[Row]
    bands: list[Row]
    has_illustrative: bool

    @property
    def rows(self) -> list[Row]:
        """Every row of the comparison table, in the order the page and the exports show them."""
        return self.reported + self.recorded + self.sectors

    def row(self, code: str) -> Row | None:
        return next((row for row in self.rows if row.code == code), None)


def published_editions() -> list[Edition]:
    """Every published edition, oldest first."""
    return list(Edition.objects.published().order_by("number"))


def metrics_with_figures() -> list[Metric]:
    """Every metric, annotated with how many figures published editions have for it."""
    published = Q(figures__edition__status=EditionStatus.PUBLISHED)
    return list(Metric.objects.annotate(published_figures=Count("figures", filter=published)))


def with_changes(row: Row) -> Row:
    """Fill in each cell's change against the previous edition, and the row's growth a year."""
    for previous, cell in zip(row.cells, row.cells[1:], strict=False):
        cell.years = cell.edition.year - previous.edition.year
        cell.change = change_between(previous.quantity, cell.quantity, years=cell.years)
    if row.unit != PERCENT:
        ends = first_and_last([(cell.edition.year, cell.quantity) for cell in row.cells])
        if ends:
            (first_year, first), (last_year, last) = ends
            row.growth = compound_annual_growth(first, last, years=last_year - first_year)
    return row


def _reported_rows(editions: list[Edition]) -> list[Row]:
    figures = ReportedFigure.objects.filter(edition__in=editions).select_related("metric").prefetch_related("sources")
    chosen: dict[tuple[int, int], ReportedFigure] = {}
    metrics: dict[int, Metric] = {}
    for figure in figures:
        key = (figure.metric_id, figure.edition_id)
        if key not in chosen or STAGE_PREFERENCE.index(figure.stage) < STAGE_PREFERENCE.index(chosen[key].stage):
            chosen[key] = figure
        metrics[figure.metric_id] = figure.metric
    rows = []
    for metric in sorted(metrics.values(), key=lambda metric: (metric.position, metric.code)):
        cells = []
        for edition in editions:
            figure = chosen.get((metric.pk, edition.pk))
            if figure is None:
                cells.append(Cell(edition, None, metric.unit))
                continue
            cells.append(
                Cell(
                    edition,
                    Quantity(figure.value, figure.qualifier),
                    metric.unit,
                    stage="" if figure.stage == Stage.CLOSING else Stage(figure.stage).label,
                    sources=list(figure.sources.all()),
                )
            )
        name = localized_name(metric.name_en, metric.name_zh)
        rows.append(with_changes(Row(metric.code, name, metric.unit, "reported", cells, key=metric.pk)))
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
        )
    }
    return stats, (_medians(projects, edition_ids) if stats else {})


def _recorded_rows(editions: list[Edition], projects) -> tuple[list[Row], dict[int, dict], bool]:
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
            cells.append(Cell(edition, quantity, unit, significant=COMPUTED_DIGITS.get(code)))
        rows.append(with_changes(Row(code, str(label), unit, "recorded", cells)))
    has_illustrative = any(row["illustrative"] for row in stats.values())
    return rows, stats, has_illustrative


def _by_edition(rows, key: str = "edition_id") -> dict[int, list]:
    grouped = defaultdict(list)
    for row in rows:
        grouped[row[key]].append(row)
    return grouped


def _sector_rows(editions: list[Edition], projects, stats: dict[int, dict]) -> list[Row]:
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
            cells.append(Cell(edition, Quantity(total), Unit.YUAN, link=link, count=count))
        name = localized_name(sector["sector__name_en"], sector["sector__name_zh"])
        rows.append(with_changes(Row(f"sector:{sector['sector__slug']}", name, Unit.YUAN, "sector", cells, sector_id)))
    return rows


def _band_rows(editions: list[Edition], projects, stats: dict[int, dict]) -> list[Row]:
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
        rows.append(with_changes(Row(f"band:{band.slug}", str(band.label), Unit.COUNT, "band", cells, band.slug)))
    return rows


def build_comparison(*, editions: list[Edition]) -> Comparison:
    """Every metric of the given (published) editions, with changes and growth a year.

    The project aggregates come from the cache, edition by edition, while none of that edition's
    projects changes (core.caching.aggregates.per_edition).
    """
    # Not .public(): an edition's cached aggregates must not depend on its status; only published
    # editions are asked for.
    projects = Project.objects.all()
    recorded, stats, has_illustrative = _recorded_rows(editions, projects)
    return Comparison(
        editions=editions,
        reported=_reported_rows(editions),
        recorded=recorded,
        sectors=_sector_rows(editions, projects, stats) if stats else [],
        bands=_band_rows(editions, projects, stats) if stats else [],
        has_illustrative=has_illustrative,
    )


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
