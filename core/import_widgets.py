"""How import cells become values: one widget per kind of column, each raising a plain-words CellError,
and the loader that finds existing rows by natural key (so re-importing a file creates no duplicates).

Widgets that look up editions, sources or sectors are in editions/import_widgets.py."""

from decimal import Decimal

from django.utils.translation import gettext as _
from import_export import widgets
from import_export.instance_loaders import BaseInstanceLoader

from core.parsing import CellError, NameMatcher, is_blank, parse_amount, reject_formula


class TextWidget(widgets.Widget):
    def __init__(self, column: str, required: bool = False, max_length: int | None = None):
        super().__init__()
        self.column, self.required, self.max_length = column, required, max_length

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            if self.required:
                raise CellError(_("%(column)s is missing") % {"column": self.column})
            return ""
        reject_formula(value, self.column)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).strip()
        if self.max_length and len(text) > self.max_length:
            raise CellError(
                _("%(column)s is too long: at most %(max)s characters (it has %(length)s)")
                % {"column": self.column, "max": self.max_length, "length": len(text)}
            )
        return text


class AmountWidget(widgets.Widget):
    def __init__(self, column: str, unit_words: str | None = None, required: bool = True):
        super().__init__()
        self.column, self.unit_words, self.required = column, unit_words, required

    def clean(self, value, row=None, **kwargs):
        amount = parse_amount(value, self.column, self.unit_words)
        if amount is None and self.required:
            raise CellError(_("%(column)s is missing") % {"column": self.column})
        if amount is not None and amount < 0:
            raise CellError(
                _("%(column)s cannot be negative (got '%(value)s')") % {"column": self.column, "value": value}
            )
        return amount

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return format(Decimal(value).normalize(), "f") if value == int(value) else format(value, "f")


class MatchWidget(widgets.Widget):
    """A cell matched by name against a list built once per import."""

    def __init__(self, column: str, build_matcher, render_value=str, required: bool = True, default=None):
        super().__init__()
        self.column, self.build_matcher, self.render_value = column, build_matcher, render_value
        # A plain value, not the enum member: it is part of natural keys compared as dictionary keys.
        self.required, self.default = required, getattr(default, "value", default)
        self._matcher: NameMatcher | None = None

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            if self.default is not None:
                return self.default
            if self.required:
                raise CellError(_("%(column)s is missing") % {"column": self.column})
            return None
        if self._matcher is None:
            self._matcher = self.build_matcher()
        return self._matcher.match(value, self.column)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else self.render_value(value)


class NaturalKeyInstanceLoader(BaseInstanceLoader):
    """Finds existing records by their natural key with one query per import, not one per row.

    Loads every record sharing the first key field's values (the editions named in the file) and
    indexes them by the whole key.
    """

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.key_fields = [resource.fields[name] for name in resource.get_import_id_fields()]
        self.by_key: dict[tuple, object] = {}
        first = self.key_fields[0]
        values = set()
        for row in dataset.dict if dataset is not None and dataset.headers else []:
            try:
                values.add(first.clean(row))
            except (CellError, KeyError):
                continue
        values.discard(None)
        if values:
            for instance in resource.get_queryset().filter(**{f"{first.attribute}__in": values}):
                self.by_key[tuple(getattr(instance, field.attribute) for field in self.key_fields)] = instance

    def get_instance(self, row):
        return self.by_key.get(tuple(field.clean(row) for field in self.key_fields))
