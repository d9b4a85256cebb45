"""The edition summary page: published figures and bands beside what the recorded projects add up to."""

from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Prefetch, Q, QuerySet, Subquery, Sum
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django_countries import countries

from core import formatting
from core.caching.aggregates import for_editions
from core.tables import plain_number
from core.vocabulary import Unit
from editions.citations import Citation, Citations
from editions.models import Edition, ReportedBand, ReportedFigure, Source
from editions.reconciliation import PROJECT_COUNT_METRIC, PROJECT_VALUE_METRIC
from editions.selectors import headline_figures
from portal.lead import opening_sentences
from projects.aggregates import AggregateCell, PublishedBandTally
from projects.bands import VALUE_BANDS
from projects.models import Project, Scope
from projects.tallying import count_in_bands

LARGEST_PROJECTS = 10


def _share(part, whole) -> Decimal | None:
    """The part in per cent of the whole, to one decimal; unrounded where one decimal would show 0.0 or 100.0
    for a part that is neither nothing nor all (pages write those '<0.1%' and '>99.9%')."""
    if not whole:
        return None
    exact = Decimal(part) * 100 / Decimal(whole)
    rounded = exact.quantize(Decimal("0.1"))
    if (rounded == 0 and exact != 0) or (rounded == 100 and exact != 100):
        return exact
    return rounded


@dataclass
class BreakdownRow:
    """One line of a summary table: how many recorded projects and what they add up to."""

    label: str
    count: int
    total: Decimal
    query: str = ""  # the /projects/ query string that lists exactly these projects
    share_count: Decimal | None = None
    share_value: Decimal | None = None


@dataclass
class PublishedBandRow:
    """A value band as the release published it, beside the recorded projects within the same edges."""

    band: ReportedBand
    label: str
    recorded_count: int
    recorded_value: Decimal
    query: str = ""
    citations: list[Citation] = field(default_factory=list)
    note: SafeString = ""

    @property
    def difference(self) -> int:
        return self.recorded_count - self.band.count


@dataclass
class Comparison:
    """A published figure beside what the recorded projects add up to."""

    label: str
    unit: str
    reported: ReportedFigure | None
    recorded: Decimal

    @property
    def difference(self) -> Decimal | None:
        return None if self.reported is None else self.recorded - self.reported.value

    @property
    def completeness(self) -> Decimal | None:
        """Recorded as a percentage of reported."""
        return None if self.reported is None else _share(self.recorded, self.reported.value)

    @property
    def display_recorded(self) -> str:
        return formatting.format_quantity(self.recorded, self.unit)

    @property
    def display_difference(self) -> str:
        difference = self.difference
        if difference is None:
            return "—"
        if difference == 0:
            return _("equal")
        text = formatting.format_quantity(abs(difference), self.unit)
        return (_("%s more recorded") if difference > 0 else _("%s fewer recorded")) % text


@dataclass
class EditionSummary:
    edition: Edition
    figures: list[ReportedFigure]
    bands: list[BreakdownRow]
    published_bands: list[PublishedBandRow]
    published_bands_nested: bool
    by_sector: list[BreakdownRow]
    by_scope: list[BreakdownRow]
    by_partner: list[BreakdownRow]
    largest: list[Project]
    comparisons: list[Comparison]
    previous: Edition | None  # the published editions just before and after this one
    next: Edition | None
    lead: list[str] = field(default_factory=list)  # the sentences the page opens with
    recorded_count: int = 0
    recorded_value: Decimal = Decimal(0)
    citations: Citations = field(default_factory=Citations)

    @property
    def previous_number(self) -> int | None:
        return self.previous.number if self.previous else None

    @property
    def next_number(self) -> int | None:
        return self.next.number if self.next else None

    @property
    def has_projects(self) -> bool:
        return self.recorded_count > 0

    @property
    def sources(self) -> list[Citation]:
        """Every source the page cites, numbered in the order the page first cites it."""
        return self.citations.listed


def _query(edition: Edition, **filters) -> str:
    return urlencode({"edition": edition.number, **filters})


def _with_shares(rows: list[BreakdownRow], count: int, value: Decimal) -> list[BreakdownRow]:
    for row in rows:
        row.share_count = _share(row.count, count)
        row.share_value = _share(row.total, value)
    return rows


def _band_rows(edition: Edition, cells: QuerySet) -> list[BreakdownRow]:
    grouped = {row["band_position"]: row for row in _grouped(cells, "band_position")}
    rows = []
    for band in VALUE_BANDS:
        row = grouped.get(band.position, {})
        rows.append(
            BreakdownRow(
                label=str(band.label),
                count=row.get("projects", 0),
                total=row.get("value") or Decimal(0),
                query=_query(edition, band=band.slug),
            )
        )
    return rows


def _matching_band(published: ReportedBand):
    """The site's own value band with exactly the published edges, if there is one."""
    upper = None if published.is_nested else published.upper_yuan
    for band in VALUE_BANDS:
        if (band.lower or 0) == published.lower_yuan and band.upper == upper:
            return band
    return None


def _published_bands(edition: Edition) -> list[ReportedBand]:
    return list(
        ReportedBand.objects.filter(edition=edition)
        .prefetch_related(Prefetch("sources", queryset=Source.objects.order_by("published_on", "key")))
        .order_by("lower_yuan")
    )


