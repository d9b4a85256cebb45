"""The read-only endpoints of /api/v1/: published data only, in the field names of portal/api/schemas.py."""

from collections import defaultdict
from decimal import Decimal
from typing import Literal
from urllib.parse import urlencode

from django.http import Http404
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from core.vocabulary import Basis, Stage
from editions.models import Metric
from portal.api import pagination
from portal.api.schemas import (
    ComparisonOut,
    EditionOut,
    ErrorOut,
    FigureOut,
    MetricOut,
    ProjectPage,
    SectorOut,
    SourceOut,
    SpanOut,
)
from portal.comparison.exports import COLUMNS, comparison_rows
from portal.comparison.pairs import build_pair
from portal.forms import MAX_EDITION_NUMBER
from portal.open_data import records, selectors
from projects.bands import VALUE_BANDS
from projects.filters import ProjectFilter
from projects.models import Scope

router = Router()

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
NOT_FOUND = {404: ErrorOut}
BAD_REQUEST = {400: ErrorOut}


class BadParameter(Exception):
    """A query or path parameter the API cannot answer: a 400 naming it (portal.api.main)."""

    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter
        self.message = message


class NotPublished(Http404):
    """No published edition has this number (a draft is not told apart from a number never used)."""

    def __init__(self, parameter: str, number: int):
        super().__init__(_("There is no published edition number %(number)s.") % {"number": number})
        self.parameter = parameter


def _published_edition(number: int, parameter: str = "number"):
    edition = selectors.published_editions().filter(number=number).first() if number <= MAX_EDITION_NUMBER else None
    if edition is None:
        raise NotPublished(parameter, number)
    return edition


# -- editions ---------------------------------------------------------------------------------------------


def _edition_payloads(editions: list) -> list[dict]:
    """Each edition with its figures, bands, named sectors and the sources they cite: six queries for them all."""
    ids = [edition.pk for edition in editions]
    figures, bands, named, cited = defaultdict(list), defaultdict(list), defaultdict(list), defaultdict(dict)
    for figure in selectors.published_figures().filter(edition_id__in=ids):
        figures[figure.edition_id].append(records.figure_record(figure))
        cited[figure.edition_id].update({source.key: source for source in figure.ordered_sources()})
    for band in selectors.published_bands().filter(edition_id__in=ids):
        bands[band.edition_id].append(records.band_record(band))
        cited[band.edition_id].update({source.key: source for source in band.ordered_sources()})
    for row in selectors.published_reported_sectors().filter(edition_id__in=ids):
        named[row.edition_id].append(records.edition_sector_record(row))
        cited[row.edition_id].update({source.key: source for source in row.sources.all()})
    return [
        {
            **records.edition_record(edition),
            "figures": figures[edition.pk],
            "bands": bands[edition.pk],
            "sectors": named[edition.pk],
            "sources": [records.source_record(cited[edition.pk][key]) for key in sorted(cited[edition.pk])],
        }
        for edition in editions
    ]


@router.get("/", summary="The API's entry point", include_in_schema=False)
def index(request):
    def url(name, **kwargs):
        return request.build_absolute_uri(reverse(f"api-v1:{name}", kwargs=kwargs or None))

    return {
        "editions": url("editions"),
        "figures": url("figures"),
        "projects": url("projects"),
        "sectors": url("sectors"),
        "metrics": url("metrics"),
        "sources": url("sources"),
        "openapi": url("openapi-json"),
        "docs": url("openapi-view"),
        "data_package": request.build_absolute_uri(reverse("data_package")),
    }


@router.get("/editions", response=list[EditionOut], url_name="editions", summary="Every published edition")
def list_editions(request):
    """Every published edition, oldest first, with its figures at every stage, its value bands, the sectors its
    release names and the sources they cite."""
    return _edition_payloads(list(selectors.published_editions()))


@router.get(
    "/editions/{int:number}", response={200: EditionOut, **NOT_FOUND}, url_name="edition", summary="One edition"
)
def edition_detail(request, number: int):
    """One published edition by its number, as in /editions. A number no published edition has is a 404."""
    return _edition_payloads([_published_edition(number)])[0]


# -- figures ----------------------------------------------------------------------------------------------


class FigureQuery(Schema):
    metric: str | None = Field(None, max_length=60, description="A metric's code (see /metrics).")
    edition: int | None = Field(None, ge=1, le=MAX_EDITION_NUMBER, description="An edition's number.")
    stage: Literal[tuple(Stage.values)] | None = Field(None, description="The stage the figure was published at.")
    basis: Literal[tuple(Basis.values)] | None = Field(None, description="What a money figure measures.")


@router.get("/figures", response={200: list[FigureOut], **BAD_REQUEST}, url_name="figures", summary="Figures")
def list_figures(request, filters: Query[FigureQuery]):
    """Every published figure, by edition and metric, optionally of one metric, edition, stage or basis."""
    figures = selectors.published_figures()
    if filters.metric is not None:
        if not Metric.objects.filter(code=filters.metric).exists():
            raise BadParameter("metric", _("There is no metric with the code “%(code)s”.") % {"code": filters.metric})
        figures = figures.filter(metric__code=filters.metric)
    if filters.edition is not None:
        figures = figures.filter(edition__number=filters.edition)
    if filters.stage is not None:
        figures = figures.filter(stage=filters.stage)
    if filters.basis is not None:
        figures = figures.filter(basis=filters.basis)
    return [records.figure_record(figure) for figure in figures]


