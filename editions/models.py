from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.dispatch import Signal
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.caching.tokens import ChangeTrackingQuerySet
from core.constraints import choices_constraint
from core.formatting import format_date_range, format_ordinal, format_quantity, is_chinese, localized
from core.validators import refuse_control_characters
from core.vocabulary import Basis, Qualifier, Stage, Unit, basis_words
from editions.sources import (  # noqa: F401 (Language, EXAMPLE_SOURCE_KEY: imported from here elsewhere)
    EXAMPLE_SOURCE_KEY,
    Language,
    Source,
)


class EditionStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")


# Public notes are read by everyone; research notes (other figures, conflicts between sources) by staff only.
NOTE_HELP = _("Shown to readers: plain words; cite a source by its reference in brackets, such as [S12].")
RESEARCH_NOTE_HELP = _("For staff only: other figures, conflicts between sources; never shown to the public.")


# Sent with `editions` (their ids) in the transaction of a write that changed their numbers, for the rows of other
# apps that keep a copy of an edition's number (a project's, which sorts by it): this app cannot know them.
numbers_changed = Signal()


class EditionQuerySet(ChangeTrackingQuerySet):
    def published(self):
        """The only door into public pages, exports and feeds."""
        return self.filter(status=EditionStatus.PUBLISHED)

    def update(self, **kwargs):
        if "number" not in kwargs:
            return super().update(**kwargs)
        with transaction.atomic():
            editions = set(self.values_list("pk", flat=True))
            rows = super().update(**kwargs)
            numbers_changed.send(sender=Edition, editions=editions)
        return rows


