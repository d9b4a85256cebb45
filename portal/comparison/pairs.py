"""Two editions side by side (/compare/<a>/<b>/): metrics, sectors, bands, partners and a like-for-like line."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django_countries import countries

from core.caching.aggregates import for_editions, per_edition
from core.vocabulary import Unit
from editions.models import Edition
from portal.comparison.growth import Quantity
from portal.comparison.selectors import Cell, Comparison, Row, build_comparison, projects_url, with_changes
from projects.models import Project, Scope


@dataclass
class Partner:
    code: str
    name: str
    first: dict | None  # {"count": n, "total": yuan} in the first edition, None when absent
    second: dict | None
    first_link: str = ""
    second_link: str = ""


@dataclass
class LikeForLike:
    sector_count: int
    partner_count: int
    first: Cell
    second: Cell


@dataclass
class Pair:
    first: Edition
    second: Edition
    comparison: Comparison
    partners_new: list[Partner]
    partners_kept: list[Partner]
    partners_gone: list[Partner]
    like_for_like: LikeForLike | None

    @property
    def years(self) -> int:
        return self.second.year - self.first.year


def build_pair(*, first: Edition, second: Edition) -> Pair:
    """Two published editions side by side: metrics, sectors, bands, partners and a like-for-like line."""
    comparison = build_comparison(editions=[first, second])

    def compute(missing: list[int]) -> dict[int, list[dict]]:
        grouped = (
            Project.objects.filter(edition_id__in=missing, scope=Scope.INTERNATIONAL)
            .order_by()
            .values("edition_id", "partner")
            .annotate(count=Count("id"), total=Sum("value"))
        )
        by_edition = defaultdict(list)
        for row in grouped:
            by_edition[row["edition_id"]].append(row)
        return by_edition

    partners = defaultdict(dict)
    for rows in per_edition("compare-partners", [first.pk, second.pk], compute=compute, empty=()).values():
        for row in rows:
            partners[row["partner"]][row["edition_id"]] = {"count": row["count"], "total": row["total"]}
    listed = sorted(
        (
            Partner(
                code,
                str(countries.name(code)) or code,
                by_edition.get(first.pk),
                by_edition.get(second.pk),
                projects_url(edition=first.number, partner=code),
                projects_url(edition=second.number, partner=code),
            )
            for code, by_edition in partners.items()
        ),
        key=lambda partner: partner.name,
    )
    kept = [partner for partner in listed if partner.first and partner.second]

    like_for_like = None
    common_sectors = [
        row.key
        for row in comparison.sectors
        if all(cell.quantity is not None and cell.quantity.value > 0 for cell in row.cells)
    ]
    if common_sectors:
        kept_codes = [partner.code for partner in kept]
        grouped = (
            Project.objects.filter(edition__in=[first, second], sector_id__in=common_sectors)
            .filter(Q(scope=Scope.DOMESTIC) | Q(partner__in=kept_codes))
            .order_by()
            .values("edition_id")
            .annotate(total=Sum("value"))
        )
        totals = for_editions(
            "compare-like-for-like",
            [first.pk, second.pk],
            sorted(common_sectors),
            kept_codes,
            compute=lambda: {row["edition_id"]: row["total"] for row in grouped},
        )
        cells = [Cell(edition, Quantity(totals.get(edition.pk, Decimal(0))), Unit.YUAN) for edition in (first, second)]
        row = with_changes(Row("like-for-like", "", Unit.YUAN, "recorded", cells))
        like_for_like = LikeForLike(len(common_sectors), len(kept), *row.cells)
    return Pair(
        first=first,
        second=second,
        comparison=comparison,
        partners_new=[partner for partner in listed if partner.second and not partner.first],
        partners_kept=kept,
        partners_gone=[partner for partner in listed if partner.first and not partner.second],
        like_for_like=like_for_like,
    )
