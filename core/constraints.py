"""The models' check constraints in plain words: tested in Python before rows reach the database, and the
database's own refusals ("CHECK constraint failed: …", "violates check constraint …") told as the same sentence.

Each constraint's sentence is the one ``CONSTRAINT_SENTENCES`` gives it, else its ``violation_error_message``, else
a sentence made from its field; imports prefix it with the column it is about ("partner: An international project
…"), and the admin's forms put it on that field (``constraint_errors``) instead of Django's "Constraint … is
violated".
"""

import functools
import logging
import re

from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, router
from django.db.models import BaseConstraint, CheckConstraint, F, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

logger = logging.getLogger(__name__)

# The field a constraint over several fields is about: the one staff should correct.
CONSTRAINT_FIELDS = {
    "project_partner_matches_scope": "partner",
    "edition_ends_after_start": "end_date",
    "one_figure_per_metric_and_stage": "stage",
    "one_reported_band_per_lower_bound": "lower_yuan",
    "reported_band_upper_above_lower": "upper_yuan",
    "one_reported_sector_per_edition": "sector",
    "illustrative_project_has_no_source": "source",
    "only_illustrative_projects_are_generated": "generated_from",
    "one_span_figure_per_metric_basis_and_date": "as_of",
}

# Sentences for the constraints whose model gives none, each naming its field as staff know it. A constraint that
# keeps a value among its field's choices needs none: "qualifier must be one of: exact, more_than, …".
CONSTRAINT_SENTENCES = {
    "edition_number_positive": gettext_lazy("The edition number must be 1 or more: 14 for the 14th edition."),
    "edition_year_plausible": gettext_lazy("The year must be between 1900 and 2200."),
    "reported_band_lower_not_negative": gettext_lazy("The lower bound cannot be negative."),
    "one_reported_band_per_lower_bound": gettext_lazy("This edition already has a value band with this lower bound."),
}


class _Unsupported(Exception):
    """A condition this module cannot evaluate in Python; the database is asked instead."""


def _fields_of(condition) -> list[str]:
    names = []
    for child in condition.children:
        if isinstance(child, Q):
            names += _fields_of(child)
        else:
            names.append(child[0].split("__")[0])
    return list(dict.fromkeys(names))


def constraint_field(constraint: BaseConstraint) -> str | None:
    """The field a constraint is about, or None for one about a whole row."""
    if constraint.name in CONSTRAINT_FIELDS:
        return CONSTRAINT_FIELDS[constraint.name]
    fields = getattr(constraint, "fields", None) or (
        _fields_of(constraint.condition) if isinstance(constraint, CheckConstraint) else []
    )
    return fields[0] if len(fields) == 1 else None


def constraint_message(model, constraint: BaseConstraint) -> str:
    """The sentence staff see when a row breaks the constraint, without the column's name."""
    if constraint.name in CONSTRAINT_SENTENCES:
        return str(CONSTRAINT_SENTENCES[constraint.name])
    if constraint.violation_error_message != constraint.default_violation_error_message:
        return str(constraint.get_violation_error_message())
    name = constraint_field(constraint)
    field = model._meta.get_field(name) if name else None
    if field is not None and field.choices:
        return _("%(field)s must be one of: %(choices)s.") % {
            "field": field.verbose_name,
            "choices": ", ".join(str(value) for value, __ in field.flatchoices),
        }
    if field is not None:
        return _("%(field)s has a value that is not allowed.") % {"field": field.verbose_name}
    return _("This row does not make a valid %(model)s.") % {"model": model._meta.verbose_name}


def _reader(model, name: str):
    """What reads the stored value of a field as set (a country's code, a sector's id), without building
    objects from it."""
    field = model._meta.get_field(name)
    attname = field.attname

    def read(instance):
        if attname in instance.__dict__:
            return instance.__dict__[attname]
        return field.get_prep_value(field.value_from_object(instance))

    return read


_COMPARISONS = {
    "exact": lambda actual, expected: actual == expected,
    "gt": lambda actual, expected: actual > expected,
    "gte": lambda actual, expected: actual >= expected,
    "lt": lambda actual, expected: actual < expected,
    "lte": lambda actual, expected: actual <= expected,
    "in": lambda actual, expected: actual in expected,
}


def _compiled(model, node):
    """A Q tree as a function of an instance giving SQL's three-valued answer: True, False, or None (unknown, as
    a comparison with NULL is). Made once per constraint: an import asks every constraint of every row."""
    if isinstance(node, Q):
        if node.connector not in (Q.AND, Q.OR):
            raise _Unsupported(node.connector)
        parts = [_compiled(model, child) for child in node.children]
        conjunction, negated = node.connector == Q.AND, node.negated

        def combined(instance):
            results = [part(instance) for part in parts]
            if conjunction:
                value = False if False in results else (None if None in results else True)
            else:
                value = True if True in results else (None if None in results else False)
            return None if value is None else (value != negated)

        return combined
    lookup, expected = node
    name, __, operator = lookup.partition("__")
    operator = operator or "exact"
    if "__" in operator or not (operator in _COMPARISONS or operator == "isnull"):
        raise _Unsupported(lookup)
    actual = _reader(model, name)
    if operator == "isnull":
        return lambda instance: (actual(instance) is None) == expected
    if isinstance(expected, F):
        other = _reader(model, expected.name)
    elif hasattr(expected, "resolve_expression"):
        raise _Unsupported(lookup)
    else:
        other = lambda instance: expected  # noqa: E731
    compare = _COMPARISONS[operator]

    def compared(instance):
        value, wanted = actual(instance), other(instance)
        if value is None or (wanted is None and operator != "exact"):
            return None
        return compare(value, wanted)

    return compared


