"""Reads over projects that pages of several apps need."""

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Sum
from django.db.models.expressions import RawSQL

from core.caching.aggregates import per_edition
from projects.aggregates import AggregateCell
from projects.models import Project


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


def median_values(*, counts: dict[int, int]) -> dict[int, Decimal]:
    """{edition id: the median value of its projects}, given how many projects each edition has (the cells').

    A median cannot be kept up to date by adding and taking away, but it need not group the projects either:
    the middle one or two values are read at their offset in the (edition, -value, id) index, one branch of a
    UNION ALL per edition, in one query.
    """
    middles = [
        Project.objects.filter(edition_id=edition_id)
        .order_by("-value", "id")
        .values_list("id")[(count - 1) // 2 : count // 2 + 1]
        .query.sql_with_params()
        for edition_id, count in sorted(counts.items())
        if count > 0
    ]
    if not middles:
        return {}
    # By hand: Django refuses a sliced queryset in a UNION on SQLite, which takes one inside a subquery.
    union = " UNION ALL ".join(f"SELECT * FROM ({sql}) AS middle_{index}" for index, (sql, _) in enumerate(middles))
    found: dict[int, list[Decimal]] = {}
    middle = RawSQL(union, [param for _, params in middles for param in params])  # noqa: S611 - no outside text
    for edition_id, value in Project.objects.filter(pk__in=middle).order_by().values_list("edition_id", "value"):
        found.setdefault(edition_id, []).append(value)
    return {edition_id: sum(values) / len(values) for edition_id, values in found.items()}
