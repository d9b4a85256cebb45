from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from editions.admin_imports import StaffExportMixin, StaffImportExportMixin
from editions.admin_permissions import DraftOnlyForDataEntryMixin, SourceRightsMixin
from editions.admin_publishing import PublishingAdminMixin
from editions.models import Edition, Metric, ReportedBand, ReportedFigure, Source
from editions.resources import ReportedFigureResource


@admin.register(Edition)
class EditionAdmin(PublishingAdminMixin, StaffExportMixin, SimpleHistoryAdmin):
    list_display = ["number", "year", "name_en", "status", "published_at"]
    list_filter = ["status"]


@admin.register(Source)
class SourceAdmin(SourceRightsMixin, StaffExportMixin, SimpleHistoryAdmin):
    list_display = ["key", "title", "publisher", "published_on"]
    search_fields = ["key", "title", "publisher"]


@admin.register(Metric)
class MetricAdmin(StaffExportMixin, admin.ModelAdmin):
    list_display = ["code", "name_en", "unit", "is_main"]


@admin.register(ReportedFigure)
class ReportedFigureAdmin(DraftOnlyForDataEntryMixin, StaffImportExportMixin, SimpleHistoryAdmin):
    resource_classes = [ReportedFigureResource]
    list_display = ["edition", "metric", "stage", "value", "qualifier"]
    list_filter = ["edition", "stage"]


@admin.register(ReportedBand)
class ReportedBandAdmin(DraftOnlyForDataEntryMixin, StaffExportMixin, admin.ModelAdmin):
    list_display = ["edition", "lower_yuan", "upper_yuan", "count"]