@functools.cache
def _check_tests(model) -> list[tuple[CheckConstraint, object]]:
    """The model's check constraints, each with its test in Python (None where the database must be asked)."""
    tests = []
    for constraint in model._meta.constraints:
        if isinstance(constraint, CheckConstraint):
            try:
                tests.append((constraint, _compiled(model, constraint.condition)))
            except _Unsupported:
                tests.append((constraint, None))
    return tests


def _holds(constraint: CheckConstraint, test, instance) -> bool:
    if test is not None:
        return test(instance) is not False
    try:
        constraint.validate(type(instance), instance)
    except ValidationError:
        return False
    return True


def check_constraints(instance, *, columns: dict[str, str] | None = None) -> None:
    """ValidationError naming the column of each check constraint the unsaved instance breaks.

    ``columns`` maps field names to the file's column names where they differ.
    """
    errors: dict[str, list[ValidationError]] = {}
    model = type(instance)
    for constraint, test in _check_tests(model):
        if not _holds(constraint, test, instance):
            name = constraint_field(constraint) or NON_FIELD_ERRORS
            errors.setdefault((columns or {}).get(name, name), []).append(
                ValidationError(constraint_message(model, constraint), code="constraint")
            )
    if errors:
        raise ValidationError(errors)


def constraint_errors(instance, *, exclude=None) -> dict[str, list[str]]:
    """Every constraint the instance breaks (checks and unique ones, as Django's model validation finds them), by
    field: each as its sentence, where Django would say "Constraint … is violated" or "… with this … exists"."""
    model = type(instance)
    using = router.db_for_write(model, instance=instance)
    errors: dict[str, list[str]] = {}
    for constraint in model._meta.constraints:
        try:
            constraint.validate(model, instance, exclude=exclude, using=using)
        except ValidationError:
            name = constraint_field(constraint) or NON_FIELD_ERRORS
            errors.setdefault(name, []).append(constraint_message(model, constraint))
    return errors


def _constraints_by_name() -> dict[str, tuple]:
    return {
        constraint.name: (model, constraint)
        for model in apps.get_models()
        for constraint in model._meta.constraints
        if constraint.name
    }


def _unique_columns(text: str) -> tuple[str, list[str]] | None:
    """The table and columns of a unique refusal that names no constraint: SQLite's "UNIQUE constraint failed:
    editions_edition.number", PostgreSQL's "… unique constraint "editions_edition_number_key" DETAIL: Key
    (number)=(14) already exists."."""
    sqlite = re.search(r"UNIQUE constraint failed: ([\w.]+(?:, [\w.]+)*)", text)
    if sqlite:
        pairs = [name.split(".", 1) for name in sqlite.group(1).split(", ")]
        return pairs[0][0], [column for __, column in pairs]
    postgres = re.search(r'unique constraint "(\w+)".*?Key \(([^)]*)\)=', text, re.DOTALL)
    if postgres:
        columns = [column.strip().strip('"') for column in postgres.group(2).split(",")]
        return postgres.group(1), columns
    return None


def _unique_refusal(text: str) -> str | None:
    """The sentence of a unique rule the database named by its columns: a named constraint's, or Django's own
    ("Edition with this Number already exists.") for a field that is unique on its own."""
    found = _unique_columns(text)
    if found is None:
        return None
    table, columns = found
    for model in apps.get_models():
        if table != model._meta.db_table and not table.startswith(f"{model._meta.db_table}_"):
            continue
        for constraint in model._meta.constraints:
            fields = getattr(constraint, "fields", ())
            if fields and [model._meta.get_field(name).column for name in fields] == columns:
                field = constraint_field(constraint)
                message = constraint_message(model, constraint)
                return f"{field}: {message}" if field else message
        by_column = {field.column: field for field in model._meta.concrete_fields}
        if len(columns) == 1 and columns[0] in by_column and by_column[columns[0]].unique:
            field = by_column[columns[0]]
            return f"{field.name}: " + model().unique_error_message(model, (field.name,)).messages[0]
    return None


def database_refusal(error: Exception) -> str:
    """What staff are told when the database refused a row: the broken constraint's sentence, or a plain one."""
    text = str(error)
    found = [(model, constraint) for name, (model, constraint) in _constraints_by_name().items() if name in text]
    if found:
        # The longest name that appears: "one_figure_per_metric" must not match "one_figure_per_metric_and_stage".
        model, constraint = max(found, key=lambda pair: len(pair[1].name))
        field = constraint_field(constraint)
        message = constraint_message(model, constraint)
        return f"{field}: {message}" if field else message
    unique = _unique_refusal(text)
    if unique:
        return unique
    logger.warning("Import refused by the database: %s", text)
    return _("The database refused a value of this row (too long, too large or not allowed).")


def choices_constraint(field: str, choices: type[models.TextChoices], name: str) -> CheckConstraint:
    """Keeps a field's values among its choices in the database: `choices` alone keeps nothing out."""
    return models.CheckConstraint(condition=Q(**{f"{field}__in": choices.values}), name=name)
