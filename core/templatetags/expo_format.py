"""Template filters for amounts and figures; the rules live in core.formatting."""

from django import template

from core import formatting

register = template.Library()


@register.filter
def yuan(value):
    """{{ project.value|yuan }} -> '84.475 billion yuan' (Chinese: '844.75亿元')."""
    if value in (None, ""):
        return "—"
    return formatting.format_yuan(value)


@register.filter
def count(value):
    """{{ n|count }} -> '20,000' (Chinese: '2万')."""
    if value in (None, ""):
        return "—"
    return formatting.format_number(value)


@register.filter
def figure(reported_figure):
    """{{ figure|figure }} -> 'over 20,000' with its qualifier and unit."""
    if reported_figure is None:
        return "—"
    return formatting.format_quantity(reported_figure.value, reported_figure.metric.unit, reported_figure.qualifier)


@register.filter
def share(percent):
    """{{ row.share_value|share }} -> '38.5%'; '<0.1%' for a share that one decimal would show as 0.0."""
    return formatting.format_share(percent)


@register.filter
def day(value):
    """{{ project.signed_on|day }} -> '23 Aug 2023' (Chinese: '2023年8月23日')."""
    if value in (None, ""):
        return "—"
    return formatting.format_date(value)


@register.simple_tag
def date_range(start, end):
    """{% date_range edition.start_date edition.end_date %} -> '23–27 Aug 2023' / '2023年8月23日至27日'."""
    if not start and not end:
        return ""
    return formatting.format_date_range(start or None, end or None)


@register.filter
def localized(obj, field):
    """{{ project|localized:"title" }}: a bilingual field in the active language, or the other one."""
    if obj is None:
        return ""
    return formatting.localized(obj, field)


@register.filter
def bilingual(obj, field):
    """{{ edition|bilingual:"city" }}: localized, and text left in the other language marked with its lang."""
    if obj is None:
        return ""
    return formatting.localized_html(obj, field)
