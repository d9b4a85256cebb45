"""The editions table: one row per published edition with its main figures and recorded projects."""

import re

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.formatting import localized, localized_html
from core.tables import NumberColumn, PortalTable, YuanColumn
from core.vocabulary import Unit
from editions.models import Edition, Metric
from editions.selectors import figure_annotation_name


class FigureColumn(NumberColumn):
    """A main reported figure at its preferred stage, shown with its qualifier ('over 20,000')."""

    def __init__(self, metric: Metric, **kwargs):
        self.metric = metric
        header = (
            metric.name
            if metric.unit == Unit.COUNT
            else _("%(name)s (%(unit)s)") % {"name": metric.name, "unit": metric.get_unit_display()}
        )
        kwargs.setdefault("attrs", {"th": {"class": "number wrap-header"}, "td": {"class": "number"}})
        super().__init__(accessor=figure_annotation_name(metric), verbose_name=header, tiebreak="-number", **kwargs)

    def render(self, record, table):
        figure = table.figures.get((record.pk, self.metric.pk))
        if figure is None:
            return "—"
        text = figure.display_value
        if figure.stage != "closing":
            return format_html('{} <span class="stage">({})</span>', text, figure.get_stage_display())
        return text


class FigureDetailColumn(tables.Column):
    """Hidden on the page, present in exports: the qualifier or stage of a main figure."""

    def __init__(self, metric: Metric, attribute: str, header: str):
        self.metric = metric
        self.attribute = attribute
        super().__init__(empty_values=(), orderable=False, visible=False, verbose_name=header)

    def render(self, record, table):
        figure = table.figures.get((record.pk, self.metric.pk))
        if figure is None:
            return ""
        return getattr(figure, f"get_{self.attribute}_display")()


def figure_columns(metrics: list[Metric], reserved: set[str]) -> list[tuple[str, tables.Column]]:
    """One sortable column per main metric, named by its code (?sort=-participants), plus export-only details."""
    columns = []
    for metric in metrics:
        # A column's name is also its accessor: only letters, digits and underscores, whatever the code holds.
        name = re.sub(r"\W", "_", metric.code, flags=re.ASCII)
        if name in reserved:
            name = f"figure_{name}"
        columns.append((name, FigureColumn(metric)))
        columns.append((f"{name}_qualifier", FigureDetailColumn(metric, "qualifier", _("%s: qualifier") % metric.name)))
        columns.append((f"{name}_stage", FigureDetailColumn(metric, "stage", _("%s: stage") % metric.name)))
    return columns


class EditionTable(PortalTable):
    stacks = True

    number = tables.Column(verbose_name=_("Edition"), attrs={"td": {"class": "nowrap"}})
    # On the page the dates ("23–27 Aug 2023") say the year and the opening and closing days in one column, so
    # that every figure fits beside them on a laptop; exports keep the year and the two dates in columns of
    # their own (sortable by ?sort=year too).
    year = tables.Column(verbose_name=_("Year"), visible=False)
    dates = tables.Column(
        verbose_name=_("Dates"),
        accessor="start_date",
        order_by=("year", "start_date", "number"),
        exclude_from_export=True,
        empty_values=(),
        attrs={"td": {"class": "nowrap"}},
    )
    start_date = tables.DateColumn(verbose_name=_("Opened"), format="Y-m-d", visible=False)
    end_date = tables.DateColumn(verbose_name=_("Closed"), format="Y-m-d", visible=False)
    city = tables.Column(verbose_name=_("City"))
    recorded_count = NumberColumn(
        verbose_name=_("Recorded projects"),
        tiebreak="-number",
        attrs={"th": {"class": "number wrap-header"}, "td": {"class": "number"}},
    )
    recorded_value = YuanColumn(
        verbose_name=_("Recorded project value (yuan)"),
        tiebreak="-number",
        attrs={"th": {"class": "number wrap-header"}, "td": {"class": "number"}},
    )

    class Meta:
        model = Edition
        fields = ("number", "year", "start_date", "end_date", "city")
        sequence = (
            "number", "year", "dates", "start_date", "end_date", "city", "...", "recorded_count", "recorded_value",
        )  # fmt: skip
        attrs = {"class": "data-table stack-table stack-wide"}
        order_by_field = "sort"
        order_by = "-number"
        empty_text = _("No edition has been published yet.")

    def __init__(self, *args, metrics: list[Metric], figures: dict, **kwargs):
        self.figures = figures
        reserved = set(self.base_columns)
        super().__init__(*args, extra_columns=figure_columns(metrics, reserved), **kwargs)
        self.caption = _("Published editions with their main reported figures and recorded projects")

    def render_dates(self, record):
        return record.dates or "—"

    def render_city(self, record):
        return localized_html(record, "city")

    def value_city(self, record):
        return localized(record, "city")

    def render_number(self, record):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), record.ordinal)

    def value_number(self, value):
        return value

    def value_start_date(self, value):
        return value.isoformat() if value else ""

    def value_end_date(self, value):
        return value.isoformat() if value else ""
