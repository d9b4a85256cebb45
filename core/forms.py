"""What staff forms share: the upload and confirmation steps of every import, constraint sentences, and how
decimals and dates are shown."""

from decimal import Decimal
from pathlib import Path

from django import forms
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.forms import ConfirmImportForm, ImportForm

from core.constraints import constraint_errors
from core.import_files import is_import_file_name
from core.import_formats import MAX_IMPORT_BYTES, ImportFileError, read_dataset
from core.parsing import CellError, parse_amount

EXTENSIONS = {"csv": ".csv", "xlsx": ".xlsx"}


class ConstraintSentencesFormMixin:
    """A model form that words each broken constraint as core/constraints.py does, on the field it is about.

    Django's own check would say "Constraint “edition_number_positive” is violated."; here the same rules give
    "The edition number must be 1 or more: 14 for the 14th edition." next to the number.
    """

    def validate_constraints(self):
        errors = constraint_errors(self.instance, exclude=self._get_validation_exclusions())
        by_field: dict[str, list[ValidationError]] = {}
        for name, messages in errors.items():
            field = name if name in self.fields else NON_FIELD_ERRORS
            by_field.setdefault(field, []).extend(ValidationError(message, code="constraint") for message in messages)
        if by_field:
            self._update_errors(ValidationError(by_field))


class PlainDecimalField(forms.DecimalField):
    """A stored decimal shown as staff read it: a count of 52 as "52", not "52.00"; 1.5 as "1.5"; 84475000000 as
    "84,475,000,000", with the separators that make its scale readable (and that the field reads back).

    Typed as releases write amounts, too: 844.75亿, 84.475 billion, 8,447,500万 and 84,475,000,000 all read as
    84475000000, the words the imports read (core.parsing.parse_amount). A text box, since a number box would not
    let the scale words in.
    """

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            try:
                value = parse_amount(value, str(self.label or _("value")))
            except CellError as error:
                raise ValidationError(str(error), code="invalid") from error
        return super().to_python(value)

    def prepare_value(self, value):
        if isinstance(value, Decimal) and value.is_finite():
            return format(value.normalize(), ",f")
        return super().prepare_value(value)


class DateOnlyWidget(AdminDateWidget):
    """The admin's calendar without its note about the server's time zone, which speaks of times
    (static/js/admin-dates.js); the field's help speaks of dates."""

    class Media:
        # Listed with the scripts it changes, so that every merge of the page's media keeps it after them.
        extend = False
        js = ["admin/js/calendar.js", "admin/js/admin/DateTimeShortcuts.js", "js/admin-dates.js"]


DATE_HELP = gettext_lazy("A calendar date as the source gives it, such as 2023-08-23; there is no time of day.")

# The admin's fields for decimals and dates, for every staff form: ModelAdmin.formfield_overrides.
STAFF_FIELD_OVERRIDES = {
    models.DecimalField: {"form_class": PlainDecimalField},
    models.DateField: {"widget": DateOnlyWidget, "help_text": DATE_HELP},
}


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
        resource_class = self.resources[int(cleaned.get("resource") or 0)]
        try:
            dataset = read_dataset(file_format, data, upload.name)
            resource_class.check_dataset(dataset)
        except ImportFileError as error:
            raise ValidationError(str(error)) from None
        # Read once: the preview imports these rows, and the bytes are kept for the confirmation.
        self.dataset, self.content, self.extension = dataset, data, extension.removeprefix(".")
        return cleaned


class StaffConfirmImportForm(ConfirmImportForm):
    """The confirmation of a previewed import; the view refuses it unless it names a file kept for it."""

    def clean_import_file_name(self):
        name = self.cleaned_data["import_file_name"]
        if not is_import_file_name(name):
            raise ValidationError(_("This is not the name of a previewed file."))
        return name


__all__ = [
    "STAFF_FIELD_OVERRIDES",
    "ConstraintSentencesFormMixin",
    "DateOnlyWidget",
    "PlainDecimalField",
    "StaffConfirmImportForm",
    "StaffImportForm",
    "forms",
]
