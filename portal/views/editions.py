"""The editions table, each edition's summary page, and the staff preview of a draft."""

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView
from django_tables2 import SingleTableMixin
from django_tables2.export import ExportMixin

from core.caching.pages import cache_public_page
from core.tables import EXPORT_FORMATS, PortalExport
from editions.models import Edition
from editions.selectors import editions_for_table, main_figures_by_edition, main_metrics
from editions.tables import EditionTable
from portal.spans import spans_of_edition
from portal.summary import edition_summary
from projects.selectors import recorded_by_edition

SUMMARY_TEMPLATE = "portal/editions/detail.html"


@method_decorator(cache_public_page(params=("sort", "_export")), name="get")
class EditionListView(SingleTableMixin, ExportMixin, TemplateView):
    table_class = EditionTable
    template_name = "portal/editions/list.html"
    table_pagination = False
    export_class = PortalExport
    export_name = "editions"
    export_formats = EXPORT_FORMATS
    dataset_kwargs = {"title": "Editions"}

    def get(self, request, *args, **kwargs):
        self.metrics = main_metrics()
        return super().get(request, *args, **kwargs)

    def get_table_data(self):
        published = Edition.objects.published().values_list("pk", flat=True)
        return editions_for_table(metrics=self.metrics, recorded=recorded_by_edition(edition_ids=published))

    def get_table_kwargs(self):
        figures = main_figures_by_edition(editions=Edition.objects.published(), metrics=self.metrics)
        return {"metrics": self.metrics, "figures": figures}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = {key: value for key, value in self.request.GET.items() if key != "_export"}
        context["export_links"] = [(fmt.upper(), "?" + urlencode({**params, "_export": fmt})) for fmt in EXPORT_FORMATS]
        return context


def summary_context(edition: Edition) -> dict:
    """What the summary page shows of an edition; the staff preview shows a draft with the same context."""
    return {"edition": edition, "summary": edition_summary(edition=edition), "spans": spans_of_edition(edition)}


@cache_public_page()
def edition_detail(request, number: int):
    edition = get_object_or_404(Edition.objects.published(), number=number)
    return render(request, SUMMARY_TEMPLATE, summary_context(edition))


def edition_preview(request, number: int):
    """Staff see any edition, draft or not, as its public page will show it; everyone else gets a 404."""
    user = request.user
    if not (user.is_authenticated and user.is_staff and user.has_perm("editions.view_edition")):
        raise Http404
    edition = get_object_or_404(Edition, number=number)
    context = {**summary_context(edition), "is_preview": True, "preview_is_draft": not edition.is_published}
    summary = context["summary"]
    # A draft's projects are on no public page yet: its tables link to no filtered projects list.
    for row in [*summary.bands, *summary.by_sector, *summary.by_scope, *summary.by_partner, *summary.published_bands]:
        row.query = ""
    response = render(request, SUMMARY_TEMPLATE, context)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
