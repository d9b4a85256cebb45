"""Two editions side by side (/compare/<a>/<b>/): metrics, sectors, bands, partners and like-for-like lines."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q, Sum
from django.utils.safestring import SafeString
from django.utils.translation import pgettext
from django_countries import countries

from core.vocabulary import Unit
from editions.models import Edition, ReportedBand, Source
from portal.comparison.growth import Quantity
from portal.comparison.rows import Cell, Row, with_changes
from portal.comparison.selectors import Comparison, build_comparison, projects_url, published_sector_names
from projects.aggregates import AggregateCell
from projects.models import ProjectKind, Scope


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
    kinds: list[str] = field(default_factory=list)  # the kinds of project both editions recorded

    @property
    def kinds_text(self) -> str:
        return pgettext("list separator", ", ").join(str(ProjectKind(kind).label) for kind in self.kinds)


@dataclass
class PublishedBand:
    band: ReportedBand
    label: str
    citations: list = field(default_factory=list)


@dataclass
class Pair:
    first: Edition
    second: Edition
    comparison: Comparison
    partners_new: list[Partner]
    partners_kept: list[Partner]
    partners_gone: list[Partner]
    like_for_like: LikeForLike | None
    published_bands: list[tuple[Edition, list[PublishedBand]]] = field(default_factory=list)
    sector_names: dict[tuple[int, int], str] = field(default_factory=dict)
    notes: dict[int, SafeString] = field(default_factory=dict)  # {figure id: its public note, sources linked}

    @property
    def years(self) -> int:
        return self.second.year - self.first.year

    @property
    def like_for_like_rows(self) -> list[Row]:
        """The money lines of one basis across metrics, the answer a reader comes for first."""
        return [row for row in self.comparison.by_basis if any(cell.change for cell in row.cells)]

    @property
    def has_bands(self) -> bool:
        return any(bands for _edition, bands in self.published_bands)

    def published_name(self, sector_id: int, edition: Edition) -> str:
        return self.sector_names.get((sector_id, edition.pk), "")


def _published_bands(editions: list[Edition], citations) -> list[tuple[Edition, list[PublishedBand]]]:
    bands = defaultdict(list)
    queryset = (
        ReportedBand.objects.filter(edition__in=editions)
        .prefetch_related(Prefetch("sources", queryset=Source.objects.order_by("published_on", "key")))
        .order_by("edition", "lower_yuan")
    )
    for band in queryset:
        bands[band.edition_id].append(PublishedBand(band, band.label, citations.cite_all(band.ordered_sources())))
    return [(edition, bands.get(edition.pk, [])) for edition in editions]


def _notes(comparison: Comparison) -> dict[int, SafeString]:
    """Each shown figure's public note, with the sources it cites as numbered links (one query at most)."""
    figures = {cell.figure.pk: cell.figure for row in comparison.rows for cell in row.cells if cell.figure is not None}
    notes = {pk: figure.public_note for pk, figure in figures.items() if figure.public_note}
    comparison.citations.know(notes.values())
    for pk, text in notes.items():
        figures[pk].note_html = comparison.citations.note(text)
    return {pk: figures[pk].note_html for pk in notes}


def build_pair(*, first: Edition, second: Edition) -> Pair:
    """Two published editions side by side: metrics, sectors, bands, partners and a like-for-like line."""
    comparison = build_comparison(editions=[first, second])

    # Sums of the aggregate cells (projects/aggregates.py): a few hundred rows, whatever the number of projects.
    cells = AggregateCell.objects.filter(edition__in=[first, second], count__gt=0).order_by()
    partners = defaultdict(dict)
    for row in (
        cells.filter(scope=Scope.INTERNATIONAL)
        .values("edition_id", "partner")
        .annotate(count=Sum("count"), total=Sum("total"))
    ):
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
        # By kind too: contract projects of one edition are not set against contract and agreement projects
        # of the other (the kinds a release counts differ, as its totals do).
        grouped = (
            cells.filter(sector_id__in=common_sectors)
            .filter(Q(scope=Scope.DOMESTIC) | Q(partner__in=kept_codes))
            .values_list("edition_id", "kind")
            .annotate(Sum("total"))
        )
        totals = {(edition_id, kind): total for edition_id, kind, total in grouped}
        kinds = [kind for kind in ProjectKind.values if (first.pk, kind) in totals and (second.pk, kind) in totals]
        if kinds:
            cells = [
                Cell(edition, Quantity(sum((totals[edition.pk, kind] for kind in kinds), Decimal(0))), Unit.YUAN)
                for edition in (first, second)
            ]
            row = with_changes(Row("like-for-like", "", Unit.YUAN, "recorded", cells))
            like_for_like = LikeForLike(len(common_sectors), len(kept), *row.cells, kinds=kinds)
    return Pair(
        first=first,
        second=second,
        comparison=comparison,
        partners_new=[partner for partner in listed if partner.second and not partner.first],
        partners_kept=kept,
        partners_gone=[partner for partner in listed if partner.first and not partner.second],
        like_for_like=like_for_like,
        notes=_notes(comparison),
        published_bands=_published_bands([first, second], comparison.citations),
        sector_names=published_sector_names(editions=[first, second]),
    )
