"""Django's loaddata, checking every row of a backup against its model's rules before the database sees it.

SQLite stores what it is given: a 1e40 value in a 17-digit column, a 400-character title in a 300-character
one, a choice the model does not offer. Such a row restores without a murmur, and every page that reads it
fails afterwards. So each deserialised row is checked as a model form would check it, without a query per
row: every field's validators, choices and nulls; keys unique within the backup (a repeated primary key
would silently overwrite the first row); foreign keys pointing at rows the backup holds. Check constraints
are the database's to enforce, on both databases; a refusal is traced back to the row and the fields of the
constraint. The first fault ends the load with a RowRefused saying where it is, in one sentence.
"""

import json
import re
from collections import defaultdict
from functools import cache

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.management.base import CommandError
from django.core.management.commands import loaddata
from django.core.serializers.base import DeserializationError, deserialize_fk_value, deserialize_m2m_values
from django.db import DatabaseError, models
from django.db.models.constants import LOOKUP_SEP


class RowRefused(CommandError):
    """What is wrong in a backup and where, in one sentence; nothing of it may be stored."""


class CheckedLoaddata(loaddata.Command):
    """loaddata for one backup file: a row that breaks its model's rules is refused with a RowRefused."""

    def loaddata(self, fixture_labels):
        self.checks = RowChecks(self.using)
        try:
            super().loaddata(fixture_labels)
        except ObjectDoesNotExist as error:  # a natural key resolved once all rows were in
            raise RowRefused(f"a row refers to one the backup does not hold ({error})") from error

    def load_label(self, fixture_label):
        # The place in the file of the last row read, counted by save_obj; a row that cannot be read is the next.
        self.position = 0
        try:
            super().load_label(fixture_label)
        except DeserializationError as error:
            raise self.unreadable(fixture_label, error) from error
        except UnicodeDecodeError as error:
            raise RowRefused(f"it is not UTF-8 text ({error})") from error
        except (OSError, EOFError) as error:  # a damaged compressed file
            fixture_file = self.find_fixtures(fixture_label)[0][0]
            reason = str(error).removeprefix(f"Problem installing fixture '{fixture_file}': ")
            raise RowRefused(f"it cannot be read ({reason})") from error
        self.checks.check_references()

    def save_obj(self, obj):
        self.position += 1
        self.checks.check(obj, self.position)
        try:
            return super().save_obj(obj)
        except (DatabaseError, ValueError) as error:  # ValueError: psycopg refuses NUL characters
            raise self.checks.refused_by_database(obj.object, self.position, error) from error

    def unreadable(self, fixture_label, error) -> RowRefused:
        cause = error.__cause__
        if isinstance(cause, json.JSONDecodeError):
            return RowRefused(f"it is not valid JSON ({cause})")
        # Read the file again to say which row and field (only on this error path).
        with open_backup(self, fixture_label) as stream:
            rows = json.load(stream)
        if not isinstance(rows, list):
            return RowRefused("it is not a list of rows")
        position = self.position + 1
        row = rows[position - 1] if position <= len(rows) else None
        if not isinstance(row, dict):
            return RowRefused(f"object {position} in the file is not a row ({error})")
        where = f"{row.get('model')} pk={row.get('pk')} (object {position} in the file)"
        try:
            model = apps.get_model(row["model"])
        except (KeyError, LookupError, TypeError, ValueError):
            return RowRefused(f"{where}: no such model")
        where = f"{model._meta.label} pk={row.get('pk')} (object {position} in the file)"
        fault = unreadable_field(model, row.get("fields"), self.using)
        if fault is None:
            return RowRefused(f"{where}: {error}")
        name, message = fault
        return RowRefused(f"{where}, field “{name}”: {message}")


def open_backup(command: loaddata.Command, path: str):
    __, __, compression = command.parse_name(path.rsplit("/", 1)[-1])
    open_method, mode = command.compression_formats[compression]
    return open_method(path, mode)


