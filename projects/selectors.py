"""Reads over projects that pages of several apps need."""

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Count, Sum

from core.caching.aggregates import per_edition
from projects.models import Project


def recorded_by_edition(*, edition_ids: Iterable[int]) -> dict[int, tuple[int, Decimal]]:
    """{edition id: (number of projects, their total value)} for those editions that have projects; cached."""

    def compute(missing: list[int]) -> dict[int, tuple[int, Decimal]]:
        rows = (
            Project.objects.filter(edition_id__in=missing)
            .order_by()
            .values_list("edition_id")
            .annotate(count=Count("pk"), total=Sum("value"))
        )
        return {edition_id: (count, total) for edition_id, count, total in rows}

    recorded = per_edition("recorded", edition_ids, compute=compute, empty=None)
    return {pk: found for pk, found in recorded.items() if found}
