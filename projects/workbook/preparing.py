"""A workbook's sheets made ready for their resources: example rows set aside, every row given the edition.

Rows keep their places (an example row becomes an empty one, which the resources skip), so the row numbers
of every problem stay the spreadsheet's.
"""

from dataclasses import dataclass, field

import tablib
from django.utils.translation import gettext as _

from core.imports import drop_trailing_blank_rows, normalise_headers
from core.parsing import CellError, is_blank
from editions.span_resources import EditionNumberWidget
from projects.workbook.problems import Problem
from projects.workbook.sheets import EDITION_SHEET, SHEETS, Sheet


@dataclass
class PreparedSheet:
    sheet: Sheet
    dataset: tablib.Dataset
    examples: int = 0  # example rows set aside
    blanks: int = 0  # empty rows between the data (the examples among them)

    @property
    def has_rows(self) -> bool:
        return len(self.dataset) > self.blanks


@dataclass
class PreparedWorkbook:
    sheets: list[PreparedSheet] = field(default_factory=list)
    edition_number: int | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def examples(self) -> int:
        return sum(prepared.examples for prepared in self.sheets)

    @property
    def is_only_examples(self) -> bool:
        """Nothing but the template's example rows (or nothing at all): there is nothing to import."""
        return not any(prepared.has_rows for prepared in self.sheets)


def _blank_row(width: int) -> list:
    return [""] * width


def _set_aside_examples(prepared: PreparedSheet) -> None:
    dataset, sheet = prepared.dataset, prepared.sheet
    width = len(dataset.headers)
    index = dataset.headers.index(sheet.example_column) if sheet.example_column in dataset.headers else None
    for number, row in enumerate(dataset):
        if index is not None and sheet.is_example(row[index]):
            dataset[number] = _blank_row(width)
            prepared.examples += 1
            prepared.blanks += 1
        elif all(is_blank(value) for value in row):
            prepared.blanks += 1


def _edition_number(prepared: PreparedSheet | None, workbook: PreparedWorkbook) -> int | None:
    """The number on the Edition sheet's one row, or None with a problem saying why there is none."""
    if prepared is None or not prepared.has_rows:
        workbook.problems.append(
            Problem(
                EDITION_SHEET.name,
                _(
                    "it has no row for the edition this workbook fills in: give the edition's number, year, names "
                    "and city in one row (for an edition already entered, as they are now or as they should be)"
                ),
            )
        )
        return None
    dataset = prepared.dataset
    rows = [(number, row) for number, row in enumerate(dataset, start=2) if not all(is_blank(v) for v in row)]
    if len(rows) > 1:
        workbook.problems.append(
            Problem(
                EDITION_SHEET.name,
                _("it has %(count)s rows; a workbook fills in one edition, so the Edition sheet has one row")
                % {"count": len(rows)},
            )
        )
        return None
    number, row = rows[0]
    if "number" not in dataset.headers:
        return None  # the sheet's own import says which columns it needs
    try:
        return EditionNumberWidget("number", required=True).clean(row[dataset.headers.index("number")])
    except CellError as error:
        workbook.problems.append(Problem(EDITION_SHEET.name, str(error), number, "number"))
        return None


def _give_rows_the_edition(prepared: PreparedSheet, number: int, workbook: PreparedWorkbook) -> None:
    """An empty edition cell is the workbook's edition; another edition's number is a problem."""
    dataset, column = prepared.dataset, prepared.sheet.edition_column
    if column not in dataset.headers:
        dataset.append_col([""] * len(dataset), header=column)
    index = dataset.headers.index(column)
    widget = EditionNumberWidget(column)
    for position, row in enumerate(dataset):
        if all(is_blank(value) for value in row):
            continue
        if is_blank(row[index]):
            values = list(row)
            values[index] = number
            dataset[position] = values
            continue
        try:
            given = widget.clean(row[index])
        except CellError as error:
            workbook.problems.append(Problem(prepared.sheet.name, str(error), position + 2, column))
            continue
        if given != number:
            workbook.problems.append(
                Problem(
                    prepared.sheet.name,
                    _(
                        "this workbook is for edition %(number)s (its Edition sheet), not %(given)s: "
                        "leave the cell empty or give %(number)s"
                    )
                    % {"number": number, "given": given},
                    position + 2,
                    column,
                )
            )


def prepare_workbook(datasets: dict[str, tablib.Dataset]) -> PreparedWorkbook:
    """The sheets in the order they are imported, each ready for its resource, and what is wrong throughout."""
    workbook = PreparedWorkbook()
    for sheet in SHEETS:
        dataset = datasets.get(sheet.name)
        if dataset is None or not dataset.headers or all(is_blank(header) for header in dataset.headers):
            continue
        normalise_headers(dataset)
        drop_trailing_blank_rows(dataset)
        prepared = PreparedSheet(sheet, dataset)
        _set_aside_examples(prepared)
        workbook.sheets.append(prepared)
    if workbook.is_only_examples:
        return workbook
    edition_sheet = next((prepared for prepared in workbook.sheets if prepared.sheet is EDITION_SHEET), None)
    workbook.edition_number = _edition_number(edition_sheet, workbook)
    if workbook.edition_number is None:
        return workbook
    for prepared in workbook.sheets:
        if prepared.sheet.edition_column and prepared.has_rows:
            _give_rows_the_edition(prepared, workbook.edition_number, workbook)
    return workbook
