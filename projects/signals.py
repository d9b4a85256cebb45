"""Cache invalidation only: any saved or deleted row a public page shows stales the cached pages and aggregates.

A project stales the aggregates of its edition only (and of the edition it was moved from); an edition
its own; a sector every edition's (its names and order are in them); figures, bands, metrics, sources
and sector shares only the rendered pages, as no project aggregate reads them.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from editions.models import Edition, Metric, ReportedBand, ReportedFigure, Source
from projects.caching import projects_changed
from projects.models import Project, ReportedSector, Sector

PAGES_ONLY = (Metric, ReportedFigure, ReportedBand, ReportedSector, Source)
# The sources of a figure, band or sector share are shown beside it.
WATCHED_M2M = (ReportedFigure.sources.through, ReportedBand.sources.through, ReportedSector.sources.through)


def _pages_stale(sender, raw=False, action=None, **kwargs):
    # A fixture or backup being loaded (raw) brings its own token rows with it.
    if raw or (action is not None and not action.startswith("post_")):
        return
    projects_changed(editions=())


def _everything_stale(sender, raw=False, **kwargs):
    if not raw:
        projects_changed()


def _edition_stale(sender, instance, raw=False, **kwargs):
    if not raw:
        projects_changed(editions=[instance.pk])


def _remember_previous_edition(sender, instance, raw=False, **kwargs):
    """The edition a project is being moved from, whose aggregates lose it (one query, only when unknown)."""
    # Not read from the database (built by hand with a primary key, as an import may): look it up.
    if raw or instance.pk is None or hasattr(instance, "_loaded_edition_id"):
        return
    instance._loaded_edition_id = Project.objects.filter(pk=instance.pk).values_list("edition_id", flat=True).first()


def _project_stale(sender, instance, raw=False, **kwargs):
    if raw:
        return
    editions = {instance.edition_id, getattr(instance, "_loaded_edition_id", None)} - {None}
    projects_changed(editions=editions)
    instance._loaded_edition_id = instance.edition_id  # a second save moves it from here


for model in PAGES_ONLY:
    post_save.connect(_pages_stale, sender=model, dispatch_uid=f"stale-pages-save-{model._meta.label}")
    post_delete.connect(_pages_stale, sender=model, dispatch_uid=f"stale-pages-delete-{model._meta.label}")
for through in WATCHED_M2M:
    m2m_changed.connect(_pages_stale, sender=through, dispatch_uid=f"stale-pages-m2m-{through._meta.label}")

post_save.connect(_everything_stale, sender=Sector, dispatch_uid="stale-all-save-sector")
post_delete.connect(_everything_stale, sender=Sector, dispatch_uid="stale-all-delete-sector")
post_save.connect(_edition_stale, sender=Edition, dispatch_uid="stale-edition-save")
post_delete.connect(_edition_stale, sender=Edition, dispatch_uid="stale-edition-delete")
pre_save.connect(_remember_previous_edition, sender=Project, dispatch_uid="stale-project-previous-edition")
post_save.connect(_project_stale, sender=Project, dispatch_uid="stale-project-save")
post_delete.connect(_project_stale, sender=Project, dispatch_uid="stale-project-delete")