# -- projects ---------------------------------------------------------------------------------------------


class ProjectQuery(Schema):
    q: str | None = Field(None, max_length=200, description="Words in the title, parties or description.")
    edition: int | None = Field(None, ge=1, le=MAX_EDITION_NUMBER, description="An edition's number.")
    sector: str | None = Field(None, max_length=80, description="A sector's slug (see /sectors).")
    scope: Literal[tuple(Scope.values)] | None = None
    partner: str | None = Field(None, max_length=2, description="A two-letter country code such as RU.")
    band: Literal[tuple(band.slug for band in VALUE_BANDS)] | None = Field(None, description="A value band.")
    value_min: Decimal | None = Field(None, ge=0, description="Projects worth at least this many yuan.")
    value_max: Decimal | None = Field(None, ge=0, description="Projects worth at most this many yuan.")
    sort: Literal[pagination.SORTS] = Field(
        "-value", description="The order, as in the projects table: a column, `-` first for descending."
    )
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Projects a page (at most 200).")
    cursor: str | None = Field(None, max_length=500, description="Where a page starts: take it from `next`.")


FILTERS = tuple(ProjectFilter.base_filters)


@router.get("/projects", response={200: ProjectPage, **BAD_REQUEST}, url_name="projects", summary="Projects")
def list_projects(request, query: Query[ProjectQuery]):
    """The projects of the published editions, with the filters and orders of the projects table, a page at a
    time: follow `next` until it is null to read every matching project exactly once."""
    values = query.dict()
    data = {name: str(values[name]) for name in FILTERS if values.get(name) is not None}
    filterset = ProjectFilter(data=data, queryset=selectors.published_projects())
    if not filterset.is_valid():
        parameter, problems = next(iter(filterset.errors.items()))
        raise BadParameter(parameter, " ".join(str(problem) for problem in problems))
    rows = pagination.ordered(filterset.qs, query.sort)
    if query.cursor:
        try:
            rows = pagination.after(rows, query.sort, query.cursor)
        except pagination.BadCursor as error:
            raise BadParameter("cursor", str(error)) from error
    page = pagination.first_rows(rows, query.page_size + 1)
    following = None
    if len(page) > query.page_size:
        page = page[: query.page_size]
        params = {
            **{name: value for name, value in request.GET.items() if name != "cursor"},
            "cursor": pagination.encode(page[-1], query.sort),
        }
        following = request.build_absolute_uri(f"{request.path}?{urlencode(params)}")
    return {"results": [records.project_record(project) for project in page], "next": following,
            "page_size": query.page_size}  # fmt: skip


# -- vocabularies and sources -----------------------------------------------------------------------------


@router.get("/sectors", response=list[SectorOut], url_name="sectors", summary="Sectors")
def list_sectors(request):
    """The canonical sectors every edition's projects are counted in (the projects' `sector`)."""
    return [records.sector_record(sector) for sector in selectors.sectors()]


@router.get("/metrics", response=list[MetricOut], url_name="metrics", summary="Metrics")
def list_metrics(request):
    """The kinds of headline figure (the figures' `metric`), with their units and definitions."""
    return [records.metric_record(metric) for metric in selectors.metrics()]


@router.get("/sources", response=list[SourceOut], url_name="sources", summary="Sources")
def list_sources(request):
    """Every source published data cites, by key: the figures', bands' and projects' `sources` name them."""
    return [records.source_record(source) for source in selectors.published_sources()]


@router.get("/spans", response=list[SpanOut], url_name="spans", summary="Figures for several editions")
def list_spans(request):
    """Figures the releases state for several editions at once (cumulative totals, follow-through rates, one
    city's projects): no single edition's figure. Published ones only, as the /spans/ page shows them."""
    return [records.span_record(span) for span in selectors.published_spans()]


# -- comparisons ------------------------------------------------------------------------------------------


@router.get(
    "/comparisons/{int:a}/{int:b}",
    response={200: ComparisonOut, **BAD_REQUEST, **NOT_FOUND},
    url_name="comparison",
    summary="Two editions compared",
)
def comparison(request, a: int, b: int):
    """Two published editions side by side, the rows of the comparison page's download: each figure and the
    previous one, the change, and whether it is like for like (`comparable`) or why not (`reason`)."""
    if a == b:
        raise BadParameter("b", _("Choose two different editions: both numbers are %(number)s.") % {"number": a})
    first, second = _published_edition(a, "a"), _published_edition(b, "b")
    if first.number > second.number:
        first, second = second, first
    # The rows' words (names, reasons) in English: one stable text whatever the browser's language.
    with translation.override("en"):
        rows = comparison_rows(build_pair(first=first, second=second).comparison)
    return {"first": first.number, "second": second.number, "columns": COLUMNS, "rows": rows}
