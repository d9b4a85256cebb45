"""Reads over projects that pages of several apps need."""

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Sum

from core.caching.aggregates import per_edition
from projects.aggregates import AggregateCell


def recorded_by_edition(*, edition_ids: Iterable[int]) -> dict[int, tuple[int, Decimal]]:
    """{edition id: (number of projects, their total value)} for those editions that have projects; cached."""

    def compute(missing: list[int]) -> dict[int, tuple[int, Decimal]]:
        # Sums of the aggregate cells, which every write of projects keeps up to date (projects/tallying.py).
        rows = (
            AggregateCell.objects.filter(edition_id__in=missing, count__gt=0)
            .order_by()
            .values_list("edition_id")
            .annotate(projects=Sum("count"), value=Sum("total"))
        )
        return {edition_id: (count, total) for edition_id, count, total in rows}

    recorded = per_edition("recorded", edition_ids, compute=compute, empty=None)
    return {pk: found for pk, found in recorded.items() if found}
