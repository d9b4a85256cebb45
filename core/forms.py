"""The upload step of every staff import."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export.forms import ImportForm

from core.imports import MAX_IMPORT_BYTES, ImportFileError

EXTENSIONS = {"csv": ".csv", "xlsx": ".xlsx"}


class StaffImportForm(ImportForm):
    """The upload step of an import: the file is read and its columns checked before any row is.

    The format follows the file's extension; anything but .csv and .xlsx is refused.
    """

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.formats, self.resources = formats, resources
        self.fields["format"].required = False
        self.fields["format"].help_text = _("Chosen from the file's extension when left empty.")
        self.fields["import_file"].help_text = _("A .csv (UTF-8) or .xlsx file with a header row.")

    def _format_index(self, extension: str) -> int | None:
        for index, file_format in enumerate(self.formats):
            if f".{file_format().get_extension()}" == extension:
                return index
        return None

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("import_file")
        if upload is None:
            return cleaned
        extension = Path(upload.name).suffix.lower()
        index = self._format_index(extension)
        if index is None:
            raise ValidationError(
                _("'%(name)s' is not a CSV or XLSX file. Save the spreadsheet as .xlsx or as CSV (UTF-8).")
                % {"name": upload.name}
            )
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(
                _("The file is %(size)s MB; at most %(max)s MB can be imported at once. Split it into smaller files.")
                % {"size": upload.size // 2**20, "max": MAX_IMPORT_BYTES // 2**20}
            )
        cleaned["format"] = str(index)
        file_format = self.formats[index]()
        data = b"".join(upload.chunks())
        try:
            if file_format.is_binary():
                dataset = file_format.create_dataset(data)
            else:
                dataset = file_format.create_dataset(data.decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise ValidationError(
                _("The CSV file is not in UTF-8. In Excel, save it as 'CSV UTF-8', or save it as .xlsx.")
            ) from None
        except Exception:  # every reader fails in its own way on a damaged or mislabelled file
            raise ValidationError(
                _("'%(name)s' could not be read as %(format)s. Is it really a %(format)s file?")
                % {"name": upload.name, "format": file_format.get_title()}
            ) from None
        resource_class = self.resources[int(cleaned.get("resource") or 0)]
        try:
            resource_class.check_dataset(dataset)
        except ImportFileError as error:
            raise ValidationError(str(error)) from None
        upload.seek(0)
        return cleaned
