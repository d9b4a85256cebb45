"""Spreadsheet import and export of what figures refer to: sources, metrics, sectors and the editions themselves.

Each template's example row imports nothing: its key is one no record may have (source S0, metric
"example", sector "example", edition 0), refused with a sentence. An import never sets an edition's status: a
new edition is a draft, and publishing goes through the publishing service.
"""

import re

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields

from core.import_widgets import BoolWidget, DateWidget, MatchWidget, NaturalKeyInstanceLoader, TextWidget
from core.imports import EXAMPLE_EDITION, StaffResource
from core.parsing import CellError, choice_matcher
from core.vocabulary import Unit
from editions.admin_permissions import cited_by_published_data
from editions.import_widgets import NoteWidget
from editions.models import EXAMPLE_METRIC_CODE, EXAMPLE_SOURCE_KEY, Edition, Language, Metric, Source
from editions.resources import PositionWidget, text_field
from editions.sectors import EXAMPLE_SECTOR_SLUG, Sector
from editions.services import can_publish
from editions.span_resources import EditionNumberWidget


def refusal(message: str) -> ValidationError:
    return ValidationError({NON_FIELD_ERRORS: ValidationError(message, code="cell")})


def changed(resource: StaffResource, instance) -> bool:
    """Whether the row changes a stored record (a new record is not a change of one)."""
    if instance.pk is None:
        return False
    return getattr(instance, "_imported_values", None) != resource.recorded_values(instance)


def refuse_malformed_key(row, column: str, example: str, pattern: str, rule: str, shown: int) -> None:
    """A key that links or codes use must match `pattern`; the example key is left to ExampleKeyWidget."""
    key = str(row.get(column) or "").strip()
    if key and key.casefold() != example and not re.fullmatch(pattern, key):
        message = _("%(rule)s (got '%(value)s')") % {"rule": rule, "value": key[:shown]}
        raise ValidationError({column: ValidationError(message, code="cell")})


class ExampleKeyWidget(TextWidget):
    """A record's key, refusing the template's example key with a sentence."""

    def __init__(self, column: str, example: str, what: str, max_length: int | None = None):
        super().__init__(column, required=True, max_length=max_length)
        self.example, self.what = example, what

    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs)
        if text.casefold() == self.example.casefold():
            raise CellError(
                _("this is the template's example row (%(what)s %(key)s): replace it with your own data, or delete it")
                % {"what": self.what, "key": self.example}
            )
        return text


class URLWidget(TextWidget):
    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs)
        try:
            URLValidator(schemes=["http", "https"])(text)
        except ValidationError:
            raise CellError(
                _("%(column)s must be a web address such as https://example.org/release.html (got '%(value)s')")
                % {"column": self.column, "value": text[:80]}
            ) from None
        return text


class YearWidget(TextWidget):
    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs).removesuffix(".0").removesuffix("年")
        if not (text.isascii() and text.isdigit() and 1900 <= int(text) <= 2200):
            raise CellError(
                _("%(column)s must be a year such as 2023 (got '%(value)s')") % {"column": self.column, "value": value}
            )
        return int(text)


def plain_text_field(model, name: str, *, required: bool = False) -> fields.Field:
    widget = TextWidget.for_field(model._meta.get_field(name), required=required)
    return fields.Field(attribute=name, column_name=name, widget=widget)


# -- sources ------------------------------------------------------------------------------------------------