class Edition(models.Model):
    number = models.PositiveSmallIntegerField(
        _("number"), unique=True, help_text=_("The ordinal of the edition: 14 for the 14th.")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    theme_zh = models.CharField(_("theme (Chinese)"), max_length=300, blank=True)
    theme_en = models.CharField(_("theme (English)"), max_length=300, blank=True)
    city = models.CharField(_("city (English)"), max_length=100)
    city_zh = models.CharField(_("city (Chinese)"), max_length=100, blank=True)
    venue = models.CharField(_("venue (English)"), max_length=300, blank=True)
    venue_zh = models.CharField(_("venue (Chinese)"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=EditionStatus, default=EditionStatus.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("published by"),
    )
    notes = models.TextField(_("notes (English)"), blank=True, help_text=NOTE_HELP)
    notes_zh = models.TextField(_("notes (Chinese)"), blank=True, help_text=NOTE_HELP)
    research_note = models.TextField(_("research note"), blank=True, help_text=RESEARCH_NOTE_HELP)
    # Bumped on every save, inline rows included; a form carrying an older version is refused (no lost updates).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = EditionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        permissions = [("publish_edition", _("Can publish and unpublish editions"))]
        constraints = [
            models.CheckConstraint(condition=Q(number__gte=1), name="edition_number_positive"),
            models.CheckConstraint(condition=Q(year__gte=1900) & Q(year__lte=2200), name="edition_year_plausible"),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="edition_ends_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            choices_constraint("status", EditionStatus, "edition_status_valid"),
        ]

    def __str__(self):
        return _("%(ordinal)s edition (%(year)s)") % {"ordinal": self.ordinal, "year": self.year}

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        may_renumber = not self._state.adding and (update_fields is None or "number" in update_fields)
        with transaction.atomic():
            # The number stored now, not the one this instance was read with: another save may have changed it.
            stored = (
                Edition.objects.filter(pk=self.pk).values_list("number", flat=True).first() if may_renumber else None
            )
            super().save(*args, **kwargs)
            if stored is not None and stored != self.number:
                numbers_changed.send(sender=Edition, editions={self.pk})

    save.alters_data = True

    def get_absolute_url(self):
        return reverse("editions:detail", kwargs={"number": self.number})

    @property
    def ordinal(self) -> str:
        """'14th' / '第十四届', in the active language."""
        return format_ordinal(self.number)

    @property
    def name(self) -> str:
        """The expo's name at this edition in the active language (the other one when that is empty)."""
        return localized(self, "name")

    @property
    def other_name(self) -> str:
        """The name in the other language, when it differs: shown beside the main one."""
        other = self.name_en if is_chinese() else self.name_zh
        return other if other and other != self.name else ""

    @property
    def theme(self) -> str:
        return localized(self, "theme")

    @property
    def heading(self) -> str:
        """'China-Northeast Asia Expo: 14th edition (2023)' / '第十四届中国—东北亚博览会（2023年）'."""
        return _("%(name)s: %(ordinal)s edition (%(year)s)") % {
            "name": self.name,
            "ordinal": self.ordinal,
            "year": self.year,
        }

    @property
    def dates(self) -> str:
        """'23–27 Aug 2023' / '2023年8月23日至27日'; empty when no date is known."""
        if self.start_date is None and self.end_date is None:
            return ""
        return format_date_range(self.start_date, self.end_date)

    @property
    def is_published(self) -> bool:
        return self.status == EditionStatus.PUBLISHED


# The code of the metrics template's example row: no metric may have it, so a template uploaded untouched
# imports nothing.
EXAMPLE_METRIC_CODE = "example"


class Metric(models.Model):
    """A kind of headline figure. Staff may add new ones without a code change."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_zh = models.CharField(_("name (Chinese)"), max_length=120, blank=True)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit, default=Unit.COUNT)
    position = models.PositiveSmallIntegerField(_("display order"), default=100)
    is_main = models.BooleanField(
        _("main figure"), default=False, help_text=_("Shown in the editions table and the trends.")
    )
    description = models.TextField(_("description"), blank=True)
    definition_en = models.TextField(
        _("definition (English)"),
        blank=True,
        help_text=_("What every edition's figure counts, in plain words for readers."),
    )
    definition_zh = models.TextField(_("definition (Chinese)"), blank=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("metric")
        verbose_name_plural = _("metrics")
        constraints = [choices_constraint("unit", Unit, "metric_unit_valid")]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.code and self.code.casefold() == EXAMPLE_METRIC_CODE.casefold():
            message = _("“%(code)s” is the code of the import template's example row; choose another code.")
            raise ValidationError({"code": ValidationError(message, code="example", params={"code": self.code})})

    @property
    def name(self) -> str:
        """The metric's name in the active language (the other one when that is empty)."""
        return localized(self, "name")

    @property
    def definition(self) -> str:
        return localized(self, "definition")


PRIMARY_SOURCE_HELP = _("The source the value was taken from; listed first. Leave empty to list the sources by date.")


def _source_order(source: Source):
    return (source.published_on is None, source.published_on, source.key)


class CitedRow(models.Model):
    """A row with sources, one of them the primary source the value was taken from."""

    class Meta:
        abstract = True

    def ordered_sources(self) -> list[Source]:
        """The primary source first, then the others by date: the order every page and download lists them.

        No query when the sources are prefetched: the primary one is picked from them by its id.
        """
        sources = sorted(self.sources.all(), key=_source_order)
        primary = next((source for source in sources if source.pk == self.primary_source_id), None)
        if primary is None and self.primary_source_id is not None:
            primary = self.primary_source
        return [primary, *(source for source in sources if source != primary)] if primary else sources


def _primary_source_field(related_name: str):
    return models.ForeignKey(
        Source,
        models.PROTECT,
        null=True,
        blank=True,
        related_name=related_name,
        verbose_name=_("primary source"),
        help_text=PRIMARY_SOURCE_HELP,
    )


class ReportedFigureQuerySet(models.QuerySet):
    def for_display(self):
        return self.select_related("metric").prefetch_related("sources")


class PublishedWordingMixin:
    """For figures with a basis and the source's own words for them (wording_en, wording_zh)."""

    @property
    def wording(self) -> str:
        """The source's words for the figure in the reader's language, else its basis in those words."""
        chinese = is_chinese()
        own = self.wording_zh if chinese else self.wording_en
        return own or basis_words(self.basis, "zh" if chinese else "en") or self.wording_zh or self.wording_en


class ReportedFigure(PublishedWordingMixin, CitedRow):
    """One value of one metric for one edition, as a source published it."""

    edition = models.ForeignKey(Edition, models.CASCADE, related_name="figures", verbose_name=_("edition"))
    metric = models.ForeignKey(Metric, models.PROTECT, related_name="figures", verbose_name=_("metric"))
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=2)
    qualifier = models.CharField(_("qualifier"), max_length=12, choices=Qualifier, default=Qualifier.EXACT)
    stage = models.CharField(_("stage"), max_length=14, choices=Stage, default=Stage.CLOSING)
    basis = models.CharField(
        _("basis"),
        max_length=24,
        choices=Basis,
        blank=True,
        help_text=_(
            "What a money figure measures, as the source's wording implies. Figures of different bases are "
            "never compared as like for like. Leave empty for figures that are not money."
        ),
    )
    wording_zh = models.CharField(
        _("wording as published (Chinese)"), max_length=200, blank=True, help_text=_("For example 合同引资额.")
    )
    wording_en = models.CharField(
        _("wording as published (English)"), max_length=200, blank=True, help_text=_("For example contract investment.")
    )
    definition_en = models.CharField(
        _("definition (English)"),
        max_length=300,
        blank=True,
        help_text=_(
            "Only where this edition counts differently from the metric's definition, e.g. "
            "deputy-minister level and above only. Figures of different definitions are not like for like."
        ),
    )
    definition_zh = models.CharField(_("definition (Chinese)"), max_length=300, blank=True)
    primary_source = _primary_source_field("primary_for_figures")
    sources = models.ManyToManyField(Source, related_name="figures", verbose_name=_("sources"))
    public_note_en = models.TextField(_("public note (English)"), blank=True, help_text=NOTE_HELP)
    public_note_zh = models.TextField(_("public note (Chinese)"), blank=True)
    research_note = models.TextField(_("research note"), blank=True, help_text=RESEARCH_NOTE_HELP)

    objects = ReportedFigureQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[sources])

    class Meta:
        ordering = ["edition", "metric__position", "stage"]
        verbose_name = _("reported figure")
        verbose_name_plural = _("reported figures")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "metric", "stage"],
                name="one_figure_per_metric_and_stage",
                violation_error_message=_("This edition already has a figure for this metric at this stage."),
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="figure_value_not_negative",
                violation_error_message=_("A reported figure cannot be negative."),
            ),
            choices_constraint("qualifier", Qualifier, "figure_qualifier_valid"),
            choices_constraint("stage", Stage, "figure_stage_valid"),
            models.CheckConstraint(condition=Q(basis="") | Q(basis__in=Basis.values), name="figure_basis_valid"),
        ]

    def __str__(self):
        return f"{self.metric}: {self.display_value}"

    @property
    def display_value(self) -> str:
        """'over 20,000', '84.475 billion yuan': the value as every page shows it."""
        return format_quantity(self.value, self.metric.unit, self.qualifier)

    @property
    def published_wording(self) -> str:
        """The source's words only, in the reader's language or else the other one ('' when none were recorded)."""
        return localized(self, "wording")

    @property
    def wording_original(self) -> str:
        """The Chinese words as published, beside an English page's wording ('' when they would repeat it)."""
        return "" if is_chinese() or self.wording_zh == self.wording else self.wording_zh

    @property
    def definition(self) -> str:
        """What this figure counts where it differs from the metric's definition; empty when it does not."""
        return localized(self, "definition")

    @property
    def public_note(self) -> str:
        return localized(self, "public_note")


