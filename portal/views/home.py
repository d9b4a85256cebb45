from django.shortcuts import render

from core.caching.pages import cache_public_page
from editions.models import Edition
from editions.selectors import headline_figures, main_figure_trends, main_metrics


@cache_public_page()
def home(request):
    editions = list(Edition.objects.published().order_by("number"))
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
    return render(request, "portal/home.html", context)
