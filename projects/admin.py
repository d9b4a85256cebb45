from django import forms
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries.filters import CountryFilter

from editions.admin import EditionAdmin, RefuseDeletionInUseMixin, related_count
from editions.admin_history import HistoryAdmin
from editions.admin_imports import StaffExportMixin, StaffImportExportMixin
from editions.admin_permissions import DraftOnlyForDataEntryMixin
from editions.formatting import format_yuan
from editions.versioning import EditionRowAdminMixin, VersionCheckAdminMixin
from projects.admin_history import DeletedProjectsAdminMixin
from projects.bands import BANDS_BY_SLUG, VALUE_BANDS
from projects.forms import VersionedProjectForm
from projects.models import Project, ReportedSector, Sector
from projects.resources import ProjectResource


class ValueBandFilter(admin.SimpleListFilter):
    """The press's value bands, from projects/bands.py; an unknown band leaves the list unfiltered."""

    title = _("value band")
    parameter_name = "band"

    def lookups(self, request, model_admin):
        return [(band.slug, band.label) for band in VALUE_BANDS]

    def queryset(self, request, queryset):
        band = BANDS_BY_SLUG.get(self.value())
        return queryset.filter(band.q("value")) if band else queryset


class ReportedSectorInline(admin.TabularInline):
    model = ReportedSector
    fields = ["position", "sector", "sources"]
    autocomplete_fields = ["sector", "sources"]
    extra = 0


# The edition form lists the sectors its release names. The inline is added from this side because
# projects depend on editions and never the other way round.
EditionAdmin.inlines = [*EditionAdmin.inlines, ReportedSectorInline]


@admin.register(Sector)
class SectorAdmin(StaffExportMixin, RefuseDeletionInUseMixin, HistoryAdmin):
    list_display = ["name_en", "name_zh", "slug", "position", "project_count"]
    list_editable = ["position"]
    search_fields = ["name_en", "name_zh", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    ordering = ["position", "name_en"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(project_count=related_count(Sector, "projects"))

    @admin.display(description=_("projects"), ordering="project_count")
    def project_count(self, sector):
        return sector.project_count

    def deletion_refusal(self, sector):
        count = sector.projects.count()
        if not count:
            return None
        return ngettext(
            "The sector “%(sector)s” cannot be deleted because %(count)s project is in it. "
            "Move that project to another sector first.",
            "The sector “%(sector)s” cannot be deleted because %(count)s projects are in it. "
            "Move those projects to another sector first.",
            count,
        ) % {"sector": sector, "count": f"{count:,}"}


@admin.register(ReportedSector)
class ReportedSectorAdmin(EditionRowAdminMixin, DraftOnlyForDataEntryMixin, StaffExportMixin, admin.ModelAdmin):
    list_display = ["edition", "position", "sector"]
    list_display_links = ["edition", "sector"]
    list_filter = ["edition", "sector"]
    list_select_related = ["edition", "sector"]
    autocomplete_fields = ["edition", "sector", "sources"]
    ordering = ["-edition__number", "position"]


@admin.register(Project)
class ProjectAdmin(
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
    autocomplete_fields = ["edition", "sector", "source"]
    ordering = ["-value", "id"]
    # No date hierarchy: editions already group projects in time, and it costs two scans of the table.
    show_full_result_count = False
    list_per_page = 100
    readonly_fields = ["version", "created_at", "updated_at"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 80})}}
    fieldsets = [
        (None, {"fields": ["edition", "title", "title_zh", "sector", "kind", "status"]}),
        (_("Parties and place"), {"fields": ["scope", "partner", "parties", "parties_zh", "location"]}),
        (_("Value and date"), {"fields": ["value", "signed_on"]}),
        (_("Description"), {"fields": ["description", "description_zh"]}),
        (_("Provenance"), {"fields": ["source", "is_illustrative", "version", "created_at", "updated_at"]}),
    ]

    @admin.display(description=_("value"), ordering="value")
    def formatted_value(self, project):
        return format_yuan(project.value)

    @admin.display(description=_("value band"), ordering="value")
    def band(self, project):
        return project.band.label
