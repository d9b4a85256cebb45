"""Figures published for several editions at once: cumulative totals, follow-through rates, one city's projects.

A span figure is not any one edition's figure: pages and comparisons never use it as one. It is public when
an editor has published it (data entry enters drafts, as for editions) and its last edition is not a draft
here: a statement about the 1st–15th editions waits for the 15th once the portal has it as a draft. Editions
the portal does not have yet do not hold a span back (the 9th edition's follow-through rates are published facts
whether or not the 9th is recorded here). Editions inside the span that are drafts contribute nothing to any
sum a page shows (see editions/span_reconciliation.py).
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.constraints import choices_constraint
from core.formatting import format_date, format_ordinal, format_quantity, is_chinese, localized
from core.validators import refuse_control_characters
from core.vocabulary import Basis, DatePrecision, Qualifier, Stage
from editions.models import (
    NOTE_HELP,
    RESEARCH_NOTE_HELP,
    CitedRow,
    Edition,
    EditionStatus,
    Metric,
    PublishedWordingMixin,
    Source,
    _primary_source_field,
)


class SpanFigureQuerySet(models.QuerySet):
    def published(self):
        """The only door into public pages and downloads: published spans whose last edition is not a draft."""
        drafts = Edition.objects.exclude(status=EditionStatus.PUBLISHED).values("number")
        return self.filter(status=EditionStatus.PUBLISHED).exclude(last_edition__in=drafts)

    def covering(self, number: int):
        """Spans that include the edition numbered `number`."""
        return self.filter(first_edition__lte=number, last_edition__gte=number)

    def for_display(self):
        return self.select_related("metric", "primary_source").prefetch_related("sources")


class SpanFigure(PublishedWordingMixin, CitedRow):
    """One value of one metric for the editions first to last (optionally for one city or prefecture)."""

    first_edition = models.PositiveSmallIntegerField(
        _("first edition"), help_text=_("The number of the first edition the figure covers: 1 for the 1st.")
    )
    last_edition = models.PositiveSmallIntegerField(
        _("last edition"),
        help_text=_(
            "The number of the last edition the figure covers (the same as the first for one edition). "
            "While the portal has this edition as a draft, the figure is not public."
        ),
    )
    region_en = models.CharField(
        _("region (English)"),
        max_length=100,
        blank=True,
        help_text=_("A city or prefecture the figure is limited to, such as Changchun; empty for the whole expo."),
    )
    region_zh = models.CharField(_("region (Chinese)"), max_length=100, blank=True)
    metric = models.ForeignKey(Metric, models.PROTECT, related_name="span_figures", verbose_name=_("metric"))
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=2)
    qualifier = models.CharField(_("qualifier"), max_length=12, choices=Qualifier, default=Qualifier.EXACT)
    stage = models.CharField(_("stage"), max_length=14, choices=Stage, default=Stage.RETROSPECTIVE)
    as_of = models.DateField(_("as of"), help_text=_("The date the statement refers to, such as 31 Dec 2014."))
    as_of_precision = models.CharField(
        _("as-of precision"),
        max_length=4,
        choices=DatePrecision,
        default=DatePrecision.DAY,
        help_text=_("Year when the source gave only the year (the date is then 1 January of it)."),
    )
    basis = models.CharField(
        _("basis"),
        max_length=24,
        choices=Basis,
        blank=True,
        help_text=_(
            "What a money figure measures, as the source's wording implies; it is summed only with edition "
            "figures of the same basis. Leave empty for figures that are not money."
        ),
    )
    wording_zh = models.CharField(_("wording as published (Chinese)"), max_length=200, blank=True)
    wording_en = models.CharField(_("wording as published (English)"), max_length=200, blank=True)
    primary_source = _primary_source_field("primary_for_span_figures")
    sources = models.ManyToManyField(Source, related_name="span_figures", verbose_name=_("sources"))
    public_note_en = models.TextField(_("public note (English)"), blank=True, help_text=NOTE_HELP)
    public_note_zh = models.TextField(_("public note (Chinese)"), blank=True)
    research_note = models.TextField(_("research note"), blank=True, help_text=RESEARCH_NOTE_HELP)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=EditionStatus,
        default=EditionStatus.DRAFT,
        db_index=True,
        help_text=_("Only editors publish. A published figure is public unless its last edition is a draft here."),
    )

    objects = SpanFigureQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[sources])

    class Meta:
        ordering = ["first_edition", "last_edition", "region_en", "metric__position", "as_of"]
        verbose_name = _("figure for several editions")
        verbose_name_plural = _("figures for several editions")
        constraints = [
            models.UniqueConstraint(
                fields=["first_edition", "last_edition", "region_en", "metric", "basis", "as_of"],
                name="one_span_figure_per_metric_basis_and_date",
                violation_error_message=_(
                    "These editions already have a figure for this metric, basis, region and date."
                ),
            ),
            models.CheckConstraint(
                condition=Q(first_edition__gte=1),
                name="span_first_edition_positive",
                violation_error_message=_("The first edition must be 1 or more."),
            ),
            models.CheckConstraint(
                condition=Q(last_edition__gte=F("first_edition")),
                name="span_last_not_before_first",
                violation_error_message=_("The last edition cannot come before the first."),
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="span_value_not_negative",
                violation_error_message=_("A reported figure cannot be negative."),
            ),
            choices_constraint("qualifier", Qualifier, "span_qualifier_valid"),
            choices_constraint("stage", Stage, "span_stage_valid"),
            choices_constraint("as_of_precision", DatePrecision, "span_as_of_precision_valid"),
            choices_constraint("status", EditionStatus, "span_status_valid"),
            models.CheckConstraint(condition=Q(basis="") | Q(basis__in=Basis.values), name="span_basis_valid"),
        ]

    def __str__(self):
        if self.first_edition is None or self.last_edition is None or self.metric_id is None:
            return str(_("figure for several editions"))  # a row still being read from a file
        where = f" ({self.region})" if self.region else ""
        return f"{self.editions_label}{where}, {self.metric}: {self.display_value}"

    @property
    def is_published(self) -> bool:
        return self.status == EditionStatus.PUBLISHED

    @property
    def numbers(self) -> range:
        return range(self.first_edition, self.last_edition + 1)

    @property
    def edition_count(self) -> int:
        return self.last_edition - self.first_edition + 1

    @property
    def editions_label(self) -> str:
        """'1st–14th editions' / '第一届至第十四届'; '12th edition' for one."""
        return editions_label(self.first_edition, self.last_edition)

    @property
    def region(self) -> str:
        return localized(self, "region")

    @property
    def is_rate(self) -> bool:
        return self.metric.unit == "percent"

    @property
    def display_value(self) -> str:
        return format_quantity(self.value, self.metric.unit, self.qualifier)

    @property
    def display_as_of(self) -> str:
        """'31 Dec 2014' shown as 'end of 2014' (the sources' 年底), '2013' for a year, else the date."""
        return format_as_of(self.as_of, self.as_of_precision)

    @property
    def public_note(self) -> str:
        return localized(self, "public_note")


def editions_label(first: int, last: int) -> str:
    if first == last:
        return _("%(ordinal)s edition") % {"ordinal": format_ordinal(first)}
    return _("%(first)s–%(last)s editions") % {"first": format_ordinal(first), "last": format_ordinal(last)}


def format_as_of(value, precision: str) -> str:
    if value is None:
        return "—"
    if precision == DatePrecision.YEAR:
        return f"{value.year}年" if is_chinese() else str(value.year)
    if (value.month, value.day) == (12, 31):
        return _("end of %(year)s") % {"year": value.year}
    return format_date(value)


refuse_control_characters(SpanFigure)
