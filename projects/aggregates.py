"""Aggregates of the projects kept up to date when projects are written (projects/tallying.py), so that the
public pages read a few thousand small rows instead of grouping a million projects.

Kept for every edition, published or not: publishing an edition changes no project, and the pages ask for
published editions only.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import DerivedRows
from editions.models import Edition, ReportedBand, Sector


class AggregateCell(DerivedRows):
    """How many projects, and what they add up to, for one edition, sector, scope, partner, kind and value band.

    Every facet of the projects table, every breakdown of an edition summary and every figure the comparison
    pages compute from recorded projects (but the median, projects/selectors.py) is a sum of cells.
    """

    edition = models.ForeignKey(Edition, models.CASCADE, related_name="+", verbose_name=_("edition"))
    sector = models.ForeignKey(Sector, models.CASCADE, related_name="+", verbose_name=_("sector"))
    scope = models.CharField(_("scope"), max_length=14)
    partner = models.CharField(_("partner country or region"), max_length=2, blank=True)
    kind = models.CharField(_("kind"), max_length=10)  # a projects.models.ProjectKind value
    band_position = models.PositiveSmallIntegerField(_("value band"))  # projects.bands.VALUE_BANDS index
    # Not unsigned: a delta briefly below zero must not fail the write that applies it (rows at zero go).
    count = models.BigIntegerField(_("number of projects"))
    total = models.DecimalField(_("total value (yuan)"), max_digits=24, decimal_places=2)
    # Of `count`, those made up for illustration: whether a page must say it includes illustrative projects.
    illustrative = models.BigIntegerField(_("number of illustrative projects"))

    class Meta:
        verbose_name = _("aggregate cell")
        verbose_name_plural = _("aggregate cells")
        constraints = [
            models.UniqueConstraint(
                # The kind last: the facets sum over it, grouping the cells in the index's order.
                fields=["edition", "sector", "scope", "partner", "band_position", "kind"],
                name="one_aggregate_cell_per_key_and_kind",
            )
        ]
        # The facet counts of a partner or a band together with another facet read its cells only
        # (projects/cell_counts.py); the edition and the sector have the constraint's and the foreign key's.
        indexes = [
            models.Index(fields=["partner"], name="aggregate_cell_partner"),
            models.Index(fields=["band_position"], name="aggregate_cell_band"),
        ]

    def __str__(self):
        key = f"{self.edition_id}/{self.sector_id}/{self.scope}/{self.partner}/{self.kind}/{self.band_position}"
        return f"{key}: {self.count}"


class PublishedBandTally(DerivedRows):
    """The projects of a band's edition within the band's own edges (a release's edges need not be the site's)."""

    band = models.OneToOneField(
        ReportedBand, models.CASCADE, primary_key=True, related_name="tally", verbose_name=_("reported value band")
    )
    count = models.BigIntegerField(_("number of projects"))
    total = models.DecimalField(_("total value (yuan)"), max_digits=24, decimal_places=2)

    class Meta:
        verbose_name = _("published band tally")
        verbose_name_plural = _("published band tallies")

    def __str__(self):
        return f"{self.band_id}: {self.count}"
