"""Cache invalidation only: any saved or deleted project, sector or edition stales the cached aggregates."""

from django.db.models.signals import post_delete, post_save

from editions.models import Edition
from projects.caching import projects_changed
from projects.models import Project, Sector

WATCHED = (Project, Sector, Edition)


def _stale(sender, raw=False, **kwargs):
    # A fixture or backup being loaded (raw) brings its own token row with it.
    if not raw:
        projects_changed()


for model in WATCHED:
    post_save.connect(_stale, sender=model, dispatch_uid=f"stale-aggregates-save-{model._meta.label}")
    post_delete.connect(_stale, sender=model, dispatch_uid=f"stale-aggregates-delete-{model._meta.label}")
