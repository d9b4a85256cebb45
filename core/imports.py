"""What every spreadsheet import and export of staff data shares: file checks, formats, plain row errors.

An import either takes every row or none (one transaction). File-level problems (wrong columns,
empty file, too many rows) are refused before any row is read; row problems are reported as
"Row 17: value must be a number in yuan", numbering rows as the spreadsheet does (header = row 1).
"""

import difflib

import tablib
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import signals
from django.db.models.base import ModelState
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from import_export import resources, widgets
from import_export.formats.base_formats import CSV, XLSX
from import_export.results import RowResult

from core.constraints import check_constraints
from core.downloads import file_content
from core.import_errors import import_error_lines, spreadsheet_row  # noqa: F401 - imported from here elsewhere
from core.import_formats import (  # noqa: F401 - imported from here elsewhere
    IMPORT_FORMATS,
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ROWS,
    FormulaAwareXLSX,
    ImportFileError,
)
from core.import_preview import MarkedDiff
from core.parsing import CellError, is_blank, reject_formula
from core.validators import printable
from core.versioning import fitted_change_reason


class SafeCSV(CSV):
    """CSV export (and import template) written by the portal's one writer (core.downloads).

    Its text cells cannot run as formulas in a spreadsheet, and it starts with the byte-order mark, as the
    public downloads do, so Excel shows the Chinese columns; the import reads files with or without one.
    """

    def export_data(self, dataset, **kwargs):
        return file_content("csv", dataset.headers or [], dataset)


class SafeXLSX(XLSX):
    """XLSX export (and import template) written by the portal's one writer: no cell runs as a formula."""

    def export_data(self, dataset, **kwargs):
        return file_content("xlsx", dataset.headers or [], dataset, title=dataset.title or "")


EXPORT_FORMATS = [SafeCSV, SafeXLSX]


def normalise_headers(dataset: tablib.Dataset) -> None:
    """' Value ' and 'VALUE' are the column 'value'."""
    if dataset.headers:
        dataset.headers = ["" if header is None else str(header).strip().lower() for header in dataset.headers]


def drop_trailing_blank_rows(dataset: tablib.Dataset) -> None:
    while len(dataset) and all(is_blank(value) for value in dataset[len(dataset) - 1]):
        del dataset[len(dataset) - 1]


def unknown_columns_message(unknown: list[str], columns: list[str]) -> str:
    """Every unknown column at once, each with the column it most likely meant, or the advice to remove it."""
    taken = [column for column in columns if column not in unknown]
    described = []
    for header in unknown:
        close = difflib.get_close_matches(header, taken, n=1) or difflib.get_close_matches(
            header.replace(" ", "_"), taken, n=1
        )
        if close:
            described.append(
                _("'%(column)s' (did you mean '%(suggestion)s'?)") % {"column": header, "suggestion": close[0]}
            )
        else:
            described.append(_("'%(column)s' (no such column: rename or remove it)") % {"column": header})
    message = ngettext(
        "Unknown column %(unknown)s. The columns are: %(columns)s.",
        "Unknown columns %(unknown)s. The columns are: %(columns)s.",
        len(unknown),
    )
    return message % {"unknown": ", ".join(described), "columns": ", ".join(columns)}


# The edition number of every template's example row: no edition can have it (edition_number_positive), and
# the edition column refuses it with a sentence, so a template uploaded untouched imports nothing.
EXAMPLE_EDITION = 0


# The rows a preview shows, with the records they make.
ROWS_SHOWN = 200


def _new_record_values(model) -> dict | bool:
    """The attributes of a new record of the model, or False where each must be made by the model itself."""
    if signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model):
        return False
    if any(field.has_default() and callable(field.default) for field in model._meta.concrete_fields):
        return False
    return {name: value for name, value in model().__dict__.items() if name != "_state"}


def _foreign_key_setter(model, name: str):
    """For a plain foreign key of the model (to the related model's primary key), what sets it to a record
    or None; None for any other attribute."""
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if not (model_field.many_to_one and model_field.concrete) or model_field.target_field.primary_key is False:
        return None
    related, attname = model_field.related_model, model_field.attname

    def set_foreign_key(instance, value):
        if value is not None and type(value) is not related:
            setattr(instance, name, value)  # the descriptor says what is wrong with it
            return
        instance.__dict__[attname] = None if value is None else value.pk
        model_field.set_cached_value(instance, value)

    return set_foreign_key


