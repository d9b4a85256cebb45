"""What the comparison pages show: the metric picker, the charts and the context of each page."""

from decimal import Decimal

from django.utils.translation import gettext as _

from core.vocabulary import Unit
from portal.comparison import charts
from portal.comparison.growth import PERCENT
from portal.comparison.selectors import (
    RECORDED_METRICS,
    UNIT_LABELS,
    build_comparison,
    edition_label,
    localized_name,
    shares,
)

DOWNLOADS = (("csv", "CSV"), ("xlsx", "XLSX"), ("json", "JSON"))


def metric_choices(metrics) -> list[tuple[str, str, str]]:
    """(code, name, unit) for the picker: published metrics that have figures, then computed ones."""
    choices = [
        (metric.code, localized_name(metric.name_en, metric.name_zh), metric.unit)
        for metric in metrics
        if metric.published_figures
    ]
    choices += [(code, str(label), unit) for code, (label, unit) in RECORDED_METRICS.items()]
    return choices


def default_metric(metrics) -> str:
    with_figures = [metric for metric in metrics if metric.published_figures]
    main = [metric for metric in with_figures if metric.is_main]
    return (main or with_figures)[0].code if with_figures else next(iter(RECORDED_METRICS))


def metric_chart(comparison, code: str, name: str, unit: str):
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


def share_chart(comparison, rows, *, chart_id: str, title: str, desc: str, row_heading: str):
    if not rows:
        return None
    table = shares([(row.label, [cell.quantity for cell in row.cells]) for row in rows], len(comparison.editions))
    series = [charts.Series(row.label, row_shares) for row, row_shares in zip(rows, table, strict=True)]
    if len(series) > charts.MAX_SERIES:
        series = largest_and_other(rows, series)
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


def largest_and_other(rows, series: list[charts.Series]) -> list[charts.Series]:
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


def known_metrics(metrics, choices) -> dict[str, tuple[str, str]]:
    """{code: (name, unit)} of every metric the page can chart."""
    known = {metric.code: (localized_name(metric.name_en, metric.name_zh), metric.unit) for metric in metrics}
    known.update({code: (name, unit) for code, name, unit in choices})
    return known


def download_links(query) -> list[tuple[str, str]]:
    """The page's own address with each download format, its other parameters kept."""
    links = []
    for key, label in DOWNLOADS:
        changed = query.copy()
        changed["_export"] = key
        links.append((label, f"?{changed.urlencode()}"))
    return links


def index_context(query, all_editions, editions, choices, known, metric_code) -> dict:
    """Everything /compare/ shows for a range of editions and one metric."""
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
        metric_chart=metric_chart(comparison, metric_code, metric_name, metric_unit),
        sector_chart=share_chart(
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
        band_chart=share_chart(
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
        export_links=download_links(query),
        percent=PERCENT,
    )
    return context


def pair_context(query, result) -> dict:
    """Everything /compare/<a>/<b>/ shows of two editions side by side."""
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
        "export_links": download_links(query),
    }
    return context
