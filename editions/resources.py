"""Spreadsheet import and export of reported figures, and the rights every import of edition data obeys."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields

from core.import_widgets import AmountWidget, BoolWidget, MatchWidget, NaturalKeyInstanceLoader, TextWidget
from core.imports import EXAMPLE_EDITION, StaffResource
from core.parsing import CellError, NameMatcher, choice_matcher, qualifier_matcher
from core.vocabulary import BASIS_ALIASES, STAGE_ALIASES, Basis, Qualifier, Stage
from editions.import_widgets import EditionWidget, NoteWidget, SourcesWidget, sector_matcher
from editions.models import Metric, ReportedBand, ReportedFigure, ReportedSector, Sector
from editions.services import can_publish, record_edition_change


class EditionDataResource(StaffResource):
    """An import of rows that belong to an edition: data entry may not touch a published edition; only editors may."""

    def check_rights(self, instance) -> None:
        edition = getattr(instance, "edition", None)
        if edition is None or not edition.is_published or self.user is None:
            return
        if not can_publish(self.user):
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: ValidationError(
                        _("edition %(number)s is published; only editors can change its data")
                        % {"number": edition.number},
                        code="cell",
                    )
                }
            )


class VersionsItsEditionsMixin:
    """An import of an edition's rows gives each edition whose rows it changed a new version, once per import.

    An edition form opened before the import shows the old rows, and saving it would put them back: with a new
    version that form is refused (core/versioning.py).
    """

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self._changed_editions = set()

    def after_save_instance(self, instance, row, **kwargs):
        super().after_save_instance(instance, row, **kwargs)
        self._changed_editions.add(instance.edition_id)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        reason = _("imported from %(file)s") % {"file": self.file_name} if self.file_name else ""
        record_edition_change(edition_ids=self._changed_editions, reason=reason, user=self.user)


class ListedSourcesMixin:
    """A row's `sources` column, exported primary source first; on import the first source listed is the primary."""

    def dehydrate_sources(self, row):
        return ", ".join(source.key for source in row.ordered_sources())

    def before_save_instance(self, instance, row, **kwargs):
        super().before_save_instance(instance, row, **kwargs)
        if "sources" in row:
            listed = self.fields["sources"].clean(row)
            instance.primary_source = listed[0] if listed else None


# -- reported figures --------------------------------------------------------------------------------------


def text_field(name: str, max_length: int | None = None) -> fields.Field:
    return fields.Field(attribute=name, column_name=name, widget=TextWidget(name, max_length=max_length))


def qualifier_field() -> fields.Field:
    """The qualifier column: every hedge word of the data (core.vocabulary), exact when empty."""
    return fields.Field(
        attribute="qualifier",
        column_name="qualifier",
        widget=MatchWidget("qualifier", qualifier_matcher, default=Qualifier.EXACT),
    )


def basis_field() -> fields.Field:
    """The basis column of a money figure (core.vocabulary.Basis and its aliases), empty for other figures."""
    return fields.Field(
        attribute="basis",
        column_name="basis",
        widget=MatchWidget("basis", lambda: choice_matcher(Basis, _("basis"), BASIS_ALIASES), default=""),
    )


def metric_matcher() -> NameMatcher:
    entries = ((metric, [metric.code, metric.name_en, metric.name_zh]) for metric in Metric.objects.all())
    return NameMatcher(entries, what=_("metric"))


