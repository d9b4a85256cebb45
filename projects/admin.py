from django import forms
from django.contrib import admin
from django.db import models
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter

from core.admin_history import HistoryAdmin
from core.admin_imports import StaffImportExportMixin
from core.formatting import format_yuan
from core.forms import STAFF_FIELD_OVERRIDES
from core.versioning import VersionCheckAdminMixin
from editions.admin_permissions import DraftOnlyForDataEntryMixin
from editions.admin_pickers import SourcePickerMixin
from projects.admin_history import DeletedProjectsAdminMixin
from projects.bands import BANDS_BY_SLUG, VALUE_BANDS
from projects.filters import holding_every_word, indexed_search
from projects.forms import VersionedProjectForm
from projects.models import Project
from projects.resources import ProjectResource
from projects.workbook.admin import WorkbookAdminMixin


class ValueBandFilter(admin.SimpleListFilter):
    """The press's value bands, from projects/bands.py; an unknown band leaves the list unfiltered."""

    title = _("value band")
    parameter_name = "band"

    def lookups(self, request, model_admin):
        return [(band.slug, band.label) for band in VALUE_BANDS]

    def queryset(self, request, queryset):
        band = BANDS_BY_SLUG.get(self.value())
        return queryset.filter(band.q("value")) if band else queryset


@admin.register(Project)
class ProjectAdmin(
    WorkbookAdminMixin,  # the edition workbook's pages
    SourcePickerMixin,
    VersionCheckAdminMixin,
    DeletedProjectsAdminMixin,
    DraftOnlyForDataEntryMixin,
    StaffImportExportMixin,
    HistoryAdmin,
):
    form = VersionedProjectForm
    resource_classes = [ProjectResource]
    list_display = [
        "title",
        "edition",
        "sector",
        "scope",
        "partner",
        "formatted_value",
        "band",
        "signed_on",
        "kind",
        "status",
        "is_illustrative",
    ]
    list_filter = [
        "edition",
        "sector",
        "scope",
        ("partner", CountryFilter),
        ValueBandFilter,
        "kind",
        "status",
        "is_illustrative",
    ]
    # Everything a row shows comes in one query, however many projects there are.
    list_select_related = ["edition", "sector"]
    search_fields = ["title", "title_zh", "parties", "parties_zh", "description", "description_zh"]
    autocomplete_fields = ["edition", "sector", "source", "generated_from"]
    ordering = ["-value", "id"]
    # No date hierarchy: editions already group projects in time, and it costs two scans of the table.
    show_full_result_count = False
    list_per_page = 100
    readonly_fields = ["version", "created_at", "updated_at"]
    formfield_overrides = {
        **STAFF_FIELD_OVERRIDES,
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 80})},
    }
    fieldsets = [
        (None, {"fields": ["edition", "title", "title_zh", "sector", "kind", "status"]}),
        (_("Parties and place"), {"fields": ["scope", "partner", "parties", "parties_zh", "location"]}),
        (_("Value and date"), {"fields": ["value", "signed_on"]}),
        (_("Description"), {"fields": ["description", "description_zh"]}),
        (
            _("Provenance"),
            {"fields": ["source", "is_illustrative", "generated_from", "version", "created_at", "updated_at"]},
        ),
    ]

    def get_search_results(self, request, queryset, search_term):
        """The public search's condition (projects.filters.holding_every_word) on the admin's own terms (words, or
        phrases in quotes): the same six columns through the same indexes, where the admin's LIKE per column is
        a read of every project on PostgreSQL, whose index holds the columns joined."""
        words = [
            unescape_string_literal(term) if term[0] in "\"'" and term[-1] == term[0] and len(term) > 1 else term
            for term in smart_split(search_term)
        ]
        if not words:
            return queryset, False
        return queryset.filter(indexed_search(words) & holding_every_word(words)), False

    @admin.display(description=_("value"), ordering="value")
    def formatted_value(self, project):
        return format_yuan(project.value)

    @admin.display(description=_("value band"), ordering="value")
    def band(self, project):
        return project.band.label