class StaffResource(resources.ModelResource):
    """What every import resource shares: file checks, plain row errors, a rights hook, history.

    Subclasses declare ``required_columns``, ``example_row`` (the template file's second row, whose edition is
    ``EXAMPLE_EDITION``) and
    ``natural_key_label`` (for duplicate rows in one file).
    """

    required_columns: tuple[str, ...] = ()
    example_row: dict[str, object] = {}
    natural_key_label = gettext_lazy("the same key")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.user = None
        self.file_name = None
        self.change_reason = ""
        self.dry_run = True
        self._seen_keys: dict[tuple, int] = {}
        self._import_fields = None
        self._new_record_values = None

    def import_data(self, dataset, dry_run=False, *args, **kwargs):
        # Kept for the hooks that are not told: the loader locks what a real import may change, for one.
        self.dry_run = dry_run
        return super().import_data(dataset, dry_run, *args, **kwargs)

    def get_import_fields(self):
        # Asked several times for every row; the fields do not change during an import.
        if self._import_fields is None:
            self._import_fields = super().get_import_fields()
        return self._import_fields

    def recorded_values(self, instance) -> tuple:
        """The values of the record's imported columns, as stored: a row that leaves them alone is skipped."""
        if not hasattr(self, "_recorded_attnames"):
            model_fields = [
                self._meta.model._meta.get_field(field.attribute)
                for field in self.get_import_fields()
                if field.attribute and not isinstance(field.widget, widgets.ManyToManyWidget)
            ]
            self._recorded_attnames = [model_field.attname for model_field in model_fields]
        return tuple(instance.__dict__.get(attname) for attname in self._recorded_attnames)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if not self._meta.skip_diff:
            return super().skip_row(instance, original, row, import_validation_errors)
        # Without a diff the library cannot compare; the record remembers what it was read with.
        if not self._meta.skip_unchanged or import_validation_errors or instance.pk is None:
            return False
        return getattr(instance, "_imported_values", None) == self.recorded_values(instance)

    def get_diff_class(self):
        return MarkedDiff  # the preview's changes without the inline styles the CSP blocks

    # file level

    @classmethod
    def columns(cls) -> list[str]:
        return [field.column_name for field in cls().get_import_fields()]

    @classmethod
    def check_dataset(cls, dataset: tablib.Dataset) -> None:
        """Refuse files that cannot be imported at all, with a message saying why and what to do."""
        columns = cls.columns()
        listing = ", ".join(columns)
        if not dataset.headers or all(is_blank(header) for header in dataset.headers):
            raise ImportFileError(_("The file is empty: it needs a header row and at least one row of data."))
        normalise_headers(dataset)
        drop_trailing_blank_rows(dataset)
        headers = [header for header in dataset.headers if header]
        duplicated = sorted({header for header in headers if headers.count(header) > 1})
        if duplicated:
            raise ImportFileError(_("The column '%(column)s' appears more than once.") % {"column": duplicated[0]})
        unknown = [header for header in headers if header not in columns]
        if unknown:
            raise ImportFileError(unknown_columns_message(unknown, columns))
        missing = [column for column in cls.required_columns if column not in headers]
        if missing:
            raise ImportFileError(
                _("The file has no column '%(column)s'. Required columns: %(required)s; all columns: %(columns)s.")
                % {"column": missing[0], "required": ", ".join(cls.required_columns), "columns": listing}
            )
        if len(dataset) == 0:
            raise ImportFileError(_("The file has a header row but no data rows."))
        if len(dataset) > MAX_IMPORT_ROWS:
            raise ImportFileError(
                _("The file has %(rows)s rows; at most %(max)s can be imported at once. Split it into smaller files.")
                % {"rows": f"{len(dataset):,}", "max": f"{MAX_IMPORT_ROWS:,}"}
            )

    @classmethod
    def template_dataset(cls) -> tablib.Dataset:
        """The headers and one example row: the file staff download and fill in."""
        columns = cls.columns()
        dataset = tablib.Dataset(headers=columns)
        dataset.append([cls.example_row.get(column, "") for column in columns])
        return dataset

    def before_import(self, dataset, **kwargs):
        self.user = kwargs.get("user")
        # The name comes from the upload, or back from the confirmation form: text like any other.
        self.file_name = printable(str(kwargs.get("file_name") or "")) or None
        self.change_reason = ""
        if self.file_name:
            reason = _("imported from %(file)s") % {"file": self.file_name}
            self.change_reason = fitted_change_reason(self._meta.model, [reason])
        self.check_dataset(dataset)

    # row level

    def import_row(self, row, instance_loader, **kwargs):
        if all(is_blank(value) for value in row.values()):
            result = self.get_row_result_class()()
            result.import_type = RowResult.IMPORT_TYPE_SKIP
            return result
        result = super().import_row(row, instance_loader, **kwargs)
        if kwargs.get("row_number", 0) > ROWS_SHOWN:
            # Only the rows the preview shows need their record; holding twenty thousand slows everything.
            result.instance = None
        return result

    def before_import_row(self, row, **kwargs):
        formulas = {}
        for column, value in row.items():
            try:
                reject_formula(value, column)
            except CellError as error:
                formulas[column] = ValidationError(str(error), code="cell")
        if formulas:
            raise ValidationError(formulas)
        key = self.natural_key(row)
        if key is not None:
            number = spreadsheet_row(kwargs["row_number"])
            if key in self._seen_keys:
                raise ValidationError(
                    _("same %(key)s as row %(row)s; each may appear only once in a file")
                    % {"key": self.natural_key_label, "row": self._seen_keys[key]},
                    code="cell",
                )
            self._seen_keys[key] = number

    def natural_key(self, row) -> tuple | None:
        """The row's identity as written, for spotting the same thing twice in one file."""
        values = tuple(
            str(row.get(self.fields[name].column_name) or "").strip().lower() for name in self._meta.import_id_fields
        )
        return values if any(values) else None

    def get_instance(self, instance_loader, row):
        # A key cell that cannot be read (unknown edition) is reported by import_instance as a plain
        # row error; here it only means "no existing record".
        try:
            return super().get_instance(instance_loader, row)
        except CellError:
            return None

    def init_instance(self, row=None):
        # A new record as the model makes it, copied from one made once per import: made from the field
        # defaults each time it took a fifth of a row's work. Only where nothing could tell them apart (no
        # default computed per record, nobody listening for new instances).
        model = self._meta.model
        if self._new_record_values is None:
            self._new_record_values = _new_record_values(model)
        if self._new_record_values is False:
            return model()
        instance = model.__new__(model)
        instance.__dict__.update(self._new_record_values)
        instance._state = ModelState()
        return instance

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        for field in self.get_import_fields():
            if field.column_name not in row:
                continue
            try:
                if isinstance(field.widget, widgets.ManyToManyWidget):
                    field.clean(row)  # checked now, saved after the row itself
                else:
                    # What Field.save does for these plain attributes, without its logging for every cell.
                    self._setter(field)(instance, field.widget.clean(row[field.column_name], row=row))
            except CellError as error:
                errors[field.attribute] = ValidationError(str(error), code="cell")
        if errors:
            raise ValidationError(errors)
        self.check_rights(instance)

    def _setter(self, field):
        """What sets the field's value on a record: setattr, or for a foreign key (whose cell the widget has
        already turned into a record of the right model) the key and the cached record directly, as setattr
        does after checks that cost a tenth of a row's work."""
        setters = self.__dict__.setdefault("_setters", {})
        if field.attribute not in setters:
            setters[field.attribute] = _foreign_key_setter(self._meta.model, field.attribute) or (
                lambda instance, value, name=field.attribute: setattr(instance, name, value)
            )
        return setters[field.attribute]

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # The model's check constraints, tested here so a broken one is a sentence with its row and column,
        # not the database's words (and the preview can tell without writing).
        if not import_validation_errors:
            columns = {field.attribute: field.column_name for field in self.get_import_fields()}
            check_constraints(instance, columns=columns)
        super().validate_instance(instance, import_validation_errors, validate_unique)

    def check_rights(self, instance) -> None:
        """Raise a ValidationError when the importing user may not write this row (see the editions resources)."""

    def before_save_instance(self, instance, row, **kwargs):
        if self.user is not None and self.user.is_authenticated:
            instance._history_user = self.user
        if self.change_reason:
            instance._change_reason = self.change_reason
