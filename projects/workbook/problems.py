"""A workbook's problems, each naming its sheet, its row (as the spreadsheet numbers it) and its column."""

from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext as _

from core.import_errors import error_text, spreadsheet_row
from core.validators import printable


@dataclass(frozen=True)
class Problem:
    sheet: str
    message: str
    row: int | None = None  # the spreadsheet's row number (the header is row 1)
    column: str | None = None

    def __str__(self) -> str:
        values = {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}
        if self.row is None:
            text = _("%(sheet)s sheet: %(message)s") % values
        elif self.column:
            text = _("%(sheet)s sheet, row %(row)s, column %(column)s: %(message)s") % values
        else:
            text = _("%(sheet)s sheet, row %(row)s: %(message)s") % values
        # Messages quote cells; a control character in one must not reach a page.
        return printable(text)


def result_problems(sheet_name: str, result, resource) -> list[Problem]:
    """The problems an import of one sheet found, in row order; never the database's own words."""
    problems = [Problem(sheet_name, error_text(error.error)) for error in result.base_errors]
    column_of = {field.attribute: field.column_name for field in resource.get_import_fields()}
    numbered = []
    for number, errors in result.row_errors():
        numbered += [Problem(sheet_name, error_text(error.error), spreadsheet_row(number)) for error in errors]
    for invalid in result.invalid_rows:
        error_dict = getattr(invalid.error, "error_dict", None) or {NON_FIELD_ERRORS: invalid.error.error_list}
        for attribute, field_errors in error_dict.items():
            column = None if attribute == NON_FIELD_ERRORS else column_of.get(attribute, attribute)
            for error in field_errors:
                numbered.append(Problem(sheet_name, " ".join(error.messages), spreadsheet_row(invalid.number), column))
    numbered.sort(key=lambda problem: problem.row)  # stable: a row's own problems keep their order
    return problems + numbered
