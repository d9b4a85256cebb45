"""Reading an uploaded workbook into one dataset per sheet, within the limits of every import.

An XLSX file's tabs, or a zip's CSV files, are named like the sheets (Edition, Sources, Figures, Bands,
Sectors, Projects; the Help sheet is skipped). A file that cannot be read, or names a sheet the workbook has
not, raises ImportFileError with a sentence; each sheet is then held to the row and cell limits of one import.
"""

import zipfile
from io import BytesIO
from pathlib import PurePosixPath

import tablib
from django.utils.translation import gettext as _

from core.import_formats import (
    MAX_IMPORT_BYTES,
    MAX_UNPACKED_BYTES,
    ImportFileError,
    StreamingCSV,
    check_xlsx_archive,
    read_dataset,
    sheet_dataset,
)
from projects.workbook.sheets import HELP_SHEET, SHEET_NAMES, sheet_named

EXTENSIONS = ("xlsx", "zip")
# More files than sheets in a zip is a zip of something else.
MAX_ZIP_MEMBERS = 20


def extension_of_upload(name: str) -> str:
    return PurePosixPath(str(name or "")).suffix.lower().removeprefix(".")


def _unknown_sheet(name: str) -> ImportFileError:
    return ImportFileError(
        _("The workbook has a sheet '%(name)s'; its sheets are named %(sheets)s (and Help, which is skipped).")
        % {"name": name, "sheets": ", ".join(SHEET_NAMES)}
    )


def _too_large(size: int) -> ImportFileError:
    return ImportFileError(
        _("The file is %(size)s MB; at most %(max)s MB can be imported at once. Split it into smaller files.")
        % {"size": size // 2**20, "max": MAX_IMPORT_BYTES // 2**20}
    )


def read_workbook(data: bytes, name: str) -> dict[str, tablib.Dataset]:
    """The rows of each sheet the file has, by sheet name, in the file's order."""
    if len(data) > MAX_IMPORT_BYTES:
        raise _too_large(len(data))
    extension = extension_of_upload(name)
    if extension not in EXTENSIONS:
        raise ImportFileError(
            _("'%(name)s' is not an XLSX workbook or a zip of CSV files. Save it as .xlsx, or zip the CSV files.")
            % {"name": name}
        )
    try:
        return _read_xlsx(data) if extension == "xlsx" else _read_zip(data)
    except ImportFileError:
        raise
    except Exception:  # every reader fails in its own way on a damaged or mislabelled file
        raise ImportFileError(
            _("'%(name)s' could not be read as %(format)s. Is it really a %(format)s file?")
            % {"name": name, "format": extension.upper()}
        ) from None


def _read_xlsx(data: bytes) -> dict[str, tablib.Dataset]:
    import openpyxl

    check_xlsx_archive(data)
    book = openpyxl.load_workbook(BytesIO(data), read_only=True, data_only=False)
    try:
        datasets = {}
        for tab in book.worksheets:
            if tab.title.strip().casefold() == HELP_SHEET.casefold():
                continue
            sheet = sheet_named(tab.title)
            if sheet is None:
                raise _unknown_sheet(tab.title)
            if sheet.name in datasets:
                raise ImportFileError(_("The workbook has two sheets named %(name)s.") % {"name": sheet.name})
            try:
                datasets[sheet.name] = sheet_dataset(tab)
            except ImportFileError as error:
                raise ImportFileError(f"{tab.title}: {error}") from None
        return datasets
    finally:
        book.close()


def _read_zip(data: bytes) -> dict[str, tablib.Dataset]:
    archive = zipfile.ZipFile(BytesIO(data))
    members = [
        item
        for item in archive.infolist()
        if not item.is_dir() and not item.filename.startswith("__MACOSX/") and not item.filename.endswith(".DS_Store")
    ]
    if len(members) > MAX_ZIP_MEMBERS:
        raise ImportFileError(
            _("The zip holds %(count)s files; a workbook is at most one CSV file per sheet: %(sheets)s.")
            % {"count": len(members), "sheets": ", ".join(SHEET_NAMES)}
        )
    unpacked = sum(item.file_size for item in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError(
            _(
                "The file unpacks to %(size)s MB; at most %(max)s MB can be imported at once. "
                "Split it into smaller files."
            )
            % {"size": unpacked // 2**20, "max": MAX_UNPACKED_BYTES // 2**20}
        )
    datasets = {}
    for item in members:
        path = PurePosixPath(item.filename)
        if path.suffix.lower() != ".csv":
            raise ImportFileError(
                _("The zip holds '%(name)s'; it may hold only CSV files named like the sheets: %(sheets)s.")
                % {"name": path.name, "sheets": ", ".join(f"{name}.csv" for name in SHEET_NAMES)}
            )
        if path.stem.strip().casefold() == HELP_SHEET.casefold():
            continue
        sheet = sheet_named(path.stem)
        if sheet is None:
            raise _unknown_sheet(path.stem)
        if sheet.name in datasets:
            raise ImportFileError(_("The workbook has two sheets named %(name)s.") % {"name": sheet.name})
        # Read no more than the member says it holds: a zip may lie about sizes.
        with archive.open(item) as member:
            content = member.read(item.file_size + 1)
        if len(content) > item.file_size:
            raise ImportFileError(_("The zip file is damaged. Zip the CSV files again."))
        try:
            datasets[sheet.name] = read_dataset(StreamingCSV(), content, path.name)
        except ImportFileError as error:
            raise ImportFileError(f"{path.name}: {error}") from None
    return datasets
