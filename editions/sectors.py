"""The sectors of signed projects: one canonical vocabulary, and the names each edition's release published."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.formatting import localized
from core.validators import refuse_control_characters
from editions.models import Edition, Source

# The slug of the sectors import template's example row, which no sector may have (the template imports nothing).
EXAMPLE_SECTOR_SLUG = "example"


class Sector(models.Model):
    """A sector of signed projects: a vocabulary shared by every edition, like the metrics."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True, help_text=_("Used in links: ?sector=new-energy"))
    name_en = models.CharField(_("name (English)"), max_length=120, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=120, blank=True)
    position = models.PositiveSmallIntegerField(_("display order"), default=100)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name_en"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.slug and self.slug.casefold() == EXAMPLE_SECTOR_SLUG:
            message = _("“%(slug)s” is the slug of the import template's example row; choose another slug.")
            raise ValidationError({"slug": ValidationError(message, code="example", params={"slug": self.slug})})

    @property
    def name(self) -> str:
        """The sector's name in the active language (the other one when that is empty)."""
        return localized(self, "name")


class ReportedSector(models.Model):
    """A sector an edition's release names for its signed projects, in the release's order.

    Releases name one sector differently from edition to edition ("Healthcare", "Medical and elderly
    care"): `sector` is the canonical sector that comparisons and facets use, and the published name is
    kept beside it, as the release worded it.
    """

    edition = models.ForeignKey(Edition, models.CASCADE, related_name="reported_sectors", verbose_name=_("edition"))
    sector = models.ForeignKey(
        Sector,
        models.PROTECT,
        related_name="reported_in",
        verbose_name=_("canonical sector"),
        help_text=_("The sector every edition's comparisons use for the name the release published."),
    )
    published_name_en = models.CharField(
        _("name as published (English)"),
        max_length=200,
        blank=True,
        help_text=_("The release's own words, such as “medical and elderly care”; empty when it used the sector's."),
    )
    published_name_zh = models.CharField(_("name as published (Chinese)"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("order in the release"), default=0)
    sources = models.ManyToManyField(Source, related_name="reported_sectors", verbose_name=_("sources"))

    class Meta:
        ordering = ["edition", "position"]
        verbose_name = _("sector named in a release")
        verbose_name_plural = _("sectors named in releases")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "sector"],
                name="one_reported_sector_per_edition",
                violation_error_message=_(
                    "This edition's release already names a sector mapped to this canonical sector."
                ),
            ),
        ]

    def __str__(self):
        published = self.published_name
        if published and published.lower() != self.sector.name.lower():
            return f"{self.edition}: {self.sector} ({published})"
        return f"{self.edition}: {self.sector}"

    @property
    def published_name(self) -> str:
        """The release's name for the sector in the reader's language (the other one when that is empty)."""
        return localized(self, "published_name")


refuse_control_characters(Sector, ReportedSector)
