"""Spreadsheet import and export of reported figures, and what every import resource shares.

An import either takes every row or none (one transaction). File-level problems (wrong columns,
empty file, too many rows) are refused before any row is read; row problems are reported as
"Row 17: value must be a number in yuan", numbering rows as the spreadsheet does (header = row 1).
"""

import difflib

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets
from import_export.formats.base_formats import CSV, XLSX
from import_export.results import RowResult

from editions.constraints import check_constraints
from editions.import_errors import import_error_lines, spreadsheet_row  # noqa: F401 - imported from here elsewhere
from editions.import_formats import (  # noqa: F401 - imported from here elsewhere
    IMPORT_FORMATS,
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ROWS,
    FormulaAwareXLSX,
    ImportFileError,
)
from editions.import_widgets import (
    AmountWidget,
    EditionWidget,
    MatchWidget,
    NaturalKeyInstanceLoader,
    SourcesWidget,
    TextWidget,
)
from editions.models import Metric, Qualifier, ReportedFigure, Stage
from editions.parsing import CellError, NameMatcher, choice_matcher, is_blank, reject_formula
from editions.services import record_edition_change
from editions.validators import printable
from editions.versioning import fitted_change_reason
from expoportal.exports import neutralise_row, with_byte_order_mark


def _neutralised(dataset: tablib.Dataset) -> tablib.Dataset:
    safe = tablib.Dataset(headers=dataset.headers)
    for row in dataset:
        safe.append(neutralise_row(row))
    return safe


class SafeCSV(CSV):
    """CSV export (and import template) whose text cells cannot run as formulas in a spreadsheet.

    It starts with the byte-order mark, as the public downloads do, so Excel shows the Chinese columns;
    the import reads files with or without one.
    """

    def export_data(self, dataset, **kwargs):
        return with_byte_order_mark(super().export_data(_neutralised(dataset), **kwargs))


class SafeXLSX(XLSX):
    """XLSX export whose text cells cannot run as formulas."""

    def export_data(self, dataset, **kwargs):
        return super().export_data(_neutralised(dataset), **kwargs)


EXPORT_FORMATS = [SafeCSV, SafeXLSX]


def normalise_headers(dataset: tablib.Dataset) -> None:
    """' Value ' and 'VALUE' are the column 'value'."""
    if dataset.headers:
        dataset.headers = ["" if header is None else str(header).strip().lower() for header in dataset.headers]


def drop_trailing_blank_rows(dataset: tablib.Dataset) -> None:
    while len(dataset) and all(is_blank(value) for value in dataset[len(dataset) - 1]):
        del dataset[len(dataset) - 1]


# -- widgets: each turns a cell into a value or raises CellError with a plain message ----------------


# The rows a preview shows, with the records they make.
ROWS_SHOWN = 200


