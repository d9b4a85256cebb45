from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from editions.admin_imports import StaffExportMixin, StaffImportExportMixin
from editions.admin_permissions import DraftOnlyForDataEntryMixin
from projects.admin_conflicts import VersionCheckAdminMixin
from projects.admin_history import DeletedProjectsAdminMixin
from projects.models import Project, ReportedSector, Sector
from projects.resources import ProjectResource


@admin.register(Project)
class ProjectAdmin(
    VersionCheckAdminMixin,
    DeletedProjectsAdminMixin,
    DraftOnlyForDataEntryMixin,
    StaffImportExportMixin,
    SimpleHistoryAdmin,
):
    resource_classes = [ProjectResource]
    list_display = ["title", "edition", "sector", "value", "scope", "partner"]
    list_filter = ["edition", "sector", "scope"]
    search_fields = ["title", "title_zh"]


@admin.register(Sector)
class SectorAdmin(StaffExportMixin, SimpleHistoryAdmin):
    list_display = ["name_en", "name_zh", "slug", "position"]


@admin.register(ReportedSector)
class ReportedSectorAdmin(DraftOnlyForDataEntryMixin, StaffExportMixin, admin.ModelAdmin):
    list_display = ["edition", "sector", "position"]
