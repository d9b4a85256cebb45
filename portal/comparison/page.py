"""What the comparison pages show: the metric picker, the charts and the context of each page."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from core.vocabulary import Unit
from editions.citations import Citations
from editions.comparability import Verdict
from portal.comparison import charts
from portal.comparison.growth import (
    PERCENT,
    Change,
    change_between,
    format_absolute_change,
    format_change_percent,
    format_years,
)
from portal.comparison.rows import UNIT_LABELS, Cell, Row, edition_label, verdict_between
from portal.comparison.selectors import RECORDED_METRICS, build_comparison, localized_name, shares
from portal.forms import MATRIX_VIEW
from portal.lead import comparison_sentence

DOWNLOADS = (("csv", "CSV"), ("xlsx", "XLSX"), ("json", "JSON"))


@dataclass
class MetricSpan:
    """One metric over the chosen range: its first and last figure, the change between them and whether that
    change is like for like (the comparability rule's verdict on the two)."""

    row: Row
    first: Cell
    last: Cell
    change: Change | None
    verdict: Verdict | None

    @property
    def years(self) -> str:
        return format_years(self.last.edition.year - self.first.edition.year)

    @property
    def change_text(self) -> str:
        return (
            format_absolute_change(self.change, self.row.unit, significant=self.last.significant)
            if self.change
            else "—"
        )

    @property
    def change_percent_text(self) -> str:
        return format_change_percent(self.change, self.row.unit) if self.change else "—"

    @property
    def like_for_like(self) -> str:
        """'yes', '≈' or 'no', the reason beside it on the page."""
        if self.change is None:
            return _("no")
        return "≈" if self.change.is_approximate else _("yes")

    @property
    def reason(self) -> str:
        return self.verdict.reason if self.verdict else ""


def metric_span(row: Row) -> MetricSpan | None:
    """The row's first and last figure in the range and the change between them; None with fewer than two."""
    present = [cell for cell in row.cells if cell.quantity is not None]
    if len(present) < 2:
        return None
    first, last = present[0], present[-1]
    verdict = verdict_between(first, last, row.code)
    change = None
    if verdict is not None and verdict.comparable:
        years = last.edition.year - first.edition.year
        change = change_between(first.quantity, last.quantity, years=years, approximate=verdict.approximate)
    return MetricSpan(row, first, last, change, verdict)


def _spans(rows: list[Row], single: list[Row]) -> list[MetricSpan]:
    spans = []
    for row in rows:
        span = metric_span(row)
        if span is not None:
            spans.append(span)
        elif any(cell.quantity is not None for cell in row.cells):
            single.append(row)
    return spans


def span_tables(comparison) -> tuple[list[dict], list[Row]]:
    """The tables of each metric's first and last figure: the main metrics, money of one basis and the figures
    computed from recorded projects first; the other published metrics in a table that folds away.

    A metric with a figure at one edition of the range only is named below them; one with none is left out.
    """
    single: list[Row] = []
    main = [row for row in comparison.reported if row.is_main]
    others = [row for row in comparison.reported if not row.is_main]
    sections = [
        (_("Main published figures"), _spans(main, single)),
        (_("Like for like across metrics: money figures of one basis"), _spans(comparison.by_basis, single)),
        (_("From recorded projects"), _spans(comparison.recorded, single)),
    ]
    tables = [{"id": "spans", "sections": [section for section in sections if section[1]], "folded": False}]
    other_spans = _spans(others, single)
    if other_spans:
        tables.append({"id": "other-spans", "sections": [(_("Other published figures"), other_spans)], "folded": True})
    return tables, single


def cite_shown(comparison, cells) -> None:
    """Numbers the sources of only the figures a page shows, in the order it shows them, so that its list of
    sources holds no source of a figure it leaves out."""
    citations = Citations()
    for cell in cells:
        cell.citations = citations.cite_all(cell.figure.ordered_sources()) if cell.figure is not None else []
    comparison.citations = citations


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


def chart_bars(comparison, row) -> list[charts.Bar]:
    """One bar per edition in the range and a gap for the editions missing between them.

    A bar is light when its figure is hedged, and follows a dashed line when the comparability rule says it
    is not like for like with the figure before it (another basis, another definition).
    """
    cells = {cell.edition.pk: cell for cell in row.cells} if row else {}
    bars, previous = [], None
    for edition, gap in comparison.columns:
        if gap is not None:
            bars.append(charts.Bar(gap.label, None, "", gap=True))
            continue
        cell = cells.get(edition.pk)
        if cell is None or cell.quantity is None:
            bars.append(charts.Bar(edition_label(edition), None, "—"))
            continue
        unlike = previous is not None and not _like(previous, cell, row.code)
        approximate = not cell.quantity.is_exact
        bars.append(
            charts.Bar(
                edition_label(edition),
                cell.quantity.value,
                cell.text,
                approximate,
                unlike_previous=unlike,
                qualifier=cell.quantity.qualifier,
            )
        )
        previous = cell
    return bars


def _like(first, second, code: str) -> bool:
    verdict = verdict_between(first, second, code)
    return verdict is None or verdict.comparable


def metric_chart(comparison, code: str, name: str, unit: str):
    row = comparison.row(code)
    bars = chart_bars(comparison, row)
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
    # The chart's columns include the gaps: editions the portal does not have are drawn as gaps, not joined.
    labels, gap_columns, positions = [], set(), []
    for edition, gap in comparison.columns:
        if gap is not None:
            gap_columns.add(len(labels))
            labels.append(gap.label)
        else:
            positions.append(len(labels))
            labels.append(edition_label(edition))
    drawn = []
    for item in series:
        spread = [None] * len(labels)
        for position, share in zip(positions, item.shares, strict=True):
            spread[position] = share
        drawn.append(charts.Series(item.name, spread))
    svg = charts.stacked_share_chart(
        chart_id=chart_id,
        title=title,
        desc=desc,
        x_label=_("Edition (year)"),
        columns=labels,
        series=drawn,
        gap_columns=frozenset(gap_columns),
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


def index_context(query, all_editions, editions, choices, known, metric_code, view: str, latest_pair) -> dict:
    """Everything /compare/ shows for a range of editions and one metric.

    By default: how the latest edition with results compares with the one before, the chart of the metric over
    the range and a table of each metric's first and last figure; with `view` "matrix", every figure of every
    edition in one table, with the sector and value-band charts. `latest_pair` is (the edition with results before
    the latest, the latest).
    """
    before, latest = latest_pair
    published = {edition.number for edition in all_editions}
    context = {
        "all_editions": all_editions,
        "editions": editions,
        "metric_choices": choices,
        "metric": metric_code,
        "view": view,
        "latest": latest,
        "before": before,
        # The side-by-side picker starts at the two latest editions with results, never one still to come.
        "pair_numbers": (before.number if before else None, latest.number if latest else None),
        "answer": comparison_sentence(latest, before, published) if latest and before else "",
    }
    if not editions:
        return context
    comparison = build_comparison(editions=editions, published_numbers=published)
    metric_name, metric_unit = known.get(metric_code, ("", ""))
    first, last = editions[0], editions[-1]
    span = {"first": first.ordinal, "last": last.ordinal}
    previous = dict(zip([edition.pk for edition in editions[1:]], editions, strict=False))
    context.update(
        comparison=comparison,
        start=first,
        end=last,
        metric_chart=metric_chart(comparison, metric_code, metric_name, metric_unit),
        export_links=download_links(query),
        percent=PERCENT,
        view_links=view_links(query),
    )
    if view != MATRIX_VIEW:
        tables, single = span_tables(comparison)
        chart_row = context["metric_chart"]["row"]
        shown = [
            cell
            for table in tables
            for _title, spans in table["sections"]
            for span in spans
            for cell in (span.first, span.last)
        ]
        cite_shown(comparison, (chart_row.cells if chart_row else []) + shown)
        context.update(span_tables=tables, single_figure_rows=single)
        return context
    context.update(
        # (edition, the one before it, None) for each edition, (None, None, gap) for the editions missing before one
        columns=[(edition, previous.get(edition.pk) if edition else None, gap) for edition, gap in comparison.columns],
        column_count=len(comparison.columns) + 2,
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
    )
    return context


def view_links(query) -> dict[str, str]:
    """The page's address in each view, its range and metric kept."""
    links = {}
    for view in ("", MATRIX_VIEW):
        changed = query.copy()
        changed.pop("_export", None)
        changed.pop("view", None)
        if view:
            changed["view"] = view
        links[view or "summary"] = f"?{changed.urlencode()}" if changed else "?"
    return links


def pair_context(query, result) -> dict:
    """Everything /compare/<a>/<b>/ shows of two editions side by side."""
    comparison = result.comparison
    first, second = result.first.ordinal, result.second.ordinal
    context = {
        "pair": result,
        "comparison": comparison,
        "sections": [
            (_("Published figures"), comparison.reported),
            (_("Like for like across metrics"), comparison.by_basis),
            # Without recorded projects in either edition, a row of dashes says nothing.
            (
                _("From recorded projects"),
                [row for row in comparison.recorded if any(cell.quantity for cell in row.cells)],
            ),
        ],
        "partner_groups": [
            (_("New in the %(ordinal)s") % {"ordinal": second}, result.partners_new, "second"),
            (_("In both"), result.partners_kept, "both"),
            (_("In the %(ordinal)s only (gone)") % {"ordinal": first}, result.partners_gone, "first"),
        ],
        "percent": PERCENT,
        "export_links": download_links(query),
        "sector_rows": [
            (row, result.published_name(row.key, result.first), result.published_name(row.key, result.second))
            for row in comparison.sectors
        ],
        "gap": comparison.gaps.get(result.second.pk),
    }
    return context
