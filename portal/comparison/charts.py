"""Charts drawn on the server as inline SVG: no JavaScript, no inline styles, no external files.

The SVG is built with ElementTree, which escapes every text and attribute, so names typed by staff
(sectors, metrics) cannot break out of the markup. Each chart has a <title> and <desc> for screen
readers; pages put the table it was drawn from beside it.
"""

import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from decimal import Decimal

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core.formatting import axis_scale, format_number, format_quantity

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
WIDTH, HEIGHT = 760, 380
LEFT, RIGHT, TOP, BOTTOM = 90, 20, 48, 70
LEGEND_WIDTH = 210
LEGEND_CHARACTERS = 30  # longer names are cut in the legend; the table gives them whole
INK, MUTED, LINE, BAR, APPROXIMATE = "#1b1f24", "#57606a", "#d0d7de", "#0b5cad", "#7fa8d6"
# Distinct, colour-blind-friendly fills (Okabe-Ito first, then others); cycled when there are more rows.
PALETTE = [
    "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00",
    "#f0e442", "#000000", "#999999", "#882255", "#44aa99", "#117733",
]  # fmt: skip
MAX_SERIES = len(PALETTE)  # beyond this, pages group the smallest series as "other"


@dataclass(frozen=True)
class Bar:
    label: str  # the edition, under the bar
    value: Decimal | None  # None draws no bar and says "not reported"
    text: str  # the figure as the table shows it, e.g. "over 20,000"
    approximate: bool = False
    gap: bool = False  # editions missing from the portal: an empty column that says so, never a join
    unlike_previous: bool = False  # not like for like with the bar before: a dashed line between them
    qualifier: str = ""  # "more_than" for "over 20,000": kept in the short label of a narrow bar


@dataclass(frozen=True)
class Series:
    name: str  # e.g. a sector
    shares: list[Decimal | None]  # per column, in per cent; None when the column has no data


def _element(parent, tag: str, text: str | None = None, **attributes) -> ET.Element:
    attributes = {
        key.rstrip("_").replace("_", "-"): str(round(value, 2) if isinstance(value, float) else value)
        for key, value in attributes.items()
    }
    element = ET.SubElement(parent, tag, attributes) if parent is not None else ET.Element(tag, attributes)
    if text is not None:
        element.text = text
    return element


def _svg(chart_id: str, title: str, desc: str, width: int, heading: str = "") -> ET.Element:
    svg = _element(
        None,
        "svg",
        xmlns=SVG_NAMESPACE,
        viewBox=f"0 0 {width} {HEIGHT}",
        width=width,
        height=HEIGHT,
        role="img",
        aria_labelledby=f"{chart_id}-title {chart_id}-desc",
        font_family="system-ui, sans-serif",
        font_size=12,
        fill=INK,
        class_="chart",
        id=chart_id,
    )
    _element(svg, "title", title, id=f"{chart_id}-title")
    _element(svg, "desc", desc, id=f"{chart_id}-desc")
    _element(svg, "text", heading or title, x=width / 2, y=20, text_anchor="middle", font_size=15, font_weight="bold")
    return svg


def _nice_step(maximum: float, ticks: int = 5) -> float:
    raw = maximum / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(step * magnitude for step in (1, 2, 2.5, 5, 10) if step * magnitude >= raw)


def _scale_for(maximum: Decimal, unit_label: str, scalable: bool) -> tuple[Decimal, str]:
    return axis_scale(maximum, unit_label) if scalable else (Decimal(1), unit_label)


def _axes(svg, *, plot_width: int, x_label: str, y_label: str):
    bottom = HEIGHT - BOTTOM
    _element(svg, "line", x1=LEFT, y1=bottom, x2=LEFT + plot_width, y2=bottom, stroke=INK)
    _element(svg, "line", x1=LEFT, y1=TOP, x2=LEFT, y2=bottom, stroke=INK)
    _element(svg, "text", x_label, x=LEFT + plot_width / 2, y=HEIGHT - 12, text_anchor="middle", fill=MUTED)
    y_middle = TOP + (bottom - TOP) / 2
    _element(
        svg, "text", y_label, x=18, y=y_middle, text_anchor="middle", fill=MUTED, transform=f"rotate(-90 18 {y_middle})"
    )


