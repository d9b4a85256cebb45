"""The workbook template: every sheet's columns with its example row, and the Help sheet.

The example rows name edition 0 and source S0, which no record may have: the workbook import ignores them,
so the template uploaded untouched imports nothing.
"""

import io
import zipfile

import tablib

from core.downloads import file_content, spreadsheet_cell
from projects.workbook.help import HELP_HEADERS, help_rows
from projects.workbook.sheets import HELP_SHEET, SHEETS


def sheet_datasets() -> list[tablib.Dataset]:
    """The Help sheet, then each sheet's header and example row."""
    columns = {sheet.name: sheet.resource_class.columns() for sheet in SHEETS}
    required = {sheet.name: sheet.resource_class.required_columns for sheet in SHEETS}
    help_sheet = tablib.Dataset(*help_rows(columns, required), headers=HELP_HEADERS, title=HELP_SHEET)
    datasets = [help_sheet]
    for sheet in SHEETS:
        dataset = sheet.resource_class.template_dataset()
        dataset.title = sheet.name
        datasets.append(dataset)
    return datasets


def template_xlsx() -> bytes:
    """One XLSX file: the Help sheet first, then the data sheets; no cell runs as a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for dataset in sheet_datasets():
        sheet = book.create_sheet(dataset.title)
        sheet.freeze_panes = "A2"
        heading = [WriteOnlyCell(sheet, value=spreadsheet_cell(name)) for name in dataset.headers]
        for cell in heading:
            cell.font = bold
        sheet.append(heading)
        for row in dataset:
            sheet.append([spreadsheet_cell(value) for value in row])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def template_zip() -> bytes:
    """The same sheets as CSV files (UTF-8 with a byte-order mark) in one zip: Edition.csv, Figures.csv, …"""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for dataset in sheet_datasets():
            archive.writestr(f"{dataset.title}.csv", file_content("csv", dataset.headers, dataset))
    return output.getvalue()
