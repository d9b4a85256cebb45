"""Spreadsheet import and export of signed projects.

A project is known by its edition and title: importing the same file twice changes nothing.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields

from core.bulk_imports import BulkWritesMixin
from core.import_widgets import AmountWidget, BoolWidget, DateWidget, MatchWidget, NaturalKeyInstanceLoader, TextWidget
from core.imports import EXAMPLE_EDITION
from core.parsing import CellError, choice_matcher, country_matcher
from editions.import_widgets import EditionWidget, SourceWidget, sector_matcher
from editions.models import Sector
from editions.resources import EditionDataResource
from projects.models import PROJECT_FIELDS, Project, ProjectKind, ProjectStatus, Scope
from projects.services import projects_imported


class CountryWidget(MatchWidget):
    def clean(self, value, row=None, **kwargs):
        return super().clean(value, row, **kwargs) or ""

    def render(self, value, obj=None, **kwargs):
        return getattr(value, "code", value) or ""


SCOPE_WORDS = {"国际": Scope.INTERNATIONAL, "foreign": Scope.INTERNATIONAL, "国内": Scope.DOMESTIC}
KIND_WORDS = {"合同": ProjectKind.CONTRACT, "协议": ProjectKind.AGREEMENT, "意向": ProjectKind.INTENT}


def _field(name: str, widget, column: str | None = None) -> fields.Field:
    return fields.Field(attribute=name, column_name=column or name, widget=widget)


def _text(name: str, **kwargs) -> fields.Field:
    return _field(name, TextWidget.for_field(Project._meta.get_field(name), **kwargs))


class ProjectResource(BulkWritesMixin, EditionDataResource):
    edition = _field("edition", EditionWidget())
    title = _text("title", required=True)
    title_zh = _text("title_zh")
    sector = _field(
        "sector",
        MatchWidget("sector", lambda: sector_matcher(Sector.objects.all()), render_value=lambda sector: sector.name_en),
    )
    value = _field("value", AmountWidget.for_field(Project._meta.get_field("value"), unit_words=gettext_lazy("yuan")))
    scope = _field(
        "scope", MatchWidget("scope", lambda: choice_matcher(Scope, _("scope"), SCOPE_WORDS), required=False)
    )
    partner = _field("partner", CountryWidget("partner", country_matcher, required=False))
    parties = _text("parties")
    parties_zh = _text("parties_zh")
    location = _text("location")
    signed_on = _field("signed_on", DateWidget("signed_on"))
    kind = _field(
        "kind",
        MatchWidget("kind", lambda: choice_matcher(ProjectKind, _("kind"), KIND_WORDS), default=ProjectKind.CONTRACT),
    )
    status = _field(
        "status",
        MatchWidget("status", lambda: choice_matcher(ProjectStatus, _("status")), default=ProjectStatus.SIGNED),
    )
    source = _field("source", SourceWidget())
    is_illustrative = _field("is_illustrative", BoolWidget("is_illustrative"))
    generated_from = _field("generated_from", SourceWidget("generated_from"))
    description = _text("description")
    description_zh = _text("description_zh")

    required_columns = ("edition", "title", "sector", "value")
    natural_key_label = gettext_lazy("edition and title")
    example_row = {
        "edition": EXAMPLE_EDITION,
        "title": "Wind farm phase 2",
        "title_zh": "风电场二期",
        "sector": "New energy",
        "value": "1.5亿",
        "scope": "international",
        "partner": "Russia",
        "parties": "Jilin Energy Group; Northeast Power Co.",
        "location": "Changchun",
        "signed_on": "2023-08-23",
        "kind": "contract",
        "status": "signed",
        "source": "S1",
        "is_illustrative": "no",
        "description": "Example row (edition 0): replace it with your own projects.",
    }

    class Meta:
        model = Project
        fields = PROJECT_FIELDS
        import_id_fields = ("edition", "title")
        instance_loader_class = NaturalKeyInstanceLoader
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        # Rows are written a thousand at a time with their history (core/bulk_imports.py), compared
        # with what was read instead of with a copy of each record, and kept for the preview and the log.
        use_bulk = True
        batch_size = 1000
        skip_diff = True
        store_instance = True

    def get_queryset(self):
        return super().get_queryset().select_related("edition", "sector", "source", "generated_from")

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        # An empty scope follows the partner: a partner country makes a project international.
        if "scope" not in row or not str(row.get("scope") or "").strip():
            instance.scope = Scope.INTERNATIONAL if instance.__dict__.get("partner") else Scope.DOMESTIC

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self._changed_editions = set()

    def before_save_instance(self, instance, row, **kwargs):
        super().before_save_instance(instance, row, **kwargs)
        if instance.pk:
            # An import is a save like any other: forms opened before it are now out of date.
            instance.version += 1

    def after_save_instance(self, instance, row, **kwargs):
        super().after_save_instance(instance, row, **kwargs)
        # A project's edition is part of its key: a row never moves a project out of another edition.
        self._changed_editions.add(instance.edition_id)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if not self.dry_run and self._changed_editions and not result.has_errors():
            projects_imported(self._changed_editions)


__all__ = ["CellError", "ProjectResource"]
