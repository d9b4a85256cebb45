from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin_history import HistoryAdmin
from core.admin_imports import StaffExportMixin, StaffImportExportMixin
from core.admin_mixins import RefuseDeletionInUseMixin, delete_selected, related_count
from core.forms import STAFF_FIELD_OVERRIDES, ConstraintSentencesFormMixin
from core.versioning import VersionCheckAdminMixin, VersionedModelForm
from editions.admin_permissions import DraftOnlyForDataEntryMixin, SourceRightsMixin
from editions.admin_pickers import (
    NATURAL_KEY_ORDER,
    SourcePickerMixin,
    edition_number_first,
    edition_search_term,
    source_autocomplete_urls,
    source_key_first,
)
from editions.admin_publishing import PublishingAdminMixin
from editions.admin_rows import EditionRowAdminMixin
from editions.citations import check_note
from editions.models import Edition, EditionStatus, Metric, ReportedBand, ReportedFigure, ReportedSector, Sector, Source
from editions.reference_resources import EditionResource, MetricResource, SourceResource
from editions.resources import ReportedBandResource, ReportedFigureResource, ReportedSectorResource

# Compact text boxes for notes inside tabular inlines; decimals and dates as every staff form shows them.
SMALL_TEXTAREA = {**STAFF_FIELD_OVERRIDES, models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 30})}}


class EditionForm(ConstraintSentencesFormMixin, VersionedModelForm):
    """The edition's rules in plain sentences (core/constraints.py), and the version the edition was opened at:
    a save after someone else's (of the edition or of its inline rows) is refused."""

    # Publishing is listed by its status and its change reason ("published"); the stamps add nothing.
    ignored_in_changes = ["version", "published_at", "published_by"]
    stale_message = _(
        "Someone else saved this edition since you opened it, so your changes were not saved, neither to the "
        "edition nor to its figures, bands or sectors. Their changes: %(changes)s. Reload the page to see the "
        "current version, then make your changes again."
    )
    deleted_message = _("This edition has been deleted since you opened it.")

    def clean_notes(self):
        check_note(self.cleaned_data["notes"])
        return self.cleaned_data["notes"]

    def clean_notes_zh(self):
        check_note(self.cleaned_data["notes_zh"])
        return self.cleaned_data["notes_zh"]


class CitedRowFormMixin:
    """Public notes cite sources in brackets ([S12]); the primary source is one of the row's sources (picked
    only as primary, it is added to them)."""

    def clean(self):
        cleaned = super().clean()
        for name in ("public_note_en", "public_note_zh"):
            if cleaned.get(name):
                try:
                    check_note(cleaned[name])
                except forms.ValidationError as error:
                    self.add_error(name, error)
        primary, sources = cleaned.get("primary_source"), cleaned.get("sources")
        if primary is not None and sources is not None and primary not in sources:
            cleaned["sources"] = sources | Source.objects.filter(pk=primary.pk)
        return cleaned


class ReportedFigureForm(CitedRowFormMixin, ConstraintSentencesFormMixin, forms.ModelForm):
    pass


class ReportedBandForm(CitedRowFormMixin, ConstraintSentencesFormMixin, forms.ModelForm):
    pass


class ReportedSectorForm(ConstraintSentencesFormMixin, forms.ModelForm):
    pass


# A figure's wording, definition and Chinese note are set on its own page (the inline links to it); the
# inline keeps the columns a row is entered with.
FIGURE_FIELDSETS = [
    (None, {"fields": ["edition", "metric", "value", "qualifier", "stage"]}),
    (
        _("What the figure measures"),
        {
            "fields": ["basis", "wording_zh", "wording_en", "definition_en", "definition_zh"],
            "description": _(
                "The basis and the words as published, for money figures; a definition only where this edition "
                "counts differently from the metric's. Figures of different bases or definitions are never "
                "compared as like for like."
            ),
        },
    ),
    (
        _("Sources and notes"),
        {"fields": ["primary_source", "sources", "public_note_en", "public_note_zh", "research_note"]},
    ),
]


class ReportedFigureInline(SourcePickerMixin, admin.TabularInline):
    model = ReportedFigure
    form = ReportedFigureForm
    fields = [
        "metric",
        "value",
        "qualifier",
        "stage",
        "basis",
        "primary_source",
        "sources",
        "public_note_en",
        "research_note",
    ]
    autocomplete_fields = ["metric", "primary_source", "sources"]
    formfield_overrides = SMALL_TEXTAREA
    show_change_link = True
    extra = 0


class ReportedSectorInline(SourcePickerMixin, admin.TabularInline):
    model = ReportedSector
    form = ReportedSectorForm
    fields = ["position", "published_name_en", "published_name_zh", "sector", "sources"]
    autocomplete_fields = ["sector", "sources"]
    extra = 0


