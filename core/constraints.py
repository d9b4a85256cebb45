"""The models' check constraints in plain words: tested in Python before rows reach the database, and the
database's own refusals ("CHECK constraint failed: …", "violates check constraint …") told as the same sentence.

Each constraint's sentence is its ``violation_error_message`` (or, without one, a sentence made from its field),
prefixed with the column it is about, as import errors name columns: "partner: An international project …".
"""

import logging

from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import BaseConstraint, CheckConstraint, F, Q
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# The column a constraint over several fields is about: the one staff should correct.
CONSTRAINT_FIELDS = {"project_partner_matches_scope": "partner"}


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


def _value(instance, name: str):
    # The stored value as set (a country's code, a sector's id), without building objects from it.
    field = instance._meta.get_field(name)
    if field.attname in instance.__dict__:
        return instance.__dict__[field.attname]
    return field.get_prep_value(field.value_from_object(instance))


_COMPARISONS = {
    "exact": lambda actual, expected: actual == expected,
    "gt": lambda actual, expected: actual > expected,
    "gte": lambda actual, expected: actual >= expected,
    "lt": lambda actual, expected: actual < expected,
    "lte": lambda actual, expected: actual <= expected,
}


def _truth(node, instance) -> bool | None:
    """SQL's three-valued logic over a Q tree: True, False, or None (unknown, as a comparison with NULL is)."""
    if isinstance(node, Q):
        if node.connector not in (Q.AND, Q.OR):
            raise _Unsupported(node.connector)
        results = [_truth(child, instance) for child in node.children]
        if node.connector == Q.AND:
            value = False if False in results else (None if None in results else True)
        else:
            value = True if True in results else (None if None in results else False)
        return None if value is None else (value != node.negated)
    lookup, expected = node
    name, __, operator = lookup.partition("__")
    operator = operator or "exact"
    if "__" in operator or not (operator in _COMPARISONS or operator in ("in", "isnull")):
        raise _Unsupported(lookup)
    actual = _value(instance, name)
    if operator == "isnull":
        return (actual is None) == expected
    if isinstance(expected, F):
        expected = _value(instance, expected.name)
    elif hasattr(expected, "resolve_expression"):
        raise _Unsupported(lookup)
    if actual is None or (expected is None and operator != "exact"):
        return None
    if operator == "in":
        return actual in expected
    return _COMPARISONS[operator](actual, expected)


def _holds(constraint: CheckConstraint, instance) -> bool:
    try:
        return _truth(constraint.condition, instance) is not False
    except _Unsupported:
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
    for constraint in model._meta.constraints:
        if isinstance(constraint, CheckConstraint) and not _holds(constraint, instance):
            name = constraint_field(constraint) or NON_FIELD_ERRORS
            errors.setdefault((columns or {}).get(name, name), []).append(
                ValidationError(constraint_message(model, constraint), code="constraint")
            )
    if errors:
        raise ValidationError(errors)


def _constraints_by_name() -> dict[str, tuple]:
    return {
        constraint.name: (model, constraint)
        for model in apps.get_models()
        for constraint in model._meta.constraints
        if constraint.name
    }


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
    logger.warning("Import refused by the database: %s", text)
    return _("The database refused a value of this row (too long, too large or not allowed).")
