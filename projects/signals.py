"""Cache invalidation only: any saved or deleted row a public page shows stales the cached aggregates and pages."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from editions.models import Edition, Metric, ReportedBand, ReportedFigure, Source
from projects.caching import projects_changed
from projects.models import Project, ReportedSector, Sector

# Projects, sectors and editions feed the aggregates; the rest feed the cached rendered pages too.
WATCHED = (Project, Sector, Edition, Metric, ReportedFigure, ReportedBand, ReportedSector, Source)
# The sources of a figure, band or sector share are shown beside it.
WATCHED_M2M = (ReportedFigure.sources.through, ReportedBand.sources.through, ReportedSector.sources.through)


def _stale(sender, raw=False, action=None, **kwargs):
    # A fixture or backup being loaded (raw) brings its own token row with it.
    if raw or (action is not None and not action.startswith("post_")):
        return
    projects_changed()


for model in WATCHED:
    post_save.connect(_stale, sender=model, dispatch_uid=f"stale-aggregates-save-{model._meta.label}")
    post_delete.connect(_stale, sender=model, dispatch_uid=f"stale-aggregates-delete-{model._meta.label}")

for through in WATCHED_M2M:
    m2m_changed.connect(_stale, sender=through, dispatch_uid=f"stale-aggregates-m2m-{through._meta.label}")