class ReportedFigureResource(VersionsItsEditionsMixin, ListedSourcesMixin, EditionDataResource):
    edition = fields.Field(attribute="edition", column_name="edition", widget=EditionWidget())
    metric = fields.Field(
        attribute="metric",
        column_name="metric",
        widget=MatchWidget("metric", metric_matcher, render_value=lambda metric: metric.code),
    )
    stage = fields.Field(
        attribute="stage",
        column_name="stage",
        widget=MatchWidget(
            "stage",
            lambda: choice_matcher(Stage, _("stage"), STAGE_ALIASES),
            default=Stage.CLOSING,
        ),
    )
    value = fields.Field(
        attribute="value", column_name="value", widget=AmountWidget.for_field(ReportedFigure._meta.get_field("value"))
    )
    qualifier = qualifier_field()
    basis = basis_field()
    wording_zh = text_field("wording_zh", 200)
    wording_en = text_field("wording_en", 200)
    definition_en = text_field("definition_en", 300)
    definition_zh = text_field("definition_zh", 300)
    # The first source listed is the one the value was taken from (the primary source).
    sources = fields.Field(attribute="sources", column_name="sources", widget=SourcesWidget())
    public_note_en = fields.Field(
        attribute="public_note_en", column_name="public_note_en", widget=NoteWidget("public_note_en")
    )
    public_note_zh = fields.Field(
        attribute="public_note_zh", column_name="public_note_zh", widget=NoteWidget("public_note_zh")
    )
    research_note = text_field("research_note")

    required_columns = ("edition", "metric", "value", "sources")
    natural_key_label = gettext_lazy("edition, metric and stage")
    example_row = {
        "edition": EXAMPLE_EDITION,
        "metric": "participants",
        "stage": "closing",
        "value": "20000",
        "qualifier": "more_than",
        "basis": "",
        "wording_zh": "",
        "wording_en": "",
        "definition_en": "",
        "definition_zh": "",
        "sources": "S1",
        "public_note_en": "Offline participants only.",
        "public_note_zh": "仅指线下参会客商。",
        "research_note": "Example row (edition 0): replace it with your own figures.",
    }

    class Meta:
        model = ReportedFigure
        fields = (
            "edition", "metric", "stage", "value", "qualifier", "basis", "wording_zh", "wording_en", "definition_en",
            "definition_zh", "sources", "public_note_en", "public_note_zh", "research_note",
        )  # fmt: skip
        import_id_fields = ("edition", "metric", "stage")
        instance_loader_class = NaturalKeyInstanceLoader
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def get_queryset(self):
        return super().get_queryset().select_related("edition", "metric", "primary_source").prefetch_related("sources")

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        if "stage" not in dataset.headers:
            # Part of the key, but optional: a file without stages gives closing figures.
            dataset.append_col([""] * len(dataset), header="stage")


# -- sectors named in releases ------------------------------------------------------------------------------


class PositionWidget(TextWidget):
    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs)
        if not text:
            return 0
        if not text.removesuffix(".0").isdigit():
            raise CellError(
                _("%(column)s must be a whole number such as 3 (got '%(value)s')")
                % {"column": self.column, "value": value}
            )
        return int(text.removesuffix(".0"))


class ReportedSectorResource(VersionsItsEditionsMixin, EditionDataResource):
    """The sectors a release names, each mapped to a canonical sector.

    `sector` names the canonical sector (by name, slug or a name another release published for it); left
    empty, the published name itself is looked up the same way, so a name staff mapped once maps again.
    """

    edition = fields.Field(attribute="edition", column_name="edition", widget=EditionWidget())
    position = fields.Field(attribute="position", column_name="position", widget=PositionWidget("position"))
    published_name_en = text_field("published_name_en", 200)
    published_name_zh = text_field("published_name_zh", 200)
    sector = fields.Field(
        attribute="sector",
        column_name="sector",
        widget=MatchWidget("sector", lambda: sector_matcher(Sector.objects.all()), render_value=lambda s: s.name_en),
    )
    sources = fields.Field(attribute="sources", column_name="sources", widget=SourcesWidget())

    required_columns = ("edition", "published_name_en", "sources")
    natural_key_label = gettext_lazy("edition and sector")
    example_row = {
        "edition": EXAMPLE_EDITION,
        "position": 3,
        "published_name_en": "medical and elderly care",
        "published_name_zh": "医疗养老",
        "sector": "Healthcare",
        "sources": "S13",
    }

    class Meta:
        model = ReportedSector
        fields = ("edition", "position", "published_name_en", "published_name_zh", "sector", "sources")
        import_id_fields = ("edition", "sector")
        instance_loader_class = NaturalKeyInstanceLoader
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def get_queryset(self):
        return super().get_queryset().select_related("edition", "sector").prefetch_related("sources")

    def before_import(self, dataset, **kwargs):
        if "sector" not in dataset.headers:
            dataset.append_col([""] * len(dataset), header="sector")
        # An empty canonical sector is looked up by the published name.
        index, name = dataset.headers.index("sector"), dataset.headers.index("published_name_en")
        for number, row in enumerate(dataset):
            if not str(row[index] or "").strip():
                values = list(row)
                values[index] = values[name]
                dataset[number] = values
        super().before_import(dataset, **kwargs)


