"""Reads that combine editions and projects for more than one public page."""

from django.db.models import Exists, OuterRef

from core.vocabulary import STAGE_KINDS, StageKind
from editions.models import Edition, ReportedFigure
from projects.models import Project

RESULT_STAGES = [stage for stage, kind in STAGE_KINDS.items() if kind == StageKind.RESULTS]


def numbers_with_results(editions: list[Edition]) -> set[int]:
    """The numbers of those editions that have results: a figure reported at or after the close, or a recorded
    project. An edition still to come (only plans and opening-day counts) has none. One query."""
    results = ReportedFigure.objects.filter(edition=OuterRef("pk"), stage__in=RESULT_STAGES)
    projects = Project.objects.filter(edition=OuterRef("pk"))
    found = Edition.objects.filter(pk__in=[edition.pk for edition in editions]).filter(
        Exists(results) | Exists(projects)
    )
    return set(found.values_list("number", flat=True))


def latest_with_results(editions: list[Edition]) -> tuple[Edition | None, Edition | None]:
    """The newest of `editions` (oldest first) with results, and the one with results before it."""
    if not editions:
        return None, None
    numbers = numbers_with_results(editions)
    with_results = [edition for edition in editions if edition.number in numbers]
    latest = with_results[-1] if with_results else None
    previous = with_results[-2] if len(with_results) > 1 else None
    return latest, previous
