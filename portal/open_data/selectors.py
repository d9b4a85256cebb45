"""The published rows of every table the API and the data package serve: never a draft's.

Each goes through ``Edition.objects.published()`` (projects through ``Project.objects.public()``, which excludes
the unpublished editions). A source is published when published data cites it: a draft's sources stay out.
"""

from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from editions.models import Edition, Metric, ReportedBand, ReportedFigure, ReportedSector, Sector, Source, SpanFigure
from projects.models import Project


def published_editions() -> QuerySet:
    return Edition.objects.published().order_by("number")


def _sources_in_order() -> Prefetch:
    return Prefetch("sources", queryset=Source.objects.order_by())


def published_figures() -> QuerySet:
    return (
        ReportedFigure.objects.filter(edition__in=Edition.objects.published())
        .select_related("edition", "metric", "primary_source")
        .prefetch_related(_sources_in_order())
        .order_by("edition__number", "metric__position", "metric__code", "stage")
    )


def published_bands() -> QuerySet:
    return (
        ReportedBand.objects.filter(edition__in=Edition.objects.published())
        .select_related("edition", "primary_source")
        .prefetch_related(_sources_in_order())
        .order_by("edition__number", "lower_yuan")
    )


def published_reported_sectors() -> QuerySet:
    return (
        ReportedSector.objects.filter(edition__in=Edition.objects.published())
        .select_related("edition", "sector")
        .prefetch_related(_sources_in_order())
        .order_by("edition__number", "position", "sector__slug")
    )


def published_spans() -> QuerySet:
    """Figures for several editions: published by an editor, and their last edition not a draft here."""
    return (
        SpanFigure.objects.published()
        .select_related("metric", "primary_source")
        .prefetch_related(_sources_in_order())
        .order_by("first_edition", "last_edition", "region_en", "metric__position", "as_of", "pk")
    )


def metrics() -> QuerySet:
    """The metrics: a vocabulary shared by every edition (no edition's data)."""
    return Metric.objects.order_by("position", "code")


def sectors() -> QuerySet:
    """The canonical sectors: a vocabulary shared by every edition (no edition's data)."""
    return Sector.objects.order_by("position", "name_en")


def published_projects() -> QuerySet:
    return Project.objects.public().select_related("edition", "sector", "source", "generated_from")


def published_sources() -> QuerySet:
    """The sources cited by published figures, bands, named sectors, spans or projects, by key."""
    published = Edition.objects.published()
    cited = Q()
    for model, link in (
        (ReportedFigure.sources.through, "reportedfigure__edition__in"),
        (ReportedBand.sources.through, "reportedband__edition__in"),
        (ReportedSector.sources.through, "reportedsector__edition__in"),
    ):
        cited |= Q(Exists(model.objects.filter(source=OuterRef("pk"), **{link: published})))
    for model, field in ((ReportedFigure, "primary_source"), (ReportedBand, "primary_source")):
        cited |= Q(Exists(model.objects.filter(**{field: OuterRef("pk")}, edition__in=published)))
    spans = SpanFigure.objects.published()
    cited |= Q(Exists(SpanFigure.sources.through.objects.filter(source=OuterRef("pk"), spanfigure__in=spans)))
    cited |= Q(Exists(spans.filter(primary_source=OuterRef("pk"))))
    for field in ("source", "generated_from"):
        cited |= Q(Exists(Project.objects.public().filter(**{field: OuterRef("pk")})))
    return Source.objects.filter(cited).order_by("key")


def source_keys(row) -> list[str]:
    """The keys of a figure's or band's sources, the one the value was taken from first."""
    return [source.key for source in row.ordered_sources()]


def plain_number(value: Decimal | None) -> int | Decimal | None:
    """84475000000 rather than 84475000000.00: a whole number as an integer, else the exact decimal."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else value.normalize()
