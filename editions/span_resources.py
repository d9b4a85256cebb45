"""The import and export of figures for several editions (editions/spans.py)."""

import datetime
import re
import unicodedata

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields

from core.import_widgets import AmountWidget, MatchWidget, NaturalKeyInstanceLoader, TextWidget, remembered
from core.imports import EXAMPLE_EDITION, StaffResource
from core.parsing import CellError, choice_matcher, is_blank, parse_date
from core.vocabulary import STAGE_ALIASES, DatePrecision, Stage
from editions.import_widgets import NoteWidget, SourcesWidget
from editions.models import EditionStatus, SpanFigure
from editions.resources import ListedSourcesMixin, basis_field, metric_matcher, qualifier_field, text_field
from editions.services import can_publish


class EditionNumberWidget(TextWidget):
    """An edition's number, whether or not the portal has that edition yet: 14, '14', '第14届'."""

    @remembered
    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs)
        text = unicodedata.normalize("NFKC", text).removeprefix("第").removesuffix("届").removesuffix(".0")
        if text.isascii() and text.isdigit() and int(text) == EXAMPLE_EDITION:
            raise CellError(
                _(
                    "this is the template's example row (edition %(number)s): replace it with your own data, "
                    "giving your edition's number, or delete it"
                )
                % {"number": EXAMPLE_EDITION}
            )
        if not (text.isascii() and text.isdigit() and int(text) >= 1):
            raise CellError(
                _("%(column)s must be an edition number such as 14 (got '%(value)s')")
                % {"column": self.column, "value": value}
            )
        return int(text)


class AsOfWidget(TextWidget):
    """The date a statement refers to: a date (2014-12-31, 2014年12月31日) or only a year (2013)."""

    @remembered
    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            raise CellError(
                _("%(column)s is missing: give a date such as 2014-12-31, or a year") % {"column": self.column}
            )
        text = str(value).strip().removesuffix(".0").removesuffix("年")
        if re.fullmatch(r"\d{4}", text):
            return datetime.date(int(text), 1, 1)
        return parse_date(value, self.column)

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        if obj is not None and obj.as_of_precision == DatePrecision.YEAR:
            return str(value.year)
        return value.isoformat()


def _is_year(value) -> bool:
    return bool(re.fullmatch(r"\d{4}(\.0)?年?", str(value or "").strip()))


class SpanFigureResource(ListedSourcesMixin, StaffResource):
    """Figures for several editions; only editors publish one, or change one that is published."""

    first_edition = fields.Field(
        attribute="first_edition", column_name="first_edition", widget=EditionNumberWidget("first_edition")
    )
    last_edition = fields.Field(
        attribute="last_edition", column_name="last_edition", widget=EditionNumberWidget("last_edition")
    )
    region_en = text_field("region_en", 100)
    region_zh = text_field("region_zh", 100)
    metric = fields.Field(
        attribute="metric",
        column_name="metric",
        widget=MatchWidget("metric", metric_matcher, render_value=lambda metric: metric.code),
    )
    value = fields.Field(
        attribute="value", column_name="value", widget=AmountWidget.for_field(SpanFigure._meta.get_field("value"))
    )
    qualifier = qualifier_field()
    stage = fields.Field(
        attribute="stage",
        column_name="stage",
        widget=MatchWidget(
            "stage", lambda: choice_matcher(Stage, _("stage"), STAGE_ALIASES), default=Stage.RETROSPECTIVE
        ),
    )
    as_of = fields.Field(attribute="as_of", column_name="as_of", widget=AsOfWidget("as_of"))
    basis = basis_field()
    wording_zh = text_field("wording_zh", 200)
    wording_en = text_field("wording_en", 200)
    # The first source listed is the one the value was taken from (the primary source).
    sources = fields.Field(attribute="sources", column_name="sources", widget=SourcesWidget())
    public_note_en = fields.Field(
        attribute="public_note_en", column_name="public_note_en", widget=NoteWidget("public_note_en")
    )
    public_note_zh = fields.Field(
        attribute="public_note_zh", column_name="public_note_zh", widget=NoteWidget("public_note_zh")
    )
    research_note = text_field("research_note")
    status = fields.Field(
        attribute="status",
        column_name="status",
        widget=MatchWidget("status", lambda: choice_matcher(EditionStatus, _("status")), default=EditionStatus.DRAFT),
    )

    required_columns = ("first_edition", "last_edition", "metric", "value", "as_of", "sources")
    natural_key_label = gettext_lazy("first and last edition, region, metric, basis and date")
    example_row = {
        "first_edition": EXAMPLE_EDITION,
        "last_edition": EXAMPLE_EDITION,
        "region_en": "",
        "region_zh": "",
        "metric": "fulfilment_rate",
        "value": "89.44",
        "qualifier": "exact",
        "stage": "retrospective",
        "as_of": "2014-12-31",
        "basis": "",
        "wording_zh": "履约率",
        "wording_en": "",
        "sources": "S44",
        "public_note_en": "At the end of 2014.",
        "public_note_zh": "截至2014年底。",
        "research_note": "",
        "status": "draft",
    }

    class Meta:
        model = SpanFigure
        fields = (
            "first_edition", "last_edition", "region_en", "region_zh", "metric", "value", "qualifier", "stage",
            "as_of", "basis", "wording_zh", "wording_en", "sources", "public_note_en", "public_note_zh",
            "research_note", "status",
        )  # fmt: skip
        import_id_fields = ("first_edition", "last_edition", "region_en", "metric", "basis", "as_of")
        instance_loader_class = NaturalKeyInstanceLoader
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def get_queryset(self):
        return super().get_queryset().select_related("metric", "primary_source").prefetch_related("sources")

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        for column in ("region_en", "basis"):
            if column not in dataset.headers:
                # Part of the key, but optional: empty for the whole expo and for figures that are not money.
                dataset.append_col([""] * len(dataset), header=column)

    def check_rights(self, instance) -> None:
        if self.user is None or can_publish(self.user):
            return
        stored = instance.pk is not None and SpanFigure.objects.filter(pk=instance.pk, status="published").exists()
        if instance.is_published or stored:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: ValidationError(
                        _("only editors can publish a figure for several editions or change a published one"),
                        code="cell",
                    )
                }
            )

    def dehydrate_as_of(self, span):
        return self.fields["as_of"].widget.render(span.as_of, span)

    def before_save_instance(self, instance, row, **kwargs):
        super().before_save_instance(instance, row, **kwargs)
        instance.as_of_precision = DatePrecision.YEAR if _is_year(row.get("as_of")) else DatePrecision.DAY
