"""Base classes of the portal's tables: sort keys that cannot fail, number columns, and their downloads."""

from decimal import Decimal

import django_tables2 as tables
from django.db.models import F
from django_tables2.export import TableExport

from core import formatting
from core.downloads import FORMATS, download, file_content


def plain_number(value):
    """What exports carry: 84475000000 rather than '84.475 billion yuan'; cents kept when there are any."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else value


EXPORT_FORMATS = FORMATS


class PortalExport(TableExport):
    """Only the formats the site offers; any other ?_export= value just shows the page.

    The table's values are written by the portal's one writer (core.downloads), which makes the
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
    """A table that ignores sort keys it does not know (``?sort=.``, ``?sort=password``) instead of failing.

    `stacks`: the table fits a laptop's screen as it is and becomes one card per row on a phone
    (templates/includes/_table.html); otherwise it scrolls sideways in a labelled region.
    """

    stacks = False

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