class StaffResource(resources.ModelResource):
    """What every import resource shares: file checks, plain row errors, rights, history.

    Subclasses declare ``required_columns``, ``example_row`` (the template file's second row) and
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
            close = difflib.get_close_matches(unknown[0], columns, n=1)
            hint = _(" — did you mean '%(column)s'?") % {"column": close[0]} if close else ""
            raise ImportFileError(
                _("Unknown column '%(column)s'%(hint)s The columns are: %(columns)s.")
                % {"column": unknown[0], "hint": hint, "columns": listing}
            )
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
                    setattr(instance, field.attribute, field.widget.clean(row[field.column_name], row=row))
            except CellError as error:
                errors[field.attribute] = ValidationError(str(error), code="cell")
        if errors:
            raise ValidationError(errors)
        self.check_rights(instance)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # The model's check constraints, tested here so a broken one is a sentence with its row and column,
        # not the database's words (and the preview can tell without writing).
        if not import_validation_errors:
            columns = {field.attribute: field.column_name for field in self.get_import_fields()}
            check_constraints(instance, columns=columns)
        super().validate_instance(instance, import_validation_errors, validate_unique)

    def check_rights(self, instance) -> None:
        """Data entry may not touch a published edition; only editors may."""
        edition = getattr(instance, "edition", None)
        if edition is None or not edition.is_published or self.user is None:
            return
        if not self.user.has_perm("editions.publish_edition"):
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: ValidationError(
                        _("edition %(number)s is published; only editors can change its data")
                        % {"number": edition.number},
                        code="cell",
                    )
                }
            )

    def before_save_instance(self, instance, row, **kwargs):
        if self.user is not None and self.user.is_authenticated:
            instance._history_user = self.user
        if self.change_reason:
            instance._change_reason = self.change_reason


# -- reported figures --------------------------------------------------------------------------------------


STAGE_WORDS = {"闭幕": Stage.CLOSING, "开幕": Stage.OPENING, "会前": Stage.PRE_EVENT, "回顾": Stage.RETROSPECTIVE}
QUALIFIER_WORDS = {
    "超过": Qualifier.MORE_THAN,
    "more than": Qualifier.MORE_THAN,
    "约": Qualifier.ABOUT,
    "近": Qualifier.NEARLY,
    "至少": Qualifier.AT_LEAST,
}


def _metric_matcher() -> NameMatcher:
    entries = ((metric, [metric.code, metric.name_en, metric.name_zh]) for metric in Metric.objects.all())
    return NameMatcher(entries, what=_("metric"))


class ReportedFigureResource(StaffResource):
    edition = fields.Field(attribute="edition", column_name="edition", widget=EditionWidget())
    metric = fields.Field(
        attribute="metric",
        column_name="metric",
        widget=MatchWidget("metric", _metric_matcher, render_value=lambda metric: metric.code),
    )
    stage = fields.Field(
        attribute="stage",
        column_name="stage",
        widget=MatchWidget(
            "stage",
            lambda: choice_matcher(Stage, _("stage"), STAGE_WORDS),
            default=Stage.CLOSING,
        ),
    )
    value = fields.Field(
        attribute="value", column_name="value", widget=AmountWidget.for_field(ReportedFigure._meta.get_field("value"))
    )
    qualifier = fields.Field(
        attribute="qualifier",
        column_name="qualifier",
        widget=MatchWidget(
            "qualifier",
            lambda: choice_matcher(Qualifier, _("qualifier"), QUALIFIER_WORDS),
            default=Qualifier.EXACT,
        ),
    )
    sources = fields.Field(attribute="sources", column_name="sources", widget=SourcesWidget())
    note = fields.Field(
        attribute="note", column_name="note", widget=TextWidget.for_field(ReportedFigure._meta.get_field("note"))
    )

    required_columns = ("edition", "metric", "value", "sources")
    natural_key_label = gettext_lazy("edition, metric and stage")
    example_row = {
        "edition": 14,
        "metric": "participants",
        "stage": "closing",
        "value": "20000",
        "qualifier": "more_than",
        "sources": "S1",
        "note": "",
    }

    class Meta:
        model = ReportedFigure
        fields = ("edition", "metric", "stage", "value", "qualifier", "sources", "note")
        import_id_fields = ("edition", "metric", "stage")
        instance_loader_class = NaturalKeyInstanceLoader
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def get_queryset(self):
        return super().get_queryset().select_related("edition", "metric").prefetch_related("sources")

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self._changed_editions = set()
        if "stage" not in dataset.headers:
            # Part of the key, but optional: a file without stages gives closing figures.
            dataset.append_col([""] * len(dataset), header="stage")

    def after_save_instance(self, instance, row, **kwargs):
        super().after_save_instance(instance, row, **kwargs)
        self._changed_editions.add(instance.edition_id)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        # An edition form opened before the import shows the old figures, and saving it would put them back:
        # each edition whose figures changed gets a new version, so that form is refused (editions/versioning.py).
        reason = _("imported from %(file)s") % {"file": self.file_name} if self.file_name else ""
        record_edition_change(edition_ids=self._changed_editions, reason=reason, user=self.user)