def unreadable_field(model, fields, using) -> tuple[str, str] | None:
    """The first field of a serialised row whose value cannot be read, and why."""
    if not isinstance(fields, dict):
        return "fields", "not a mapping of field names to values"
    for name, value in fields.items():
        try:
            field = model._meta.get_field(name)
            if field.many_to_many:
                deserialize_m2m_values(field, value, using, handle_forward_references=True)
            elif field.many_to_one or field.one_to_one:
                deserialize_fk_value(field, value, using, handle_forward_references=True)
            else:
                field.to_python(value)
        except ValidationError as error:
            return name, " ".join(error.messages)
        except Exception as error:
            return name, str(error) or type(error).__name__
    return None


class RowChecks:
    """The rules of each model, checked row by row; what must hold across rows is remembered as they pass."""

    def __init__(self, using: str):
        self.using = using
        self.unique = defaultdict(dict)  # (model, field names) -> {values: position of the row that had them}
        self.keys = defaultdict(set)  # (model, attname) others point at -> values seen
        self.references = defaultdict(dict)  # (model, attname) pointed at -> {value: (row, field) first pointing}

    def check(self, obj, position: int) -> None:
        instance = obj.object
        rules = model_rules(type(instance))
        row = describe(instance, position)
        for field in rules.fields:
            message = field_fault(field, instance, rules.choices.get(field))
            if message:
                raise RowRefused(f"{row}, field “{field.name}”: {message}")
        for model_class, names in rules.unique_checks:
            values = tuple(getattr(instance, model_class._meta.get_field(name).attname) for name in names)
            if None in values:
                continue  # NULLs never collide
            seen = self.unique[model_class, names]
            if values in seen:
                message = unique_message(instance, model_class, names).rstrip(".")
                raise RowRefused(
                    f"{row}, {fields_phrase(names)}: {message}: object {seen[values]} in the file has the same."
                )
            seen[values] = position
        for attname in rules.pointed_at:
            self.keys[rules.concrete, attname].add(getattr(instance, attname))
        for field, target, attname in rules.foreign_keys:
            value = getattr(instance, field.attname)
            if value is not None:
                self.references[target, attname].setdefault(value, (row, field.name))
        for field, target, attname in rules.many_to_many:
            for value in obj.m2m_data.get(field.name, ()):
                self.references[target, attname].setdefault(value, (row, field.name))

    def check_references(self) -> None:
        """Every foreign key points at a row of the backup (or, for rows migrate rebuilds, of the database)."""
        for (target, attname), references in self.references.items():
            missing = [value for value in references if value not in self.keys[target, attname]]
            for start in range(0, len(missing), 500):
                chunk = missing[start : start + 500]
                found = set(
                    target._base_manager.using(self.using)
                    .filter(**{f"{attname}__in": chunk})
                    .values_list(attname, flat=True)
                )
                for value in chunk:
                    if value not in found:
                        row, name = references[value]
                        key = target._meta.get_field(attname).name
                        raise RowRefused(
                            f"{row}, field “{name}”: no {target._meta.label} with {key} {value} is in the backup."
                        )

    def refused_by_database(self, instance, position: int, error: Exception) -> RowRefused:
        row = describe(instance, position)
        constraint = refused_constraint(type(instance), error)
        if constraint is None:
            cause = error.__cause__ or error
            return RowRefused(f"{row}: the database refused it ({str(cause).splitlines()[0]})")
        if isinstance(constraint, models.UniqueConstraint):
            names = list(constraint.fields)
        else:
            order = [field.name for field in instance._meta.fields]
            names = sorted(condition_fields(constraint.condition), key=lambda name: order.index(name))
        return RowRefused(f"{row}, {fields_phrase(names)}: {constraint.get_violation_error_message()}")


def describe(instance, position: int) -> str:
    return f"{instance._meta.label} pk={instance.pk} (object {position} in the file)"


