"""Reading an import file into rows: the formats staff may upload and the limits on what is read.

A file that cannot be read at all raises ``ImportFileError`` with a sentence saying why and what to do.
"""

from io import BytesIO

import tablib
from django.utils.translation import gettext as _
from import_export.formats.base_formats import CSV, XLSX

MAX_IMPORT_ROWS = 20_000
MAX_IMPORT_BYTES = 20 * 1024 * 1024


class ImportFileError(Exception):
    """A file that cannot be imported at all; the message is shown to staff as it is."""


class FormulaAwareXLSX(XLSX):
    """Reads formulas as their text ("=SUM(B2:B9)") so the import can refuse them.

    The stock reader returns a formula's cached result, which is missing in files written by tools
    other than Excel and silently wrong when the formula refers to another file.
    """

    def create_dataset(self, in_stream):
        import openpyxl

        book = openpyxl.load_workbook(BytesIO(in_stream), read_only=True, data_only=False)
        sheet = book.active
        dataset = tablib.Dataset()
        rows = sheet.iter_rows(values_only=True)
        try:
            dataset.headers = list(next(rows))
        except StopIteration:
            return dataset
        width = len(dataset.headers)
        for values in rows:
            values = list(values)[:width]
            dataset.append(values + [None] * (width - len(values)))
        book.close()
        return dataset


IMPORT_FORMATS = [CSV, FormulaAwareXLSX]


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
