"""Reading an import file into rows: the formats staff may upload and the limits on what is read.

A file that cannot be read at all raises ``ImportFileError`` with a sentence saying why and what to do.
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from io import BytesIO

import tablib
from django.utils.translation import gettext as _
from import_export.formats.base_formats import CSV, XLSX
from openpyxl.utils import get_column_letter

from core.parsing import is_blank

MAX_IMPORT_ROWS = 20_000
MAX_IMPORT_BYTES = 20 * 1024 * 1024
# An XLSX file is a zip: what it unpacks to, not its size, is what reading it costs.
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
# Rows times columns a sheet may have: every column of the widest import, with some to spare. Reading
# costs by the cell, and one very wide row is read whole before its length can be seen.
MAX_IMPORT_COLUMNS = 20
MAX_IMPORT_CELLS = MAX_IMPORT_ROWS * MAX_IMPORT_COLUMNS
# A cell element in a sheet's XML (<c ...>, with any namespace prefix), but not <col> or <cfRule>.
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_SHARED_STRING_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")


class ImportFileError(Exception):
    """A file that cannot be imported at all; the message is shown to staff as it is."""


def _too_many_rows() -> ImportFileError:
    return ImportFileError(
        _("The file has more than %(max)s rows; at most %(max)s can be imported at once. Split it into smaller files.")
        % {"max": f"{MAX_IMPORT_ROWS:,}"}
    )


def _too_many_cells() -> ImportFileError:
    return ImportFileError(
        _(
            "The sheet has more than %(max)s cells; an import takes at most %(rows)s rows of up to %(columns)s "
            "columns. Delete the empty rows and columns around the data and save the file again, or split it "
            "into smaller files."
        )
        % {"max": f"{MAX_IMPORT_CELLS:,}", "rows": f"{MAX_IMPORT_ROWS:,}", "columns": MAX_IMPORT_COLUMNS}
    )


def collect_rows(rows: Iterable[Sequence]) -> tablib.Dataset:
    """The header and the data rows of a file, read one by one and no further than one row past the limit.

    Short rows are padded to the header's width. Empty rows count where data follows them (so row numbers
    stay the spreadsheet's) and not at the end; a file that goes on past the limit, empty or not, is refused.
    """
    rows = iter(rows)
    dataset = tablib.Dataset()
    header = next(rows, None)
    if header is None:
        return dataset
    headers = list(header)
    width = len(headers)
    data, empty = [], []
    for number, values in enumerate(rows, start=2):
        values = list(values)
        if len(values) > width:
            extra = next((index for index, value in enumerate(values[width:], width) if not is_blank(value)), None)
            if extra is not None:
                raise ImportFileError(
                    _(
                        "Row %(row)s has a value in column %(column)s, which has no header. Give the column a "
                        "header or delete the value."
                    )
                    % {"row": number, "column": get_column_letter(extra + 1)}
                )
            values = values[:width]
        values += [None] * (width - len(values))
        if all(is_blank(value) for value in values):
            empty.append(values)
            if len(data) + len(empty) > 2 * MAX_IMPORT_ROWS:
                raise _too_many_rows()
            continue
        data += empty
        empty = []
        data.append(values)
        if len(data) > MAX_IMPORT_ROWS:
            raise _too_many_rows()
    dataset.headers = headers
    dataset.extend(data)
    return dataset


class StreamingCSV(CSV):
    """CSV read row by row, stopping one row past the limit."""

    def create_dataset(self, in_stream):
        if isinstance(in_stream, bytes):
            in_stream = in_stream.decode(self.encoding or "utf-8-sig")
        return collect_rows(csv.reader(io.StringIO(in_stream)))


class FormulaAwareXLSX(XLSX):
    """The active sheet read row by row (openpyxl's read-only mode), with formulas as their text.

    Formulas come as their text ("=SUM(B2:B9)") so the import can refuse them: the stock reader returns a
    formula's cached result, which is missing in files written by tools other than Excel and silently wrong
    when the formula refers to another file. Before anything is parsed, a file is refused when it unpacks
    to too much, or when its sheet says (its size) or shows (its cells) that it is too large; rows are then
    read whatever size the sheet claims, and no further than one past the limit.
    """

    def create_dataset(self, in_stream):
        import openpyxl

        check_xlsx_archive(in_stream)
        book = openpyxl.load_workbook(BytesIO(in_stream), read_only=True, data_only=False)
        try:
            return sheet_dataset(book.active)
        finally:
            book.close()


def check_xlsx_archive(in_stream: bytes) -> None:
    """Refuse an XLSX file that unpacks to too much, or holds a sheet or string table of too many cells."""
    archive = zipfile.ZipFile(BytesIO(in_stream))
    unpacked = sum(item.file_size for item in archive.infolist())
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError(
            _(
                "The file unpacks to %(size)s MB; at most %(max)s MB can be imported at once. "
                "Split it into smaller files."
            )
            % {"size": unpacked // 2**20, "max": MAX_UNPACKED_BYTES // 2**20}
        )
    # openpyxl reads the whole table of shared strings before the first row, and a sheet without a stated
    # size whole before it knows there is none: counted first, each may hold no more cells than an import.
    for item in archive.infolist():
        name = item.filename.lower()
        if name.endswith("sharedstrings.xml"):
            tag = _SHARED_STRING_TAG
        elif "worksheets/" in name and name.endswith(".xml"):
            tag = _CELL_TAG
        else:
            continue
        if len(tag.findall(archive.read(item))) > MAX_IMPORT_CELLS:
            raise _too_many_cells()


def sheet_dataset(sheet) -> tablib.Dataset:
    """The rows of one sheet of a workbook opened read-only, within the limits of an import."""
    _check_declared_size(sheet)
    # Rows past a size that is too small are read too, not silently dropped.
    sheet.reset_dimensions()
    return collect_rows(sheet.iter_rows(values_only=True))


def _check_declared_size(sheet) -> None:
    if sheet.max_row is None or sheet.max_column is None:
        return
    rows = sheet.max_row - sheet.min_row
    if rows > MAX_IMPORT_ROWS:
        raise ImportFileError(
            _(
                "The sheet says it has %(rows)s rows below the header (its size is %(size)s); at most %(max)s can "
                "be imported at once. If the rows below your data are empty, delete them and save the file again; "
                "otherwise split it into smaller files."
            )
            % {"rows": f"{rows:,}", "size": sheet.calculate_dimension(), "max": f"{MAX_IMPORT_ROWS:,}"}
        )
    if (rows + 1) * (sheet.max_column - sheet.min_column + 1) > MAX_IMPORT_CELLS:
        raise _too_many_cells()


IMPORT_FORMATS = [StreamingCSV, FormulaAwareXLSX]


def format_for_extension(extension: str) -> int | None:
    """The index in IMPORT_FORMATS of the format that reads files ending in `extension` ("csv", "xlsx")."""
    for index, file_format in enumerate(IMPORT_FORMATS):
        if file_format().get_extension() == extension:
            return index
    return None


def read_dataset(file_format, data: bytes, name: str) -> tablib.Dataset:
    """The rows of an uploaded file, or ImportFileError saying why it cannot be read."""
    try:
        if file_format.is_binary():
            return file_format.create_dataset(data)
        return file_format.create_dataset(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ImportFileError(
            _("The CSV file is not in UTF-8. In Excel, save it as 'CSV UTF-8', or save it as .xlsx.")
        ) from None
    except ImportFileError:
        raise
    except Exception:  # every reader fails in its own way on a damaged or mislabelled file
        raise ImportFileError(
            _("'%(name)s' could not be read as %(format)s. Is it really a %(format)s file?")
            % {"name": name, "format": file_format.get_title()}
        ) from None