def _published_band_rows(
    edition: Edition, published: list[ReportedBand], counts: list[tuple[int, Decimal]]
) -> list[PublishedBandRow]:
    rows = []
    for band, (recorded_count, recorded_value) in zip(published, counts, strict=True):
        open_ended = band.upper_yuan is None or band.is_nested
        same_band = _matching_band(band)
        if same_band is not None:
            query = _query(edition, band=same_band.slug)
        elif open_ended:
            query = _query(edition, value_min=plain_number(band.lower_yuan))
        else:
            query = ""
        rows.append(
            PublishedBandRow(
                band=band,
                label=band.label,
                recorded_count=recorded_count,
                recorded_value=recorded_value,
                query=query,
            )
        )
    return rows


def _grouped(cells: QuerySet, *fields: str):
    """Sums of the edition's aggregate cells (projects/aggregates.py) by `fields`: a few hundred rows at most."""
    return cells.values(*fields).annotate(projects=Sum("count"), value=Sum("total")).order_by("-value", *fields)


def _neighbours(edition: Edition) -> tuple[Edition | None, Edition | None]:
    """The published editions just before and after this one, in one query."""
    published = Edition.objects.published()
    before = published.filter(number__lt=edition.number).order_by("-number").values("number")[:1]
    after = published.filter(number__gt=edition.number).order_by("number").values("number")[:1]
    found = list(published.filter(Q(number=Subquery(before)) | Q(number=Subquery(after))).order_by("number"))
    previous = next((other for other in found if other.number < edition.number), None)
    following = next((other for other in found if other.number > edition.number), None)
    return previous, following


def _project_breakdowns(edition: Edition, published: list[ReportedBand]) -> dict:
    """What the summary adds up from the edition's aggregate cells and band tallies, kept up to date by every write
    of projects: no query here groups the projects themselves."""
    cells = AggregateCell.objects.filter(edition=edition, count__gt=0).order_by()
    bands = _band_rows(edition, cells)
    by_sector = [
        BreakdownRow(
            formatting.pick(row["sector__name_en"], row["sector__name_zh"]),
            row["projects"],
            row["value"],
            _query(edition, sector=row["sector__slug"]),
        )
        for row in _grouped(cells, "sector__slug", "sector__name_en", "sector__name_zh")
    ]
    by_scope = [
        BreakdownRow(str(Scope(row["scope"]).label), row["projects"], row["value"], _query(edition, scope=row["scope"]))
        for row in _grouped(cells, "scope")
    ]
    by_partner = [
        BreakdownRow(countries.name(row["partner"]) or row["partner"], row["projects"], row["value"],
                     _query(edition, partner=row["partner"]))
        for row in _grouped(cells.filter(scope=Scope.INTERNATIONAL), "partner")
    ]  # fmt: skip
    projects = Project.objects.filter(edition=edition).order_by()
    return {
        "bands": bands,
        "by_sector": by_sector,
        "by_scope": by_scope,
        "by_partner": by_partner,
        "largest": list(projects.select_related("sector").order_by("-value", "pk")[:LARGEST_PROJECTS]),
        "published_counts": _published_band_counts(projects, published),
    }


def _published_band_counts(projects: QuerySet, published: list[ReportedBand]) -> list[tuple[int, Decimal]]:
    """The recorded projects within each published band's edges, from the bands' tallies."""
    tallies = {
        tally.band_id: (tally.count, tally.total)
        for tally in PublishedBandTally.objects.filter(band__in=[band.pk for band in published])
    }
    untallied = [band for band in published if band.pk not in tallies]
    # A band written without signals and not counted since: counted here, until the next write counts it.
    tallies.update(zip((band.pk for band in untallied), count_in_bands(projects, untallied), strict=True))
    return [tallies[band.pk] for band in published]


def edition_summary(*, edition: Edition) -> EditionSummary:
    """Everything the edition page shows; the project breakdowns come from the cache while no project changes."""
    published = _published_bands(edition)
    edges = [(band.lower_yuan, band.upper_yuan, band.is_nested) for band in published]
    # The cache hands out its own copy (it stores a pickle), so the shares written below stay here.
    # Valid while none of this edition's projects changes, whatever happens to other editions.
    breakdowns = for_editions(
        "edition-summary", [edition.pk], edges, compute=lambda: _project_breakdowns(edition, published)
    )
    bands = breakdowns["bands"]
    recorded_count = sum(row.count for row in bands)
    recorded_value = sum((row.total for row in bands), Decimal(0))

    citations = Citations()
    figures = headline_figures(edition=edition, citations=citations)
    by_code = {figure.metric.code: figure for figure in figures}
    comparisons = [
        Comparison(_("Projects signed"), Unit.COUNT, by_code.get(PROJECT_COUNT_METRIC), Decimal(recorded_count)),
        Comparison(_("Total signed value"), Unit.YUAN, by_code.get(PROJECT_VALUE_METRIC), recorded_value),
    ]
    published_bands = _published_band_rows(edition, published, breakdowns["published_counts"])
    citations.know(row.band.public_note for row in published_bands)
    for row in published_bands:
        row.citations = citations.cite_all(row.band.ordered_sources())
        row.note = citations.note(row.band.public_note)
    previous, following = _neighbours(edition)

    return EditionSummary(
        edition=edition,
        figures=figures,
        bands=_with_shares(bands, recorded_count, recorded_value),
        published_bands=published_bands,
        published_bands_nested=any(row.band.is_nested for row in published_bands),
        by_sector=_with_shares(breakdowns["by_sector"], recorded_count, recorded_value),
        by_scope=_with_shares(breakdowns["by_scope"], recorded_count, recorded_value),
        by_partner=_with_shares(breakdowns["by_partner"], recorded_count, recorded_value),
        largest=breakdowns["largest"],
        comparisons=comparisons,
        previous=previous,
        next=following,
        lead=opening_sentences(edition, figures, previous),
        recorded_count=recorded_count,
        recorded_value=recorded_value,
        citations=citations,
    )
