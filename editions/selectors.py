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

from core.vocabulary import STAGE_PREFERENCE, Stage
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


def headline_figures(*, edition: Edition) -> list[ReportedFigure]:
    """An edition's figures, one per metric at the preferred stage, in display order, with sources."""
    figures = (
        ReportedFigure.objects.filter(edition=edition)
        .select_related("metric")
        .prefetch_related(_sources_prefetch())
        .order_by("metric__position", "metric__code")
    )
    chosen = pick_preferred(figures)
    chosen.sort(key=lambda figure: (figure.metric.position, figure.metric.code))
    return chosen


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
    edition: Edition
    figure: ReportedFigure | None
    height: float = 0.0  # share of the largest value, 0..1, for the small bar chart


@dataclass
class Trend:
    metric: Metric
    points: list[TrendPoint] = field(default_factory=list)

    @property
    def has_values(self) -> bool:
        return any(point.figure is not None for point in self.points)

    @property
    def chart(self) -> dict:
        """Coordinates for a small server-rendered SVG bar chart (no JavaScript)."""
        bar, gap, height = 18, 6, 60
        bars = []
        for index, point in enumerate(self.points):
            bar_height = round(point.height * height, 1)
            bars.append(
                {
                    "point": point,
                    "x": index * (bar + gap),
                    "y": round(height - bar_height, 1),
                    "height": bar_height,
                    "label_x": index * (bar + gap) + bar / 2,
                }
            )
        return {"bars": bars, "bar": bar, "height": height, "width": max(len(bars) * (bar + gap) - gap, 1)}


def main_figure_trends(*, editions: list[Edition], metrics: list[Metric]) -> list[Trend]:
    """Each main metric across the given editions (oldest first), for the trend table and bars."""
    figures = main_figures_by_edition(editions=editions, metrics=metrics)
    trends = []
    for metric in metrics:
        points = [TrendPoint(edition, figures.get((edition.pk, metric.pk))) for edition in editions]
        largest = max((point.figure.value for point in points if point.figure is not None), default=0)
        for point in points:
            if point.figure is not None and largest:
                point.height = float(point.figure.value / largest)
        trends.append(Trend(metric, points))
    return trends