class ReportedBand(CitedRow):
    """Project counts by size band exactly as an edition's release gives them."""

    edition = models.ForeignKey(Edition, models.CASCADE, related_name="reported_bands", verbose_name=_("edition"))
    lower_yuan = models.DecimalField(_("lower bound (yuan)"), max_digits=18, decimal_places=2)
    upper_yuan = models.DecimalField(
        _("upper bound (yuan)"),
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Leave empty when the band has no upper bound."),
    )
    count = models.PositiveIntegerField(_("number of projects"))
    is_nested = models.BooleanField(
        _("nested"),
        default=False,
        help_text=_(
            "Nested counts ('over X') include the projects of the higher bands; "
            "exclusive counts add up to the number of projects."
        ),
    )
    primary_source = _primary_source_field("primary_for_bands")
    sources = models.ManyToManyField(Source, related_name="reported_bands", verbose_name=_("sources"))
    public_note_en = models.TextField(_("public note (English)"), blank=True, help_text=NOTE_HELP)
    public_note_zh = models.TextField(_("public note (Chinese)"), blank=True)
    research_note = models.TextField(_("research note"), blank=True, help_text=RESEARCH_NOTE_HELP)

    class Meta:
        ordering = ["edition", "lower_yuan"]
        verbose_name = _("reported value band")
        verbose_name_plural = _("reported value bands")
        constraints = [
            models.UniqueConstraint(fields=["edition", "lower_yuan"], name="one_reported_band_per_lower_bound"),
            models.CheckConstraint(condition=Q(lower_yuan__gte=0), name="reported_band_lower_not_negative"),
            models.CheckConstraint(
                condition=Q(upper_yuan__isnull=True) | Q(upper_yuan__gt=F("lower_yuan")),
                name="reported_band_upper_above_lower",
                violation_error_message=_("The upper bound must be above the lower bound."),
            ),
        ]

    def __str__(self):
        return f"{self.label}: {self.count}"

    @property
    def label(self) -> str:
        """'over 100 million yuan' ('under 100 million yuan' from zero): as releases word a band (超1亿元).

        The sources say neither whether an edge is included nor, for exclusive bands, more than the lower edge.
        """
        if not self.lower_yuan and self.upper_yuan is not None:
            return _("under %(upper)s") % {"upper": format_quantity(self.upper_yuan, Unit.YUAN)}
        return format_quantity(self.lower_yuan, Unit.YUAN, Qualifier.MORE_THAN)

    @property
    def public_note(self) -> str:
        return localized(self, "public_note")


refuse_control_characters(Source, Edition, Metric, ReportedFigure, ReportedBand)

# The sectors and the figures for several editions at once live in modules of their own; importing them here
# registers their models, and `from editions.models import Sector` keeps working.
from editions.sectors import ReportedSector, Sector  # noqa: E402, F401
from editions.spans import SpanFigure  # noqa: E402, F401
