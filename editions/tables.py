"""The editions table, and the number columns the project tables share."""

from decimal import Decimal

import django_tables2 as tables
from django.db.models import F
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_tables2.export import TableExport

from editions import formatting
from editions.models import Edition, Metric, Unit
from editions.selectors import figure_annotation_name
from expoportal.exports import FORMATS, download, file_content


def plain_number(value):
    """What exports carry: 84475000000 rather than '84.475 billion yuan'; cents kept when there are any."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else value


EXPORT_FORMATS = FORMATS


class PortalExport(TableExport):
    """Only the formats the site offers; any other ?_export= value just shows the page.

    The table's values are written by the portal's one writer (expoportal.exports), which makes the
    spreadsheet formats safe to open and keeps JSON as it is.
    """

    @classmethod
    def is_valid_format(cls, export_format):
        return export_format in EXPORT_FORMATS

    def export(self):
        dataset = self.dataset
        return file_content(self.format, dataset.headers or [], dataset, title=dataset.title)

    def response(self, filename=None):
        dataset = self.dataset
        name = filename or f"{dataset.title}.{self.format}"
        return download(self.format, dataset.headers or [], dataset, filename=name, title=dataset.title)


class PortalTable(tables.Table):
    """A table that ignores sort keys it does not know (``?sort=.``, ``?sort=password``) instead of failing."""

    @tables.Table.order_by.setter
    def order_by(self, value):
        keys = value.split(",") if isinstance(value, str) else list(value or ())
        known = {name for name, column in self.columns.items() if column.orderable}
        tables.Table.order_by.fset(self, [key for key in keys if key.lstrip("-") in known])


def _opposite(name: str) -> str:
    return name[1:] if name.startswith("-") else f"-{name}"


class NumberColumn(tables.Column):
    """A right-aligned number; empty values sort last in both directions; exports carry the plain number."""

    def __init__(self, *args, tiebreak: str = "pk", nullable: bool = True, **kwargs):
        kwargs.setdefault("attrs", {"th": {"class": "number"}, "td": {"class": "number"}})
        self.tiebreak = tiebreak
        self.nullable = nullable
        super().__init__(*args, **kwargs)

    def order(self, queryset, is_descending):
        name = str(self.accessor).replace(".", "__")
        # Ties break in the opposite direction when ascending, so an index on (-value, id) serves both.
        tiebreak = self.tiebreak if is_descending else _opposite(self.tiebreak)
        if not self.nullable:
            return queryset.order_by(f"-{name}" if is_descending else name, tiebreak), True
        field = F(name)
        ordered = field.desc(nulls_last=True) if is_descending else field.asc(nulls_last=True)
        return queryset.order_by(ordered, tiebreak), True

    def render(self, value):
        return formatting.format_number(value)

    def value(self, value):
        return plain_number(value)


class YuanColumn(NumberColumn):
    def render(self, value):
        return formatting.format_yuan(value)


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
        name = metric.code.replace("-", "_")
        if name in reserved:
            name = f"figure_{name}"
        columns.append((name, FigureColumn(metric)))
        columns.append((f"{name}_qualifier", FigureDetailColumn(metric, "qualifier", _("%s: qualifier") % metric.name)))
        columns.append((f"{name}_stage", FigureDetailColumn(metric, "stage", _("%s: stage") % metric.name)))
    return columns


class EditionTable(PortalTable):
    number = tables.Column(verbose_name=_("Edition"), attrs={"td": {"class": "nowrap"}})
    year = tables.Column(verbose_name=_("Year"))
    start_date = tables.DateColumn(verbose_name=_("Opened"), format="Y-m-d", attrs={"td": {"class": "nowrap"}})
    end_date = tables.DateColumn(verbose_name=_("Closed"), format="Y-m-d", attrs={"td": {"class": "nowrap"}})
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
        sequence = ("number", "year", "start_date", "end_date", "city", "...", "recorded_count", "recorded_value")
        order_by_field = "sort"
        order_by = "-number"
        empty_text = _("No edition has been published yet.")

    def __init__(self, *args, metrics: list[Metric], figures: dict, **kwargs):
        self.figures = figures
        reserved = set(self.base_columns)
        super().__init__(*args, extra_columns=figure_columns(metrics, reserved), **kwargs)
        self.caption = _("Published editions with their main reported figures and recorded projects")

    def render_number(self, record):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), record.ordinal)

    def value_number(self, value):
        return value

    def value_start_date(self, value):
        return value.isoformat() if value else ""

    def value_end_date(self, value):
        return value.isoformat() if value else ""
