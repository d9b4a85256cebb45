"""/compare/: every published edition side by side over time; /compare/<a>/<b>/: two editions."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.caching.pages import cache_public_page
from editions.models import Edition
from portal.comparison.exports import export_response
from portal.comparison.page import default_metric, index_context, known_metrics, metric_choices, pair_context
from portal.comparison.pairs import build_pair
from portal.comparison.selectors import build_comparison, metrics_with_figures, published_editions
from portal.forms import MAX_EDITION_NUMBER, CompareForm, PairForm
from portal.selectors import latest_with_results


def _problem(request, message: str, status: int = 400):
    return render(request, "portal/compare/problem.html", {"message": message, "status": status}, status=status)


@cache_public_page(params=(CompareForm.base_fields, "from", "to"))
def index(request):
    all_editions = published_editions()
    metrics = metrics_with_figures()
    choices = metric_choices(metrics)
    known = known_metrics(metrics, choices)
    # With no reported figures yet (a new portal), the chart falls back to a computed metric.
    fallback = default_metric(metrics) if metrics else (choices[0][0] if choices else "")
    form = CompareForm(request.GET, editions=all_editions, metrics=known, default=fallback)
    if form.problem:
        return _problem(request, form.problem)
    if form.wants_pair:
        return redirect("comparisons:pair", a=form.cleaned_data["a"], b=form.cleaned_data["b"])
    editions, metric_code, file_format = (form.cleaned_data[name] for name in ("editions", "metric", "_export"))
    latest, before = latest_with_results(all_editions)
    if latest is not None and form.cleaned_data["to"] is None:
        # Unless asked, the range ends at the latest edition with results, not at one still to come.
        editions = [edition for edition in editions if edition.number <= latest.number]
    if file_format and editions:
        name = f"expo-comparison-{editions[0].number}-{editions[-1].number}"
        published = {edition.number for edition in all_editions}
        return export_response(build_comparison(editions=editions, published_numbers=published), file_format, name)
    view = form.cleaned_data["view"]
    context = index_context(request.GET, all_editions, editions, choices, known, metric_code, view, (before, latest))
    return render(request, "portal/compare/index.html", context)


@cache_public_page(params=PairForm.base_fields)
def pair(request, a: int, b: int):
    if a == b:
        return _problem(request, _("Choose two different editions: both numbers are %(number)s.") % {"number": a})
    # Numbers beyond the column's range cannot exist, and SQLite refuses to even look them up.
    numbers = [number for number in (a, b) if number <= MAX_EDITION_NUMBER]
    found = {edition.number: edition for edition in Edition.objects.published().filter(number__in=numbers)}
    for number in (a, b):
        if number not in found:
            return _problem(request, _("There is no published edition number %(number)s.") % {"number": number}, 404)
    form = PairForm(request.GET)
    if form.problem:
        return _problem(request, form.problem)
    if a > b:
        # One address per pair, earlier edition first, so changes read forward in time.
        url = reverse("comparisons:pair", kwargs={"a": b, "b": a})
        return redirect(f"{url}?{request.GET.urlencode()}" if request.GET else url)
    result = build_pair(first=found[a], second=found[b])
    if form.cleaned_data["_export"]:
        return export_response(result.comparison, form.cleaned_data["_export"], f"expo-comparison-{a}-{b}")
    return render(request, "portal/compare/pair.html", pair_context(request.GET, result))
