"""The admin of figures for several editions: entered and imported like reported figures, with the same roles.

Imported at the end of editions/admin.py, whose form mixins it shares.
"""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from core.admin_history import HistoryAdmin
from core.admin_imports import StaffImportExportMixin
from editions.admin import CitedRowFormMixin
from editions.admin_permissions import PublishedSpanRightsMixin
from editions.models import EditionStatus
from editions.services import can_publish
from editions.span_resources import SpanFigureResource
from editions.spans import SpanFigure


class SpanFigureForm(CitedRowFormMixin, forms.ModelForm):
    """Only editors publish a figure for several editions (the admin sets ``request`` on the form class)."""

    request = None

    def clean(self):
        cleaned = super().clean()
        user = getattr(self.request, "user", None)
        if cleaned.get("status") == EditionStatus.PUBLISHED and user and not can_publish(user):
            self.add_error("status", _("Only editors can publish a figure for several editions."))
        return cleaned


SPAN_FIELDSETS = [
    (
        None,
        {
            "fields": [
                ("first_edition", "last_edition"),
                ("region_en", "region_zh"),
                "metric",
                "value",
                "qualifier",
                "stage",
                ("as_of", "as_of_precision"),
                "status",
            ]
        },
    ),
    (
        _("What the figure measures"),
        {
            "fields": ["basis", "wording_zh", "wording_en"],
            "description": _(
                "The basis and the words as published, for money figures. A statement is set against the sum of "
                "the editions' figures of the same metric and basis only."
            ),
        },
    ),
    (
        _("Sources and notes"),
        {"fields": ["primary_source", "sources", "public_note_en", "public_note_zh", "research_note"]},
    ),
]


@admin.register(SpanFigure)
class SpanFigureAdmin(PublishedSpanRightsMixin, StaffImportExportMixin, HistoryAdmin):
    resource_classes = [SpanFigureResource]
    form = SpanFigureForm
    fieldsets = SPAN_FIELDSETS
    list_display = ["editions", "region_en", "metric", "shown_as", "as_of", "basis", "status", "source_count"]
    list_filter = ["status", "metric", "stage", "qualifier", "basis", "last_edition"]
    list_select_related = ["metric"]
    search_fields = [
        "metric__name_en", "metric__name_zh", "region_en", "region_zh", "wording_zh", "wording_en",
        "public_note_en", "public_note_zh", "research_note", "sources__key",
    ]  # fmt: skip
    autocomplete_fields = ["metric", "primary_source", "sources"]
    ordering = ["first_edition", "last_edition", "region_en", "metric__position", "as_of"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(source_count=Count("sources"))

    @admin.display(description=_("editions"), ordering="last_edition")
    def editions(self, span):
        return span.editions_label

    @admin.display(description=_("as shown"), ordering="value")
    def shown_as(self, span):
        return span.display_value

    @admin.display(description=_("sources"), ordering="source_count")
    def source_count(self, span):
        return span.source_count