def _column_label(svg, label: str, x: float, y: float):
    """An edition under its column; "12th (2019)" goes on two lines so many columns do not overlap."""
    first, _sep, rest = label.partition(" (")
    text = _element(svg, "text", first, x=x, y=y, text_anchor="middle", font_size=11)
    if rest:
        _element(text, "tspan", rest.rstrip(")"), x=x, dy=13, fill=MUTED)


def _missing_label(svg, text: str, x: float, bottom: float):
    """Upright in an empty column, so labels of neighbouring empty columns do not run into each other."""
    _element(svg, "text", text, x=x + 4, y=bottom - 6, fill=MUTED, transform=f"rotate(-90 {x + 4} {bottom - 6})")


def _gap_column(svg, label: str, x: float, bottom: float):
    """A column for editions the portal does not have: a break in the axis, the editions named, no bar."""
    group = _element(svg, "g", class_="gap")
    _element(group, "title", _("%(editions)s: not in the portal") % {"editions": label})
    _element(group, "line", x1=x - 6, y1=bottom + 5, x2=x - 2, y2=bottom - 5, stroke=INK)
    _element(group, "line", x1=x + 2, y1=bottom + 5, x2=x + 6, y2=bottom - 5, stroke=INK)
    # "9th–11th" / "第九届至第十一届" on two lines, so that it does not run into its neighbours' labels.
    first, separator, rest = next(
        (label.partition(separator) for separator in ("–", "至") if separator in label), (label, "", "")
    )
    text = _element(group, "text", first + separator, x=x, y=bottom + 16, text_anchor="middle", font_size=10)
    if rest:
        _element(text, "tspan", rest, x=x, dy=13)
    _missing_label(group, _("not in the portal"), x, bottom - 8)


def _separator(svg, x: float, top: float, bottom: float):
    """A dashed line between two bars that are not like for like."""
    group = _element(svg, "g", class_="unlike")
    _element(group, "title", _("not like for like with the bar before"))
    _element(group, "line", x1=x, y1=top, x2=x, y2=bottom, stroke=MUTED, stroke_dasharray="4 3")


def _serialize(svg: ET.Element) -> SafeString:
    # ElementTree escaped every text and attribute value above.
    return mark_safe(ET.tostring(svg, encoding="unicode"))  # noqa: S308


def _short_label(value: Decimal, divisor: Decimal, qualifier: str) -> str:
    """A bar's value in the axis's unit with its qualifier ('over 196.2' under 'billion yuan'), for narrow bars."""
    return format_quantity((value / divisor).normalize(), "count", qualifier or "exact")


def bar_chart(*, chart_id: str, title: str, desc: str, x_label: str, unit_label: str, bars: list[Bar], scalable: bool):
    """One bar per edition, each labelled with its value; lighter bars are approximate figures; missing ones say
    'not reported'. The heading names the unit the axis is in ('Total signed value (billion yuan)')."""
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    values = [bar.value for bar in bars if bar.value is not None]
    maximum = max(values, default=Decimal(0))
    divisor, axis_unit = _scale_for(maximum, unit_label, scalable)
    heading = title if axis_unit == title else _("%(title)s (%(unit)s)") % {"title": title, "unit": axis_unit}
    svg = _svg(chart_id, title, desc, WIDTH, heading)
    top_value = float(maximum / divisor) if maximum > 0 else 1.0
    step = _nice_step(top_value)
    axis_top = step * math.ceil(top_value / step)
    _axes(svg, plot_width=plot_width, x_label=x_label, y_label=axis_unit)
    bottom = HEIGHT - BOTTOM
    tick = 0.0
    while tick <= axis_top + step / 1000:
        y = bottom - tick / axis_top * plot_height
        _element(svg, "line", x1=LEFT - 4, y1=y, x2=LEFT + plot_width, y2=y, stroke=LINE if tick else INK)
        _element(svg, "text", format_number(Decimal(str(round(tick, 6)))), x=LEFT - 8, y=y + 4, text_anchor="end")
        tick += step
    slot = plot_width / max(len(bars), 1)
    bar_width = min(slot * 0.6, 60)
    for index, bar in enumerate(bars):
        center = LEFT + slot * index + slot / 2
        if bar.gap:
            _gap_column(svg, bar.label, center, bottom)
            continue
        if bar.unlike_previous:
            _separator(svg, center - slot / 2, TOP, bottom)
        _column_label(svg, bar.label, center, bottom + 16)
        if bar.value is None:
            _missing_label(svg, _("not reported"), center, bottom)
            continue
        height = float(bar.value / divisor) / axis_top * plot_height
        group = _element(svg, "g", class_="bar")
        _element(group, "title", f"{bar.label}: {bar.text}")
        _element(
            group,
            "rect",
            x=round(center - bar_width / 2, 2),
            y=round(bottom - height, 2),
            width=round(bar_width, 2),
            height=round(height, 2),
            fill=APPROXIMATE if bar.approximate else BAR,
        )
        if len(bars) <= 8:
            _element(group, "text", bar.text, x=center, y=round(bottom - height - 6, 2), text_anchor="middle")
        else:
            # Too many bars for the figure as written: the value in the axis's unit, upright, above a short bar
            # and inside the top of a tall one (so that it never runs into the heading).
            inside = height > plot_height * 0.55
            x, y = round(center + 4, 2), round(bottom - height + (4 if inside else -4), 2)
            _element(
                group,
                "text",
                _short_label(bar.value, divisor, bar.qualifier),
                x=x,
                y=y,
                font_size=11,
                text_anchor="end" if inside else "start",
                fill="#ffffff" if inside and not bar.approximate else INK,
                transform=f"rotate(-90 {x} {y})",
            )
    if any(bar.approximate for bar in bars):
        _element(svg, "rect", x=LEFT + 8, y=TOP - 18, width=12, height=12, fill=APPROXIMATE)
        _element(svg, "text", _("approximate figure (over, about, nearly…)"), x=LEFT + 26, y=TOP - 8, fill=MUTED)
    if any(bar.unlike_previous for bar in bars):
        x = LEFT + plot_width / 2 + 20
        _element(svg, "line", x1=x, y1=TOP - 20, x2=x, y2=TOP - 6, stroke=MUTED, stroke_dasharray="4 3")
        _element(svg, "text", _("not like for like across the dashed line"), x=x + 8, y=TOP - 8, fill=MUTED)
    return _serialize(svg)


