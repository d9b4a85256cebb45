"""Control characters are refused in every text the portal stores.

NUL cannot be stored by PostgreSQL at all (SQLite would keep it), and the other control characters show as
nothing or as garbage on every page and in every download. Tab and line breaks are kept in fields of several
lines (TextField); lone surrogates, which no UTF-8 text can hold, are refused with them.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_SEVERAL_LINES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def control_character(text: str, *, several_lines: bool = False) -> str | None:
    """The first control character in the text as 'U+0000', or None when there is none."""
    match = (_SEVERAL_LINES if several_lines else _ONE_LINE).search(text)
    return f"U+{ord(match.group()):04X}" if match else None


def printable(text: str) -> str:
    """The text with its control characters (line breaks included) replaced, for messages that quote it."""
    return _ONE_LINE.sub("\ufffd", text)


@deconstructible
class ControlCharacterValidator:
    """Refuses control characters, naming the field when it is given (forms name it themselves)."""

    def __init__(self, field_name=None, *, several_lines: bool = False):
        self.field_name, self.several_lines = field_name, several_lines

    def __call__(self, value):
        character = control_character(str(value), several_lines=self.several_lines)
        if character is None:
            return
        if self.field_name:
            message = _("%(field)s contains a control character (%(character)s); remove it.")
        else:
            message = _("This contains a control character (%(character)s); remove it.")
        raise ValidationError(
            message, code="control_character", params={"field": self.field_name, "character": character}
        )

    def __eq__(self, other):
        return isinstance(other, ControlCharacterValidator) and (self.field_name, self.several_lines) == (
            other.field_name,
            other.several_lines,
        )


def refuse_control_characters(*model_classes) -> None:
    """Adds the validator to every CharField and TextField of the models (model forms and full_clean run it).

    It joins the fields' computed validators rather than their declared ones, so migrations do not see it.
    """
    for model in model_classes:
        for field in model._meta.local_concrete_fields:
            if isinstance(field, models.CharField | models.TextField):
                validator = ControlCharacterValidator(
                    field.verbose_name, several_lines=isinstance(field, models.TextField)
                )
                # Added to the computed list, not to default_validators with the list recomputed: CharField appends
                # its MaxLengthValidator to that list when it is built, and recomputing it would drop the length
                # check (model forms and full_clean would then accept any length).
                if validator not in field.validators:
                    field.validators.append(validator)
