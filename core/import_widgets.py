"""How import cells become values: one widget per kind of column, each raising a plain-words CellError,
and the loader that finds existing rows by natural key (so re-importing a file creates no duplicates).

Widgets that look up editions, sources or sectors are in editions/import_widgets.py."""

import functools
from decimal import Decimal

from django.db.models import TextField
from django.utils.translation import gettext as _
from import_export import widgets
from import_export.instance_loaders import BaseInstanceLoader

from core.parsing import CellError, NameMatcher, is_blank, parse_amount, parse_bool, parse_date, reject_formula
from core.validators import control_character


def remembered(clean):
    """A widget's clean that remembers what each distinct cell came out as.

    A file names the same editions, sectors, countries, dates and amounts thousands of times; each is read
    once per import. Refusals are not remembered: they are rare, and each is reported with its own row.
    """

    @functools.wraps(clean)
    def remembering(self, value, row=None, **kwargs):
        memory = self.__dict__.setdefault("_remembered", {})
        key = (type(value), value)  # 1, 1.0 and True are equal, but not the same cell
        try:
            return memory[key]
        except KeyError:
            memory[key] = result = clean(self, value, row, **kwargs)
            return result
        except TypeError:  # a value that cannot be a key
            return clean(self, value, row, **kwargs)

    return remembering


class TextWidget(widgets.Widget):
    def __init__(self, column: str, required: bool = False, max_length: int | None = None, several_lines: bool = False):
        super().__init__()
        self.column, self.required, self.max_length, self.several_lines = column, required, max_length, several_lines

    @classmethod
    def for_field(cls, field, **kwargs) -> "TextWidget":
        """The widget of a model's CharField or TextField: its length, and whether it has several lines."""
        return cls(field.name, max_length=field.max_length, several_lines=isinstance(field, TextField), **kwargs)

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            if self.required:
                raise CellError(_("%(column)s is missing") % {"column": self.column})
            return ""
        reject_formula(value, self.column)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).strip()
        character = control_character(text, several_lines=self.several_lines)
        if character:
            raise CellError(
                _("%(column)s contains a control character (%(character)s); remove it")
                % {"column": self.column, "character": character}
            )
        if self.max_length and len(text) > self.max_length:
            raise CellError(
                _("%(column)s is too long: at most %(max)s characters (it has %(length)s)")
                % {"column": self.column, "max": self.max_length, "length": len(text)}
            )
        return text


class DateWidget(TextWidget):
    """A date as staff write it (2023-08-23, 2023/8/23, 2023年8月23日), exported as 2023-08-23."""

    @remembered
    def clean(self, value, row=None, **kwargs):
        return parse_date(value, self.column)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value.isoformat()


class BoolWidget(TextWidget):
    """yes/no, true/false, 是/否 and the like; exported as yes or no."""

    @remembered
    def clean(self, value, row=None, **kwargs):
        return parse_bool(value, self.column)

    def render(self, value, obj=None, **kwargs):
        return "yes" if value else "no"


class AmountWidget(widgets.Widget):
    """A number as staff write it ("1.5亿"), no larger and no finer than its column holds."""

    def __init__(
        self,
        column: str,
        unit_words: str | None = None,
        required: bool = True,
        max_digits: int | None = None,
        decimal_places: int | None = None,
    ):
        super().__init__()
        self.column, self.unit_words, self.required = column, unit_words, required
        self.max_digits, self.decimal_places = max_digits, decimal_places

    @classmethod
    def for_field(cls, field, **kwargs) -> "AmountWidget":
        """The widget of a model's DecimalField, with the field's digits."""
        return cls(field.name, max_digits=field.max_digits, decimal_places=field.decimal_places, **kwargs)

    @remembered
    def clean(self, value, row=None, **kwargs):
        amount = parse_amount(value, self.column, self.unit_words)
        if amount is None and self.required:
            raise CellError(_("%(column)s is missing") % {"column": self.column})
        if amount is not None and amount < 0:
            raise CellError(
                _("%(column)s cannot be negative (got '%(value)s')") % {"column": self.column, "value": value}
            )
        if amount is not None and self.max_digits is not None:
            self._check_digits(amount, value)
        return amount

    def _check_digits(self, amount: Decimal, value) -> None:
        # As Django's DecimalValidator counts them, but in words that name the column.
        __, digits, exponent = amount.as_tuple()
        decimals = max(-exponent, 0)
        whole = max(len(digits) + exponent, 0) if digits != (0,) else 0
        if decimals > self.decimal_places:
            raise CellError(
                _("%(column)s has more than %(places)s decimal places (got '%(value)s')")
                % {"column": self.column, "places": self.decimal_places, "value": str(value)[:40]}
            )
        if whole > self.max_digits - self.decimal_places:
            raise CellError(
                _("%(column)s is too large: at most %(digits)s digits before the decimal point (got '%(value)s')")
                % {"column": self.column, "digits": self.max_digits - self.decimal_places, "value": str(value)[:40]}
            )

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

    @remembered
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
    """Finds existing records by their natural key with a few queries per import, not one per row.

    Loads the records whose first two key fields (the edition, then the title or metric) hold values of the
    file, the second in chunks, and indexes them by the whole key. Each record keeps the values it was read
    with, so an unchanged row is skipped without a copy of the record. When the import is not a dry run the
    records are locked until it ends: nobody can save one in between and have the import overwrite it.
    """

    CHUNK = 500

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.key_fields = [resource.fields[name] for name in resource.get_import_id_fields()]
        self.by_key: dict[tuple, object] = {}
        searched = self.key_fields[:2]
        if dataset is None or not dataset.headers or any(f.column_name not in dataset.headers for f in searched):
            return
        positions = [dataset.headers.index(field.column_name) for field in searched]
        values: list[set] = [set() for __ in searched]
        for data_row in dataset:
            for found, field, position in zip(values, searched, positions, strict=True):
                try:
                    found.add(field.clean({field.column_name: data_row[position]}))
                except (CellError, KeyError, ValueError):
                    continue
        values = [found - {None, ""} for found in values]
        if not values[0]:
            return
        queryset = resource.get_queryset().filter(**{f"{searched[0].attribute}__in": values[0]})
        if not getattr(resource, "dry_run", True):
            queryset = queryset.select_for_update(of=("self",))
        if len(searched) == 1:
            self._index(queryset)
            return
        second = list(values[1])
        for start in range(0, len(second), self.CHUNK):
            self._index(queryset.filter(**{f"{searched[1].attribute}__in": second[start : start + self.CHUNK]}))

    def _index(self, queryset) -> None:
        for instance in queryset:
            instance._imported_values = self.resource.recorded_values(instance)
            self.by_key[tuple(getattr(instance, field.attribute) for field in self.key_fields)] = instance

    def get_instance(self, row):
        if not self.by_key:  # a file of new records only: nothing to look for
            return None
        return self.by_key.get(tuple(field.clean(row) for field in self.key_fields))


# -- the shared resource --------------------------------------------------------------------------------