def stacked_share_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    x_label: str,
    columns: list[str],
    series: list[Series],
    gap_columns: frozenset[int] = frozenset(),
):
    """One 100% column per edition, split into the share of each series; a legend on the right.

    The columns at `gap_columns` stand for editions missing from the portal: they are drawn as gaps.
    """
    svg = _svg(chart_id, title, desc, WIDTH + LEGEND_WIDTH)
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    _axes(svg, plot_width=plot_width, x_label=x_label, y_label=_("share (per cent)"))
    bottom = HEIGHT - BOTTOM
    for percent in range(0, 101, 25):
        y = bottom - percent / 100 * plot_height
        _element(svg, "line", x1=LEFT - 4, y1=y, x2=LEFT + plot_width, y2=y, stroke=LINE if percent else INK)
        _element(svg, "text", f"{percent}%", x=LEFT - 8, y=y + 4, text_anchor="end")
    slot = plot_width / max(len(columns), 1)
    bar_width = min(slot * 0.7, 70)
    for index, column in enumerate(columns):
        center = LEFT + slot * index + slot / 2
        if index in gap_columns:
            _gap_column(svg, column, center, bottom)
            continue
        _column_label(svg, column, center, bottom + 16)
        if all(item.shares[index] is None for item in series):
            _missing_label(svg, _("no projects"), center, bottom)
            continue
        y = float(bottom)
        for number, item in enumerate(series):
            share = item.shares[index]
            if not share:
                continue
            height = float(share) / 100 * plot_height
            y -= height
            group = _element(svg, "g", class_="segment")
            _element(group, "title", f"{column}: {item.name} {format_number(round(share, 1))}%")
            _element(
                group,
                "rect",
                x=round(center - bar_width / 2, 2),
                y=round(y, 2),
                width=round(bar_width, 2),
                height=round(height, 2),
                fill=PALETTE[number % len(PALETTE)],
                stroke="#ffffff",
                stroke_width="0.5",
            )
    legend_x = WIDTH + 4
    for number, item in enumerate(series):
        y = TOP + number * 20
        entry = _element(svg, "g", class_="legend-entry")
        _element(entry, "title", item.name)
        _element(entry, "rect", x=legend_x, y=y, width=12, height=12, fill=PALETTE[number % len(PALETTE)])
        name = item.name if len(item.name) <= LEGEND_CHARACTERS else item.name[: LEGEND_CHARACTERS - 1] + "…"
        _element(entry, "text", name, x=legend_x + 18, y=y + 10)
    return _serialize(svg)
