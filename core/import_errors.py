"""Every problem of an import in plain words, one line each, in row order: "Row 17: value must be a number".

Rows are numbered as the spreadsheet numbers them (the header is row 1); nothing the database says in its
own words reaches staff (core/constraints.py words its refusals).
"""

import logging

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError
from django.utils.translation import gettext as _

from core.constraints import database_refusal
from core.import_formats import ImportFileError
from core.parsing import CellError
from core.validators import printable

logger = logging.getLogger(__name__)


def spreadsheet_row(row_number: int) -> int:
    """import-export counts data rows from 1; people count spreadsheet rows, the header being row 1."""
    return row_number + 1


def _error_text(error: Exception) -> str:
    """An exception raised while importing, in words for staff: never the database's own."""
    if isinstance(error, ImportFileError | CellError):
        return str(error)
    if isinstance(error, DatabaseError):
        return database_refusal(error)
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    logger.error("Import failed", exc_info=error)
    return _("This row could not be imported because of an error on our side; nothing was imported.")


def error_text(error: Exception) -> str:
    """An exception raised while importing, in words for staff (the workbook import's lines are its own)."""
    return _error_text(error)


def import_error_lines(result, resource=None) -> list[str]:
    """Every problem of an import in plain words, one line each, in row order: 'Row 17: value must be …'."""
    lines = [_error_text(error.error) for error in result.base_errors]
    column_of = {}
    if resource is not None:
        column_of = {field.attribute: field.column_name for field in resource.get_import_fields()}
    numbered = []
    for number, errors in result.row_errors():
        numbered += [(number, _error_text(error.error)) for error in errors]
    for invalid in result.invalid_rows:
        error_dict = getattr(invalid.error, "error_dict", None) or {NON_FIELD_ERRORS: invalid.error.error_list}
        for attribute, field_errors in error_dict.items():
            for error in field_errors:
                message = " ".join(error.messages)
                if error.code != "cell" and attribute != NON_FIELD_ERRORS:
                    message = f"{column_of.get(attribute, attribute)}: {message}"
                numbered.append((invalid.number, message))
    numbered.sort(key=lambda pair: pair[0])  # stable: a row's own problems keep their order
    row_line = _("Row %(row)s: %(error)s")
    lines += [row_line % {"row": spreadsheet_row(number), "error": text} for number, text in numbered]
    # Messages quote cells ("unknown sector '…'"); a control character in one must not reach a page or the session.
    return [printable(line) for line in lines]