class SourceResource(StaffResource):
    """Sources by their key; a source cited by published figures or projects is changed only by editors."""

    key = fields.Field(
        attribute="key",
        column_name="key",
        widget=ExampleKeyWidget("key", EXAMPLE_SOURCE_KEY, gettext_lazy("source"), max_length=20),
    )
    title = plain_text_field(Source, "title")
    title_zh = plain_text_field(Source, "title_zh")
    publisher = plain_text_field(Source, "publisher", required=True)
    publisher_zh = plain_text_field(Source, "publisher_zh")
    url = fields.Field(attribute="url", column_name="url", widget=URLWidget("url", required=True, max_length=500))
    published_on = fields.Field(attribute="published_on", column_name="published_on", widget=DateWidget("published_on"))
    language = fields.Field(
        attribute="language",
        column_name="language",
        widget=MatchWidget("language", lambda: choice_matcher(Language, _("language")), default=Language.CHINESE),
    )

    required_columns = ("key", "publisher", "url")
    natural_key_label = gettext_lazy("key")
    example_row = {
        "key": EXAMPLE_SOURCE_KEY,
        "title": "Closing press release",
        "title_zh": "闭幕新闻稿",
        "publisher": "Expo organising committee",
        "publisher_zh": "博览会组委会",
        "url": "https://example.org/closing-release.html",
        "published_on": "2023-08-28",
        "language": "zh",
    }

    class Meta:
        model = Source
        fields = ("key", "title", "title_zh", "publisher", "publisher_zh", "url", "published_on", "language")
        import_id_fields = ("key",)
        instance_loader_class = NaturalKeyInstanceLoader
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def check_rights(self, instance) -> None:
        if self.user is None or can_publish(self.user) or not changed(self, instance):
            return
        if cited_by_published_data(instance):
            raise refusal(
                _("source %(key)s is cited by published figures or projects; only editors can change it")
                % {"key": instance.key}
            )


# -- metrics ------------------------------------------------------------------------------------------------


class MetricResource(StaffResource):
    """Metrics by their code; whoever may change a metric's form may import metrics (editors)."""

    code = fields.Field(
        attribute="code",
        column_name="code",
        widget=ExampleKeyWidget("code", EXAMPLE_METRIC_CODE, gettext_lazy("metric"), max_length=60),
    )
    name_en = plain_text_field(Metric, "name_en", required=True)
    name_zh = plain_text_field(Metric, "name_zh")
    unit = fields.Field(
        attribute="unit",
        column_name="unit",
        widget=MatchWidget("unit", lambda: choice_matcher(Unit, _("unit")), default=Unit.COUNT),
    )
    position = fields.Field(attribute="position", column_name="position", widget=PositionWidget("position"))
    is_main = fields.Field(attribute="is_main", column_name="is_main", widget=BoolWidget("is_main"))
    definition_en = plain_text_field(Metric, "definition_en")
    definition_zh = plain_text_field(Metric, "definition_zh")
    description = plain_text_field(Metric, "description")

    required_columns = ("code", "name_en")
    natural_key_label = gettext_lazy("code")
    example_row = {
        "code": EXAMPLE_METRIC_CODE,
        "name_en": "Exhibitors",
        "name_zh": "参展商",
        "unit": "count",
        "position": "100",
        "is_main": "no",
        "definition_en": "Exhibiting companies, domestic and foreign.",
        "definition_zh": "国内外参展企业。",
        "description": "Example row: replace it with your own metrics, or delete it.",
    }

    class Meta:
        model = Metric
        fields = (
            "code", "name_en", "name_zh", "unit", "position", "is_main", "definition_en", "definition_zh",
            "description",
        )  # fmt: skip
        import_id_fields = ("code",)
        instance_loader_class = NaturalKeyInstanceLoader
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        refuse_malformed_key(
            row, "code", EXAMPLE_METRIC_CODE, r"[-a-zA-Z0-9_]+", _("code may hold only letters, digits, - and _"), 60
        )


# -- sectors ------------------------------------------------------------------------------------------------


