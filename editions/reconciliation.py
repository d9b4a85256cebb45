"""What staff check before publishing: reported totals against the recorded projects, missing figures."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum

from core.vocabulary import STAGE_PREFERENCE
from editions.models import Edition, Metric, ReportedFigure

PROJECT_COUNT_METRIC = "projects_signed"
PROJECT_VALUE_METRIC = "signed_value"


@dataclass(frozen=True)
class Reconciliation:
    edition: Edition
    reported_count: ReportedFigure | None
    reported_value: ReportedFigure | None
    recorded_count: int
    recorded_value: Decimal
    missing_main_metrics: list[Metric] = field(default_factory=list)

    @property
    def count_matches(self) -> bool | None:
        if self.reported_count is None:
            return None
        return self.reported_count.value == self.recorded_count

    @property
    def value_matches(self) -> bool | None:
        if self.reported_value is None:
            return None
        return self.reported_value.value == self.recorded_value

    @property
    def value_difference(self) -> Decimal | None:
        if self.reported_value is None:
            return None
        return self.recorded_value - self.reported_value.value

    @property
    def count_difference(self) -> int | None:
        if self.reported_count is None:
            return None
        return self.recorded_count - int(self.reported_count.value)

    @property
    def is_clean(self) -> bool:
        return bool(self.count_matches and self.value_matches and not self.missing_main_metrics)


def _preferred(figures: list[ReportedFigure], code: str) -> ReportedFigure | None:
    candidates = {figure.stage: figure for figure in figures if figure.metric.code == code}
    return next((candidates[stage] for stage in STAGE_PREFERENCE if stage in candidates), None)


def edition_reconciliation(*, edition: Edition) -> Reconciliation:
    """The reported project count and value against the projects recorded, and the main figures still missing."""
    figures = list(
        edition.figures.filter(metric__code__in=[PROJECT_COUNT_METRIC, PROJECT_VALUE_METRIC]).select_related("metric")
    )
    # Reverse relation: the editions app stays free of module-level imports of projects.
    recorded = edition.projects.aggregate(count=Count("id"), value=Sum("value"))
    missing = list(Metric.objects.filter(is_main=True).exclude(figures__edition=edition))
    return Reconciliation(
        edition=edition,
        reported_count=_preferred(figures, PROJECT_COUNT_METRIC),
        reported_value=_preferred(figures, PROJECT_VALUE_METRIC),
        recorded_count=recorded["count"] or 0,
        recorded_value=recorded["value"] or Decimal(0),
        missing_main_metrics=missing,
    )
