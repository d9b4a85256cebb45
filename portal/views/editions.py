from urllib.parse import urlencode

from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView
from django_tables2 import SingleTableMixin
from django_tables2.export import ExportMixin

from editions.models import Edition
from editions.selectors import (
    editions_for_table,
    headline_figures,
    main_figure_trends,
    main_figures_by_edition,
    main_metrics,
)
from editions.tables import EXPORT_FORMATS, EditionTable, PortalExport
from expoportal.pagecache import cache_public_page


@cache_public_page()
def home(request):
    # Imported here: editions never imports projects at module level.
    from projects.caching import cached_fragment, data_token

    editions = list(Edition.objects.published().order_by("number"))

    def body() -> str:
        return render_to_string("editions/home.html#body", _home_context(editions), request)

    # Keyed by the published editions too: withdrawing one with a bare update() sends no signal.
    cached_body = cached_fragment("home", [edition.pk for edition in editions], render=body, token=data_token())
    return render(request, "editions/home.html", {"cached_body": cached_body})


def _home_context(editions: list[Edition]) -> dict:
    latest = editions[-1] if editions else None
    metrics = main_metrics()
    trends = main_figure_trends(editions=editions, metrics=metrics) if editions else []
    # The same figures by edition, newest first, for the table under the charts.
    trend_rows = [
        (edition, [trend.points[index].figure for trend in trends]) for index, edition in enumerate(editions)
    ][::-1]
    context = {
        "latest": latest,
        "figures": headline_figures(edition=latest) if latest else [],
        "trends": trends,
        "trend_rows": trend_rows,
        "editions": editions,
    }
    return context


@method_decorator(cache_public_page(params=("sort", "_export")), name="get")
class EditionListView(SingleTableMixin, ExportMixin, TemplateView):
    table_class = EditionTable
    template_name = "editions/edition_list.html"
    table_pagination = False
    export_class = PortalExport
    export_name = "editions"
    export_formats = EXPORT_FORMATS
    dataset_kwargs = {"title": "Editions"}

    def get(self, request, *args, **kwargs):
        self.metrics = main_metrics()
        return super().get(request, *args, **kwargs)

    def get_table_data(self):
        # Imported here: editions never imports projects at module level.
        from projects.selectors import recorded_by_edition

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


@cache_public_page()
def edition_detail(request, number: int):
    # Imported here: the summary needs projects, and editions never imports projects at module level.
    from projects.caching import cached_fragment, data_token
    from projects.selectors import edition_summary

    edition = get_object_or_404(Edition.objects.published(), number=number)

    def body() -> str:
        context = {"edition": edition, "summary": edition_summary(edition=edition)}
        return render_to_string("editions/edition_detail.html#body", context, request)

    # The public summary only: the staff preview renders the template itself, without this cache.
    # The edition was just found published; the token covers its figures, projects and neighbours.
    cached_body = cached_fragment("edition-summary", edition.pk, render=body, token=data_token())
    return render(request, "editions/edition_detail.html", {"edition": edition, "cached_body": cached_body})
