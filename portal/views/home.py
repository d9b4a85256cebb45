from django.shortcuts import render

from core.caching.pages import cache_public_page
from editions.citations import Citations
from editions.models import Edition
from editions.selectors import TrendPoint, cite_figures, headline_figures, main_figure_trends, main_metrics
from portal.selectors import latest_with_results


@cache_public_page()
def home(request):
    editions = list(Edition.objects.published().order_by("number"))
    # The latest edition with results leads; a newer one still to come is only named, marked as such.
    latest, before = latest_with_results(editions)
    has_results = latest is not None
    if latest is None and editions:
        latest = editions[-1]
    newest = editions[-1] if editions and editions[-1] != latest else None
    metrics = main_metrics()
    trends = main_figure_trends(editions=editions, metrics=metrics) if editions else []
    # The same figures by edition, newest first, for the table under the charts, with a row for each gap.
    trend_rows = [
        (point.edition, point.gap_title if point.is_gap else "", [trend.points[index].figure for trend in trends])
        for index, point in enumerate(
            trends[0].points if trends else [TrendPoint(edition, None) for edition in editions]
        )
    ][::-1]
    citations = Citations()
    figures = [figure for figure in headline_figures(edition=latest) if figure.metric.is_main] if latest else []
    cite_figures(figures, citations)
    context = {
        "latest": latest,
        "before": before,
        "has_results": has_results,
        "newest": newest,
        "figures": figures,
        "citations": citations.listed,
        "trends": trends,
        "trend_rows": trend_rows,
        "editions": editions,
    }
    return render(request, "portal/home.html", context)
