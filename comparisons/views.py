"""/compare/: every published edition side by side over time; /compare/<a>/<b>/: two editions."""

from decimal import Decimal

from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from comparisons import charts
from comparisons.exports import export_response
from comparisons.growth import PERCENT
from comparisons.pairs import build_pair
from comparisons.selectors import (
    RECORDED_METRICS,
    UNIT_LABELS,
    build_comparison,
    edition_label,
    localized_name,
    metrics_with_figures,
    published_editions,
    shares,
)
from editions.models import Edition, Unit
from expoportal.exports import FORMATS
from expoportal.pagecache import cache_public_page
from projects.caching import cached_fragment, data_token, query_parts

MAX_EDITION_NUMBER = 32767  # Edition.number is a PositiveSmallIntegerField


class BadInput(Exception):
    """A request the page cannot answer; the message says why."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def _problem(request, error: BadInput):
    context = {"message": str(error), "status": error.status}
    return render(request, "comparisons/problem.html", context, status=error.status)


def _edition_number(query, name: str) -> int | None:
    raw = query.get(name, "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()):
        raise BadInput(_("“%(name)s” must be an edition number, such as 14.") % {"name": name})
    return int(raw)


def _export_format(query) -> str | None:
    file_format = query.get("_export", "").strip()
    if file_format and file_format not in FORMATS:
        raise BadInput(_("Downloads are available as CSV, XLSX or JSON (“_export=csv”, “xlsx” or “json”)."))
    return file_format or None


def _metric_choices(metrics) -> list[tuple[str, str, str]]:
    """(code, name, unit) for the picker: published metrics that have figures, then computed ones."""
    choices = [
        (metric.code, localized_name(metric.name_en, metric.name_zh), metric.unit)
        for metric in metrics
        if metric.published_figures
    ]
    choices += [(code, str(label), unit) for code, (label, unit) in RECORDED_METRICS.items()]
    return choices


def _default_metric(metrics) -> str:
    with_figures = [metric for metric in metrics if metric.published_figures]
    main = [metric for metric in with_figures if metric.is_main]
    return (main or with_figures)[0].code if with_figures else next(iter(RECORDED_METRICS))


def _metric_chart(comparison, code: str, name: str, unit: str):
    row = comparison.row(code)
    cells = row.cells if row else []
    bars = [
        charts.Bar(
            edition_label(cell.edition),
            cell.quantity.value if cell.quantity else None,
            cell.text,
            approximate=bool(cell.quantity and not cell.quantity.is_exact),
        )
        for cell in cells
    ] or [charts.Bar(edition_label(edition), None, "—") for edition in comparison.editions]
    first, last = comparison.editions[0], comparison.editions[-1]
    svg = charts.bar_chart(
        chart_id="chart-metric",
        title=name,
        desc=_(
            "Bar chart of %(metric)s (%(unit)s) for the editions from the %(first)s to the %(last)s; "
            "lighter bars are approximate figures. The table below gives the same figures."
        )
        % {"metric": name, "unit": UNIT_LABELS.get(unit, unit), "first": first.ordinal, "last": last.ordinal},
        x_label=_("Edition (year)"),
        unit_label=str(UNIT_LABELS.get(unit, unit)) if unit != Unit.COUNT else name,
        bars=bars,
        scalable=unit in (Unit.YUAN, Unit.USD),
    )
    return {"svg": svg, "row": row, "name": name, "unit": UNIT_LABELS.get(unit, unit)}


def _share_chart(comparison, rows, *, chart_id: str, title: str, desc: str, row_heading: str):
    if not rows:
        return None
    table = shares([(row.label, [cell.quantity for cell in row.cells]) for row in rows], len(comparison.editions))
    series = [charts.Series(row.label, row_shares) for row, row_shares in zip(rows, table, strict=True)]
    if len(series) > charts.MAX_SERIES:
        series = _largest_and_other(rows, series)
    svg = charts.stacked_share_chart(
        chart_id=chart_id,
        title=title,
        desc=desc,
        x_label=_("Edition (year)"),
        columns=[edition_label(edition) for edition in comparison.editions],
        series=series,
    )
    table_rows = [
        (row, list(zip(row.cells, row_shares, strict=True))) for row, row_shares in zip(rows, table, strict=True)
    ]
    return {"svg": svg, "rows": table_rows, "title": title, "row_heading": row_heading}


def _largest_and_other(rows, series: list[charts.Series]) -> list[charts.Series]:
    """The largest series (by value over the range) by name and the rest together, so colours stay distinct."""

    def total(row):
        return sum((cell.quantity.value for cell in row.cells if cell.quantity is not None), Decimal(0))

    keep = charts.MAX_SERIES - 1
    ranked = sorted(range(len(rows)), key=lambda index: total(rows[index]), reverse=True)
    kept, rest = sorted(ranked[:keep]), ranked[keep:]
    other = [
        None
        if all(series[index].shares[column] is None for index in rest)
        else sum((series[index].shares[column] or Decimal(0) for index in rest), Decimal(0))
        for column in range(len(series[0].shares))
    ]
    label = _("%(count)s others (see the table)") % {"count": len(rest)}
    return [series[index] for index in kept] + [charts.Series(label, other)]


@cache_public_page(params=("a", "b", "from", "to", "metric", "_export"))
def index(request):
    try:
        if request.GET.get("a") or request.GET.get("b"):
            a, b = _edition_number(request.GET, "a"), _edition_number(request.GET, "b")
            if a is None or b is None:
                raise BadInput(_("Choose two editions to compare side by side."))
            return redirect("comparisons:pair", a=a, b=b)
        all_editions = published_editions()
        metrics = metrics_with_figures()
        start, end = _edition_number(request.GET, "from"), _edition_number(request.GET, "to")
        if start is not None and end is not None and start > end:
            raise BadInput(_("The range starts after it ends: “from” must not be greater than “to”."))
        editions = [
            edition
            for edition in all_editions
            if (start is None or edition.number >= start) and (end is None or edition.number <= end)
        ]
        if not editions and (start is not None or end is not None):
            raise BadInput(_("No published edition lies in that range. Choose another “from” and “to”."))
        choices = _metric_choices(metrics)
        known = {metric.code: (localized_name(metric.name_en, metric.name_zh), metric.unit) for metric in metrics}
        known.update({code: (name, unit) for code, name, unit in choices})
        # With no reported figures yet (a new portal), the chart falls back to a computed metric.
        fallback = _default_metric(metrics) if metrics else (choices[0][0] if choices else "")
        metric_code = request.GET.get("metric", "").strip() or fallback
        if metric_code not in known and (metric_code or known):
            raise BadInput(_("There is no metric “%(code)s”. Pick one from the list.") % {"code": metric_code})
        file_format = _export_format(request.GET)
    except BadInput as error:
        return _problem(request, error)

    if file_format and editions:
        name = f"expo-comparison-{editions[0].number}-{editions[-1].number}"
        return export_response(build_comparison(editions=editions), file_format, name)

    token = data_token()

    def body() -> str:
        context = _index_context(request, all_editions, editions, choices, known, metric_code)
        return render_to_string("comparisons/index.html#body", context, request)

    # Keyed by the published editions too: withdrawing one with a bare update() sends no signal.
    published = [edition.pk for edition in all_editions]
    cached_body = cached_fragment("compare-index", published, query_parts(request.GET), render=body, token=token)
    return render(request, "comparisons/index.html", {"cached_body": cached_body})


def _index_context(request, all_editions, editions, choices, known, metric_code) -> dict:
    context = {"all_editions": all_editions, "editions": editions, "metric_choices": choices, "metric": metric_code}
    if not editions:
        return context
    comparison = build_comparison(editions=editions)
    metric_name, metric_unit = known.get(metric_code, ("", ""))
    first, last = editions[0], editions[-1]
    span = {"first": first.ordinal, "last": last.ordinal}
    context.update(
        comparison=comparison,
        columns=list(zip(editions, [None, *editions[:-1]], strict=True)),
        start=first,
        end=last,
        metric_chart=_metric_chart(comparison, metric_code, metric_name, metric_unit),
        sector_chart=_share_chart(
            comparison,
            comparison.sectors,
            chart_id="chart-sectors",
            row_heading=_("Sector"),
            title=_("Sector mix of recorded projects (share of value)"),
            desc=_(
                "Stacked columns, one per edition from the %(first)s to the %(last)s, each split into the share "
                "of the value of recorded projects in each sector. The table below gives the same shares."
            )
            % span,
        ),
        band_chart=_share_chart(
            comparison,
            comparison.bands,
            chart_id="chart-bands",
            row_heading=_("Value band"),
            title=_("Recorded projects by value band (share of projects)"),
            desc=_(
                "Stacked columns, one per edition from the %(first)s to the %(last)s, each split into the share "
                "of recorded projects in each value band. The table below gives the same shares."
            )
            % span,
        ),
        export_links=[
            (label, _query(request, _export=key)) for key, label in (("csv", "CSV"), ("xlsx", "XLSX"), ("json", "JSON"))
        ],
        percent=PERCENT,
    )
    return context


def _export_links(request) -> list[tuple[str, str]]:
    return [
        (label, _query(request, _export=key)) for key, label in (("csv", "CSV"), ("xlsx", "XLSX"), ("json", "JSON"))
    ]


def _query(request, **changes) -> str:
    query = request.GET.copy()
    for key, value in changes.items():
        query[key] = value
    return f"?{query.urlencode()}"


@cache_public_page(params=("_export",))
def pair(request, a: int, b: int):
    try:
        if a == b:
            raise BadInput(_("Choose two different editions: both numbers are %(number)s.") % {"number": a})
        # Numbers beyond the column's range cannot exist, and SQLite refuses to even look them up.
        numbers = [number for number in (a, b) if number <= MAX_EDITION_NUMBER]
        found = {edition.number: edition for edition in Edition.objects.published().filter(number__in=numbers)}
        for number in (a, b):
            if number not in found:
                raise BadInput(_("There is no published edition number %(number)s.") % {"number": number}, 404)
        file_format = _export_format(request.GET)
    except BadInput as error:
        return _problem(request, error)
    if a > b:
        # One address per pair, earlier edition first, so changes read forward in time.
        url = reverse("comparisons:pair", kwargs={"a": b, "b": a})
        return redirect(f"{url}?{request.GET.urlencode()}" if request.GET else url)
    if file_format:
        result = build_pair(first=found[a], second=found[b])
        return export_response(result.comparison, file_format, f"expo-comparison-{a}-{b}")

    def body() -> str:
        context = _pair_context(request, build_pair(first=found[a], second=found[b]))
        return render_to_string("comparisons/pair.html#body", context, request)

    # Both editions were just found published, and the page shows no other: the data token is enough.
    cached_body = cached_fragment("compare-pair", a, b, query_parts(request.GET), render=body, token=data_token())
    # The title and breadcrumbs need only the two editions.
    context = {"pair": {"first": found[a], "second": found[b]}, "cached_body": cached_body}
    return render(request, "comparisons/pair.html", context)


def _pair_context(request, result) -> dict:
    comparison = result.comparison
    first, second = result.first.ordinal, result.second.ordinal
    context = {
        "pair": result,
        "comparison": comparison,
        "sections": [
            (_("Published figures"), comparison.reported),
            (_("From recorded projects"), comparison.recorded),
        ],
        "partner_groups": [
            (_("New in the %(ordinal)s") % {"ordinal": second}, result.partners_new, "second"),
            (_("In both"), result.partners_kept, "both"),
            (_("In the %(ordinal)s only (gone)") % {"ordinal": first}, result.partners_gone, "first"),
        ],
        "percent": PERCENT,
        "export_links": [
            (label, _query(request, _export=key)) for key, label in (("csv", "CSV"), ("xlsx", "XLSX"), ("json", "JSON"))
        ],
    }
    return context