# -- value bands as releases give them ----------------------------------------------------------------------


class CountWidget(TextWidget):
    """A whole number of projects: 12, '12', 12.0."""

    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs)
        if not text:
            raise CellError(_("%(column)s is missing") % {"column": self.column})
        if not text.removesuffix(".0").isdigit():
            raise CellError(
                _("%(column)s must be a whole number such as 3 (got '%(value)s')")
                % {"column": self.column, "value": value}
            )
        return int(text.removesuffix(".0"))


class ReportedBandResource(VersionsItsEditionsMixin, ListedSourcesMixin, EditionDataResource):
    """Project counts by size band, one row per band, found again by edition and lower bound."""

    edition = fields.Field(attribute="edition", column_name="edition", widget=EditionWidget())
    lower_yuan = fields.Field(
        attribute="lower_yuan",
        column_name="lower_yuan",
        widget=AmountWidget.for_field(ReportedBand._meta.get_field("lower_yuan")),
    )
    upper_yuan = fields.Field(
        attribute="upper_yuan",
        column_name="upper_yuan",
        widget=AmountWidget.for_field(ReportedBand._meta.get_field("upper_yuan"), required=False),
    )
    count = fields.Field(attribute="count", column_name="count", widget=CountWidget("count"))
    is_nested = fields.Field(attribute="is_nested", column_name="is_nested", widget=BoolWidget("is_nested"))
    # The first source listed is the one the count was taken from (the primary source).
    sources = fields.Field(attribute="sources", column_name="sources", widget=SourcesWidget())
    public_note_en = fields.Field(
        attribute="public_note_en", column_name="public_note_en", widget=NoteWidget("public_note_en")
    )
    public_note_zh = fields.Field(
        attribute="public_note_zh", column_name="public_note_zh", widget=NoteWidget("public_note_zh")
    )
    research_note = text_field("research_note")

    required_columns = ("edition", "lower_yuan", "count", "sources")
    natural_key_label = gettext_lazy("edition and lower bound")
    example_row = {
        "edition": EXAMPLE_EDITION,
        "lower_yuan": "1亿",
        "upper_yuan": "",
        "count": "12",
        "is_nested": "yes",
        "sources": "S1",
        "public_note_en": "",
        "public_note_zh": "",
        "research_note": "Example row (edition 0): replace it with your own bands.",
    }

    class Meta:
        model = ReportedBand
        fields = (
            "edition", "lower_yuan", "upper_yuan", "count", "is_nested", "sources", "public_note_en",
            "public_note_zh", "research_note",
        )  # fmt: skip
        import_id_fields = ("edition", "lower_yuan")
        instance_loader_class = NaturalKeyInstanceLoader
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def get_queryset(self):
        return super().get_queryset().select_related("edition", "primary_source").prefetch_related("sources")

    def natural_key(self, row) -> tuple | None:
        # "1亿" and "100,000,000" are the same lower bound.
        key = super().natural_key(row)
        try:
            lower = self.fields["lower_yuan"].widget.clean(row.get("lower_yuan"))
        except CellError:
            return key
        return key if key is None or lower is None else (key[0], format(lower.normalize(), "f"))