class ReportedBandInline(SourcePickerMixin, admin.TabularInline):
    model = ReportedBand
    form = ReportedBandForm
    fields = [
        "lower_yuan", "upper_yuan", "count", "is_nested", "primary_source", "sources", "public_note_en",
        "public_note_zh", "research_note",
    ]  # fmt: skip
    autocomplete_fields = ["primary_source", "sources"]
    formfield_overrides = SMALL_TEXTAREA
    extra = 0


def projects_changelist_url(edition: Edition) -> str:
    # By URL name, so that editions does not import projects.
    return reverse("admin:projects_project_changelist") + "?" + urlencode({"edition__id__exact": edition.pk})


@admin.register(Edition)
class EditionAdmin(
    DraftOnlyForDataEntryMixin,  # data entry changes drafts only; publishing stays with editors
    VersionCheckAdminMixin,
    PublishingAdminMixin,
    StaffImportExportMixin,
    RefuseDeletionInUseMixin,
    HistoryAdmin,
):
    resource_classes = [EditionResource]
    # Links to the edition workbook (projects/workbook), which imports an edition with all its rows.
    change_list_template = "admin/editions/edition/change_list.html"
    form = EditionForm
    formfield_overrides = STAFF_FIELD_OVERRIDES
    actions = [delete_selected, "publish_selected", "unpublish_selected"]
    inlines = [ReportedFigureInline, ReportedBandInline, ReportedSectorInline]
    list_display = [
        "number",
        "year",
        "start_date",
        "end_date",
        "city",
        "status",
        "figure_count",
        "projects_link",
    ]
    list_display_links = ["number", "year"]
    list_filter = ["status", "city", "year"]
    search_fields = [
        "=number", "year", "name_en", "name_zh", "theme_en", "theme_zh", "city", "city_zh", "venue", "venue_zh",
    ]  # fmt: skip
    ordering = ["-number"]
    date_hierarchy = "start_date"

    def published_data_refusal(self, obj) -> str | None:
        # A version recorded while the edition was published, put back by someone who cannot publish: the
        # edition may be a draft now, so the general sentence ("is published") would not be true of it.
        if (
            obj is not None
            and obj.pk
            and obj.is_published
            and not Edition.objects.filter(pk=obj.pk, status=EditionStatus.PUBLISHED).exists()
        ):
            return _(
                "This version of the %(edition)s was recorded while it was published; only editors can put it back."
            ) % {"edition": obj}
        return super().published_data_refusal(obj)

    def get_search_results(self, request, queryset, search_term):
        search_term = edition_search_term(search_term)
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return edition_number_first(queryset, search_term), may_have_duplicates

    readonly_fields = ["published_at", "published_by", "projects_link", "version"]
    fieldsets = [
        (None, {"fields": ["number", "year", "start_date", "end_date", ("city", "city_zh"), ("venue", "venue_zh")]}),
        (_("Name and theme"), {"fields": [("name_en", "name_zh"), ("theme_en", "theme_zh")]}),
        (
            _("Publication"),
            {"fields": ["status", "published_at", "published_by", "projects_link", "version"]},
        ),
        (_("Notes"), {"fields": ["notes", "notes_zh", "research_note"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("published_by")
            .annotate(figure_count=related_count(Edition, "figures"), project_count=related_count(Edition, "projects"))
        )

    @admin.display(description=_("figures"), ordering="figure_count")
    def figure_count(self, edition):
        return edition.figure_count

    @admin.display(description=_("projects"), ordering="project_count")
    def view_on_site(self, edition):
        """The admin's "View on site": a draft has no public page yet, so it opens the staff preview."""
        if edition.is_published:
            return edition.get_absolute_url()
        return reverse("editions:preview", kwargs={"number": edition.number})

    def projects_link(self, edition):
        if edition.pk is None:
            return "—"
        count = getattr(edition, "project_count", None)
        if count is None:
            count = edition.projects.count()
        label = ngettext("%(count)s project", "%(count)s projects", count) % {"count": f"{count:,}"}
        return format_html('<a href="{}">{}</a>', projects_changelist_url(edition), label)

    def deletion_refusal(self, edition):
        count = edition.projects.count()
        if not count:
            return None
        return ngettext(
            "The %(edition)s cannot be deleted because %(count)s project belongs to it. "
            "Delete that project or move it to another edition first.",
            "The %(edition)s cannot be deleted because %(count)s projects belong to it. "
            "Delete those projects or move them to another edition first.",
            count,
        ) % {"edition": edition, "count": f"{count:,}"}


@admin.register(Source)
class SourceAdmin(SourceRightsMixin, StaffImportExportMixin, RefuseDeletionInUseMixin, HistoryAdmin):
    resource_classes = [SourceResource]
    formfield_overrides = STAFF_FIELD_OVERRIDES
    list_display = ["key", "title", "publisher", "publisher_zh", "published_on", "language", "link"]
    list_display_links = ["key", "title"]
    list_filter = ["language", "publisher"]
    search_fields = ["key", "title", "title_zh", "publisher", "publisher_zh", "url"]
    fields = ["key", ("title", "title_zh"), ("publisher", "publisher_zh"), "url", "published_on", "language"]
    ordering = NATURAL_KEY_ORDER
    date_hierarchy = "published_on"

    def get_urls(self):
        return source_autocomplete_urls(self.admin_site) + super().get_urls()

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return source_key_first(queryset, search_term), may_have_duplicates

    @admin.display(description=_("URL"), ordering="url")
    def link(self, source):
        return format_html('<a href="{0}" rel="noopener noreferrer">{0}</a>', source.url)

    def deletion_refusal(self, source):
        count = source.projects.count()
        if not count:
            return None
        return ngettext(
            "The source %(source)s cannot be deleted because %(count)s project cites it.",
            "The source %(source)s cannot be deleted because %(count)s projects cite it.",
            count,
        ) % {"source": source.key, "count": f"{count:,}"}


@admin.register(Metric)
class MetricAdmin(StaffImportExportMixin, RefuseDeletionInUseMixin, admin.ModelAdmin):
    resource_classes = [MetricResource]
    fields = [
        "code",
        "name_en",
        "name_zh",
        "unit",
        "position",
        "is_main",
        "definition_en",
        "definition_zh",
        "description",
    ]
    list_display = ["name_en", "name_zh", "code", "unit", "position", "is_main"]
    list_editable = ["position", "is_main"]
    list_filter = ["unit", "is_main"]
    search_fields = ["code", "name_en", "name_zh"]
    ordering = ["position", "code"]

    def deletion_refusal(self, metric):
        count = metric.figures.count()
        if not count:
            return None
        return ngettext(
            "The metric “%(metric)s” cannot be deleted because %(count)s reported figure uses it.",
            "The metric “%(metric)s” cannot be deleted because %(count)s reported figures use it.",
            count,
        ) % {"metric": metric, "count": f"{count:,}"}


@admin.register(ReportedFigure)
class ReportedFigureAdmin(
    SourcePickerMixin, EditionRowAdminMixin, DraftOnlyForDataEntryMixin, StaffImportExportMixin, HistoryAdmin
):
    resource_classes = [ReportedFigureResource]
    form = ReportedFigureForm
    formfield_overrides = STAFF_FIELD_OVERRIDES
    fieldsets = FIGURE_FIELDSETS
    list_display = ["edition", "metric", "shown_as", "stage", "basis", "source_count"]
    list_filter = ["edition", "stage", "qualifier", "basis", "metric"]
    list_select_related = ["edition", "metric"]
    search_fields = [
        "metric__name_en", "metric__name_zh", "wording_zh", "wording_en", "public_note_en", "public_note_zh",
        "research_note", "sources__key",
    ]  # fmt: skip
    autocomplete_fields = ["edition", "metric", "primary_source", "sources"]
    ordering = ["-edition__number", "metric__position", "stage"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(source_count=Count("sources"))

    @admin.display(description=_("as shown"), ordering="value")
    def shown_as(self, figure):
        return figure.display_value

    @admin.display(description=_("sources"), ordering="source_count")
    def source_count(self, figure):
        return figure.source_count


@admin.register(ReportedBand)
class ReportedBandAdmin(
    SourcePickerMixin, EditionRowAdminMixin, DraftOnlyForDataEntryMixin, StaffImportExportMixin, admin.ModelAdmin
):
    resource_classes = [ReportedBandResource]
    form = ReportedBandForm
    formfield_overrides = STAFF_FIELD_OVERRIDES
    list_display = ["edition", "lower_yuan", "upper_yuan", "count", "is_nested"]
    list_filter = ["edition", "is_nested"]
    list_select_related = ["edition"]
    autocomplete_fields = ["edition", "primary_source", "sources"]
    ordering = ["-edition__number", "lower_yuan"]


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
class ReportedSectorAdmin(
    SourcePickerMixin, EditionRowAdminMixin, DraftOnlyForDataEntryMixin, StaffImportExportMixin, admin.ModelAdmin
):
    resource_classes = [ReportedSectorResource]
    form = ReportedSectorForm
    list_display = ["edition", "position", "published_name_en", "published_name_zh", "sector"]
    list_display_links = ["edition", "sector"]
    list_filter = ["edition", "sector"]
    search_fields = ["published_name_en", "published_name_zh", "sector__name_en", "sector__name_zh"]
    list_select_related = ["edition", "sector"]
    autocomplete_fields = ["edition", "sector", "sources"]
    ordering = ["-edition__number", "position"]


# Figures for several editions have their admin in a module of their own (it uses the form mixins above).
from editions import admin_spans  # noqa: E402, F401
