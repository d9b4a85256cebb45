"""Reads for the public edition pages that need only the editions app."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.utils.translation import gettext as _

from core.formatting import axis_scale, format_ordinal, format_quantity
from core.vocabulary import STAGE_PHRASES, STAGE_PREFERENCE, Stage, Unit
from editions.citations import Citations
from editions.comparability import compare, measure_of
from editions.models import Edition, Metric, ReportedFigure, Source


def stage_rank_expression() -> Case:
    """0 for the stage pages prefer (closing), then the others in STAGE_PREFERENCE order."""
    return Case(
        *[When(stage=stage, then=Value(rank)) for rank, stage in enumerate(STAGE_PREFERENCE)],
        default=Value(len(STAGE_PREFERENCE)),
        output_field=IntegerField(),
    )


def _stage_rank(stage: str) -> int:
    try:
        return STAGE_PREFERENCE.index(stage)
    except ValueError:
        return len(STAGE_PREFERENCE)


def pick_preferred(figures) -> list[ReportedFigure]:
    """One figure per (edition, metric): the closing one if there is one, else the next stage preferred."""
    chosen: dict[tuple[int, int], ReportedFigure] = {}
    for figure in figures:
        key = (figure.edition_id, figure.metric_id)
        if key not in chosen or _stage_rank(figure.stage) < _stage_rank(chosen[key].stage):
            chosen[key] = figure
    for figure in chosen.values():
        # Pages name the stage whenever the figure shown is not the closing one.
        figure.is_preferred_stage = figure.stage == Stage.CLOSING
    return list(chosen.values())


def _sources_prefetch() -> Prefetch:
    return Prefetch("sources", queryset=Source.objects.order_by("published_on", "key"))


def headline_figures(*, edition: Edition, citations: Citations | None = None) -> list[ReportedFigure]:
    """An edition's figures, one per metric at the preferred stage, in display order, with sources.

    Each figure's other stages ride along as `figure.also_reported` ("45 countries and regions before the
    opening"), so that every published figure can be reached from the edition's page. With `citations`,
    every figure gets its numbered sources and its public note with the sources it cites linked
    (`cite_figures`).
    """
    figures = list(
        ReportedFigure.objects.filter(edition=edition)
        .select_related("metric")
        .prefetch_related(_sources_prefetch())
        .order_by("metric__position", "metric__code")
    )
    chosen = pick_preferred(figures)
    chosen.sort(key=lambda figure: (figure.metric.position, figure.metric.code))
    shown = {figure.pk for figure in chosen}
    for figure in chosen:
        figure.also_reported = sorted(
            (other for other in figures if other.metric_id == figure.metric_id and other.pk not in shown),
            key=lambda other: _stage_rank(other.stage),
        )
    if citations is not None:
        cite_figures(chosen, citations)
    return chosen


def also_reported_text(figure: ReportedFigure) -> str:
    """'45 countries and regions before the opening': a figure of another stage, as a sentence reads it."""
    name = figure.metric.name
    if name[1:2].islower():  # "Countries and regions", not an acronym
        name = name[:1].lower() + name[1:]
    return _("%(value)s %(metric)s %(stage)s") % {
        "value": figure.display_value,
        "metric": name,
        "stage": STAGE_PHRASES[Stage(figure.stage)],
    }


def cite_figures(figures: list[ReportedFigure], citations: Citations) -> None:
    """Number every figure's sources in display order (`figure.citations`, primary source first) and render its
    public note with the sources it cites as links (`figure.note_html`); the same for its other stages."""
    every = [item for figure in figures for item in [figure, *getattr(figure, "also_reported", [])]]
    citations.know(item.public_note for item in every)
    for item in every:
        item.citations = citations.cite_all(item.ordered_sources())
        item.note_html = citations.note(item.public_note)
        item.also_text = also_reported_text(item)


def main_metrics() -> list[Metric]:
    """The metrics marked as main figures, in display order."""
    return list(Metric.objects.filter(is_main=True).order_by("position", "code"))


def main_figures_by_edition(*, editions, metrics: list[Metric]) -> dict[tuple[int, int], ReportedFigure]:
    """{(edition id, metric id): figure at the preferred stage} for the given editions and metrics, one query."""
    figures = (
        ReportedFigure.objects.filter(edition__in=editions, metric__in=metrics)
        .select_related("metric")
        .order_by("edition_id", "metric_id")
    )
    return {(figure.edition_id, figure.metric_id): figure for figure in pick_preferred(figures)}


def figure_annotation_name(metric: Metric) -> str:
    return f"figure_{metric.pk}"


def editions_for_table(*, metrics: list[Metric], recorded: dict[int, tuple[int, Decimal]] | None = None) -> QuerySet:
    """Published editions with each main figure's value (preferred stage) and their recorded projects' count and sum.

    With `recorded` ({edition id: (count, total)}, e.g. cached) the two project columns are constants in
    the query, still sortable, instead of a GROUP BY over every project on every request.
    """
    annotations = {}
    for metric in metrics:
        preferred = (
            ReportedFigure.objects.filter(edition=OuterRef("pk"), metric=metric)
            .annotate(stage_rank=stage_rank_expression())
            .order_by("stage_rank")
        )
        annotations[figure_annotation_name(metric)] = Subquery(preferred.values("value")[:1])
    if recorded is None:
        # The reverse relation is named, not imported: editions does not depend on projects.
        annotations["recorded_count"] = Count("projects")
        annotations["recorded_value"] = Sum("projects__value")
    else:
        annotations["recorded_count"] = _constant_per_edition(
            {pk: count for pk, (count, _total) in recorded.items()}, IntegerField(), default=0
        )
        annotations["recorded_value"] = _constant_per_edition(
            {pk: total for pk, (_count, total) in recorded.items()}, DecimalField(max_digits=20, decimal_places=2)
        )
    return Edition.objects.published().annotate(**annotations).order_by("-number")


def _constant_per_edition(values: dict, output_field, default=None) -> Case:
    return Case(
        *[When(pk=pk, then=Value(value)) for pk, value in values.items()],
        default=Value(default),
        output_field=output_field,
    )


@dataclass
class TrendPoint:
    edition: Edition | None  # None: editions the portal does not have (`missing`), drawn as a gap
    figure: ReportedFigure | None
    height: float = 0.0  # share of the largest value, 0..1, for the small bar chart
    missing: list[int] = field(default_factory=list)
    unlike_previous: bool = False  # not like for like with the figure before it (comparability rule)

    @property
    def is_gap(self) -> bool:
        return self.edition is None

    @property
    def gap_label(self) -> str:
        """'9–11' under the gap; its title names them in full."""
        if not self.missing:
            return ""
        return str(self.missing[0]) if len(self.missing) == 1 else f"{self.missing[0]}–{self.missing[-1]}"

    @property
    def gap_title(self) -> str:
        first, last = format_ordinal(self.missing[0]), format_ordinal(self.missing[-1])
        editions = first if len(self.missing) == 1 else _("%(first)s–%(last)s") % {"first": first, "last": last}
        return _("%(editions)s: not in the portal") % {"editions": editions}


@dataclass
class Trend:
    metric: Metric
    points: list[TrendPoint] = field(default_factory=list)

    @property
    def has_values(self) -> bool:
        return any(point.figure is not None for point in self.points)

    @property
    def scale(self) -> tuple[Decimal, str]:
        """The divisor the bars' labels are written in and the unit they are in ('billion yuan'; '' for a count)."""
        unit = self.metric.unit
        if unit == Unit.COUNT:
            return Decimal(1), ""
        largest = max((point.figure.value for point in self.points if point.figure is not None), default=Decimal(0))
        label = str(Unit(unit).label) if unit in Unit.values else unit
        if unit in (Unit.YUAN, Unit.USD):
            return axis_scale(largest, label)
        return Decimal(1), label

    @property
    def chart(self) -> dict:
        """Coordinates for a small server-rendered SVG bar chart (no JavaScript); a gap is a narrow broken slot.

        Every bar carries its value in the chart's unit, upright: inside the top of a tall bar, above a short one.
        """
        bar, space, gap_width, height, room = 18, 6, 12, 60, 48
        divisor, _unit = self.scale
        bars, x = [], 0
        for point in self.points:
            width = gap_width if point.is_gap else bar
            bar_height = round(point.height * height, 1)
            top = room + height - bar_height
            inside = bar_height > 40
            label = ""
            if point.figure is not None:
                label = format_quantity((point.figure.value / divisor).normalize(), Unit.COUNT, point.figure.qualifier)
            bars.append(
                {
                    "point": point,
                    "x": x,
                    "y": round(top, 1),
                    "height": bar_height,
                    "label_x": x + width / 2,
                    "separator_x": x - space / 2,
                    "value_label": label,
                    "value_x": round(x + width / 2 + 3, 1),
                    "value_y": round(top + 3 if inside else top - 3, 1),
                    "inside": inside,
                }
            )
            x += width + space
        return {"bars": bars, "bar": bar, "height": height + room, "top": room, "width": max(x - space, 1)}


def main_figure_trends(*, editions: list[Edition], metrics: list[Metric]) -> list[Trend]:
    """Each main metric across the given editions (oldest first), for the trend table and bars.

    Editions missing from the portal between two shown ones are a gap point, never a join; a bar that is not
    like for like with the one before it (another basis, another definition) says so.
    """
    figures = main_figures_by_edition(editions=editions, metrics=metrics)
    trends = []
    for metric in metrics:
        points, previous = [], None
        for before, edition in zip([None, *editions[:-1]], editions, strict=True):
            if before is not None and edition.number - before.number > 1:
                points.append(TrendPoint(None, None, missing=list(range(before.number + 1, edition.number))))
            figure = figures.get((edition.pk, metric.pk))
            point = TrendPoint(edition, figure)
            if figure is not None:
                if previous is not None:
                    point.unlike_previous = not compare(measure_of(previous), measure_of(figure)).comparable
                previous = figure
            points.append(point)
        largest = max((point.figure.value for point in points if point.figure is not None), default=0)
        for point in points:
            if point.figure is not None and largest:
                point.height = float(point.figure.value / largest)
        trends.append(Trend(metric, points))
    return trends