class SectorResource(StaffResource):
    """The canonical sectors by their slug; whoever may change a sector's form may import sectors (editors).

    The names each release published for them are the sector names' own import (ReportedSectorResource).
    """

    slug = fields.Field(
        attribute="slug",
        column_name="slug",
        widget=ExampleKeyWidget("slug", EXAMPLE_SECTOR_SLUG, gettext_lazy("sector"), max_length=80),
    )
    name_en = plain_text_field(Sector, "name_en", required=True)
    name_zh = plain_text_field(Sector, "name_zh")
    position = fields.Field(attribute="position", column_name="position", widget=PositionWidget("position"))

    required_columns = ("slug", "name_en")
    natural_key_label = gettext_lazy("slug")
    example_row = {"slug": EXAMPLE_SECTOR_SLUG, "name_en": "Digital economy", "name_zh": "数字经济", "position": "100"}

    class Meta:
        model = Sector
        fields = ("slug", "name_en", "name_zh", "position")
        import_id_fields = ("slug",)
        instance_loader_class = NaturalKeyInstanceLoader
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        refuse_malformed_key(
            row,
            "slug",
            EXAMPLE_SECTOR_SLUG,
            r"[-a-z0-9_]+",
            _("slug may hold only lower-case letters, digits, - and _"),
            80,
        )


# -- editions -----------------------------------------------------------------------------------------------


class EditionResource(StaffResource):
    """Editions by their number. Users who cannot publish may only add editions (drafts) and change drafts;
    no import sets a status."""

    number = fields.Field(attribute="number", column_name="number", widget=EditionNumberWidget("number"))
    year = fields.Field(attribute="year", column_name="year", widget=YearWidget("year", required=True))
    start_date = fields.Field(attribute="start_date", column_name="start_date", widget=DateWidget("start_date"))
    end_date = fields.Field(attribute="end_date", column_name="end_date", widget=DateWidget("end_date"))
    name_zh = plain_text_field(Edition, "name_zh", required=True)
    name_en = plain_text_field(Edition, "name_en", required=True)
    theme_zh = plain_text_field(Edition, "theme_zh")
    theme_en = plain_text_field(Edition, "theme_en")
    city = plain_text_field(Edition, "city", required=True)
    city_zh = plain_text_field(Edition, "city_zh")
    venue = plain_text_field(Edition, "venue")
    venue_zh = plain_text_field(Edition, "venue_zh")
    notes = fields.Field(attribute="notes", column_name="notes", widget=NoteWidget("notes"))
    notes_zh = fields.Field(attribute="notes_zh", column_name="notes_zh", widget=NoteWidget("notes_zh"))
    research_note = text_field("research_note")

    required_columns = ("number", "year", "name_zh", "name_en", "city")
    natural_key_label = gettext_lazy("number")
    example_row = {
        "number": EXAMPLE_EDITION,
        "year": "2025",
        "start_date": "2025-08-28",
        "end_date": "2025-09-01",
        "name_zh": "中国—东北亚博览会",
        "name_en": "China-Northeast Asia Expo",
        "theme_zh": "",
        "theme_en": "",
        "city": "Changchun",
        "city_zh": "长春",
        "venue": "",
        "venue_zh": "",
        "notes": "",
        "notes_zh": "",
        "research_note": "Example row (edition 0): replace it with your own edition.",
    }

    class Meta:
        model = Edition
        fields = (
            "number", "year", "start_date", "end_date", "name_zh", "name_en", "theme_zh", "theme_en", "city",
            "city_zh", "venue", "venue_zh", "notes", "notes_zh", "research_note",
        )  # fmt: skip
        import_id_fields = ("number",)
        instance_loader_class = NaturalKeyInstanceLoader
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def check_rights(self, instance) -> None:
        if self.user is None or can_publish(self.user) or not changed(self, instance):
            return
        if Edition.objects.filter(pk=instance.pk, status="published").exists():
            raise refusal(
                _("edition %(number)s is published; only editors can change it") % {"number": instance.number}
            )

    def before_save_instance(self, instance, row, **kwargs):
        super().before_save_instance(instance, row, **kwargs)
        if instance.pk is not None:
            # A change form opened before the import carries the old version and is refused (core/versioning.py).
            instance.version += 1