def fields_phrase(names) -> str:
    quoted = ", ".join(f"“{name}”" for name in names)
    return f"field {quoted}" if len(names) == 1 else f"fields {quoted}"


def field_fault(field: models.Field, instance, choices: frozenset | None) -> str:
    """Why the field's value breaks the model's rules (as Model.clean_fields() would say), or ""."""
    value = getattr(instance, field.attname)
    # A NULL where the column allows one is what the database holds, whatever a form would ask for.
    if (value is None and field.null) or (field.blank and value in field.empty_values):
        return ""
    try:
        if choices is None:
            field.clean(value, instance)
            return ""
        # Field.validate() walks every choice, and a country field builds its 250 of them afresh each time.
        if value not in choices:
            shown = value if isinstance(value, str | int) else str(value)
            raise ValidationError(field.error_messages["invalid_choice"], params={"value": shown})
        field.run_validators(field.to_python(value))
    except ValidationError as error:
        return " ".join(error.messages)
    return ""


def unique_message(instance, model_class, names) -> str:
    constraint = next(
        (c for c in model_class._meta.total_unique_constraints if tuple(c.fields) == tuple(names)),
        None,
    )
    if constraint is not None and constraint.violation_error_message != constraint.default_violation_error_message:
        return constraint.get_violation_error_message()
    return " ".join(instance.unique_error_message(model_class, names).messages)


def refused_constraint(model, error: Exception):
    """The model's constraint the database named in refusing a row, if it names one of them."""
    diagnostics = getattr(error.__cause__, "diag", None)  # psycopg
    name = getattr(diagnostics, "constraint_name", None)
    if name is None:
        match = re.search(r"CHECK constraint failed: (\w+)", str(error))  # SQLite
        name = match and match.group(1)
    return next((c for c in model._meta.constraints if c.name == name), None) if name else None


def condition_fields(condition) -> list[str]:
    """The fields a check constraint's condition reads."""
    names = []
    for child in getattr(condition, "children", ()):
        if isinstance(child, models.Q):
            names += condition_fields(child)
            continue
        lookup, value = child
        names.append(lookup.split(LOOKUP_SEP)[0])
        if isinstance(value, models.F):
            names.append(value.name)
    return list(dict.fromkeys(names))


class ModelRules:
    def __init__(self, model):
        meta = model._meta
        self.concrete = meta.concrete_model
        self.fields = [f for f in meta.concrete_fields if not f.is_relation and not f.generated]
        # Field.validate() checks the choices of editable fields only.
        self.choices = {f: frozenset(key for key, __ in f.flatchoices) for f in self.fields if f.choices and f.editable}
        # The same for every row of the model; an empty instance is enough to ask for them.
        self.unique_checks, __ = model()._get_unique_checks(include_meta_constraints=True)
        self.foreign_keys = [
            (f, f.related_model._meta.concrete_model, f.target_field.attname)
            for f in meta.concrete_fields
            if f.is_relation and f.db_constraint
        ]
        self.many_to_many = [
            (f, f.related_model._meta.concrete_model, f.related_model._meta.pk.attname)
            for f in meta.many_to_many
            if f.remote_field.through._meta.auto_created
        ]
        self.pointed_at = pointed_at().get(self.concrete, ())


@cache
def model_rules(model) -> ModelRules:
    return ModelRules(model)


@cache
def pointed_at() -> dict:
    """For each model, the columns that foreign keys of any model point at."""
    keys = defaultdict(set)
    for model in apps.get_models():
        meta = model._meta
        for field in meta.concrete_fields:
            if field.is_relation and field.db_constraint:
                keys[field.related_model._meta.concrete_model].add(field.target_field.attname)
        for field in meta.many_to_many:
            keys[field.related_model._meta.concrete_model].add(field.related_model._meta.pk.attname)
    return {model: tuple(attnames) for model, attnames in keys.items()}
