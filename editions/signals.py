"""Cache invalidation for the editions app's rows (core/caching): which cached data a change makes stale.

An edition stales its own aggregates (its name and year are in them); a sector every edition's (its names and
order are in them); figures, bands, metrics, sources and sector shares only the rendered pages, as no project
aggregate reads them.
"""

from core.caching.tokens import watch
from editions.models import Edition, Metric, ReportedBand, ReportedFigure, ReportedSector, Sector, Source, SpanFigure

watch(Edition, editions=lambda edition: [edition.pk])
watch(Sector, all_editions=True)
for model in (Metric, ReportedFigure, ReportedBand, ReportedSector, Source, SpanFigure):
    watch(model)
