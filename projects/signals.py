"""Cache invalidation for projects (core/caching): a saved or deleted project stales its edition's aggregates,
and those of the edition it was moved from; the aggregate cells (projects/tallying.py) that count it; and the
copy of its edition's number that the table sorts by, when an edition is renumbered or a backup loaded."""

from django.db.models.signals import post_delete, post_save, pre_delete

from core.caching.tokens import remember_before_save, watch
from core.signals import data_restored
from core.time_limits import time_limit
from editions.models import ReportedBand, numbers_changed
from projects.models import Project
from projects.tallying import (
    TALLIED_FIELDS,
    apply_changes,
    normalised,
    rebuild_cells,
    refresh_band_tallies,
    state_of,
    suspended,
)


def _stored_state(project: Project):
    """What the project's row counts for now, locked until the write commits: an instance read earlier may be
    out of date (another save, an update() since), and two saves of one project must not take the same state
    away twice."""
    stored = Project.objects.select_for_update().filter(pk=project.pk).values_list(*TALLIED_FIELDS).first()
    return normalised(stored) if stored else None


def _remember_previous_state(sender, instance, raw=False, **kwargs):
    """The edition a project is being moved from, whose aggregates lose it, and what it counted for in the
    aggregate cells (one query, in the save's transaction)."""
    if raw or instance.pk is None:
        return
    instance._loaded_state = _stored_state(instance)
    if instance._loaded_state is not None:
        instance._loaded_edition_id = instance._loaded_state[0]


def _remember_deleted_state(sender, instance, **kwargs):
    if instance.pk is not None and not suspended():  # a queryset's delete counts its editions again instead
        instance._loaded_state = _stored_state(instance)


def _editions_of(project: Project) -> set[int]:
    editions = {project.edition_id, getattr(project, "_loaded_edition_id", None)}
    project._loaded_edition_id = project.edition_id  # a second save moves it from here
    return editions


def _count_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw:  # a backup being loaded: restore_data counts every edition afterwards
        return
    old = None if created else getattr(instance, "_loaded_state", None)
    new = state_of(instance)
    if old is not None and update_fields is not None:
        # Only these fields were written: the others still hold what was read.
        written = {name.removesuffix("_id") for name in update_fields}
        new = tuple(
            value if name.removesuffix("_id") in written else old[index]
            for index, (name, value) in enumerate(zip(TALLIED_FIELDS, new, strict=True))
        )
    if old != new:
        apply_changes([*([(old, -1)] if old is not None else []), (new, 1)])
    instance._loaded_state = new


def _count_deleted(sender, instance, **kwargs):
    apply_changes([(getattr(instance, "_loaded_state", None) or state_of(instance), -1)])


def _recount_band(sender, instance, raw=False, **kwargs):
    # A band added or its edges changed: its projects are counted again, in the band's transaction.
    if not raw:
        refresh_band_tallies([instance.pk])


remember_before_save(Project, _remember_previous_state)
watch(Project, editions=_editions_of)
post_save.connect(_count_saved, sender=Project, dispatch_uid="tally-project-save")
pre_delete.connect(_remember_deleted_state, sender=Project, dispatch_uid="tally-project-before-delete")
post_delete.connect(_count_deleted, sender=Project, dispatch_uid="tally-project-delete")
post_save.connect(_recount_band, sender=ReportedBand, dispatch_uid="tally-reported-band-save")


# An edition of a million-project portal has some 50,000 projects to rewrite: longer than a page's statements may take.
RENUMBERING_TIME_LIMIT_MS = 120_000


def _renumber_projects(sender, editions, **kwargs):
    # In the renumbering's transaction: no reader sees the edition and its projects disagree.
    with time_limit(RENUMBERING_TIME_LIMIT_MS):
        Project.objects.filter(edition_id__in=editions).sync_edition_numbers()


numbers_changed.connect(_renumber_projects, dispatch_uid="projects-follow-edition-numbers")


def _count_restored(sender, **kwargs):
    # A backup loads its rows as they were written (and one from before the copied number has none).
    Project.objects.sync_edition_numbers()
    rebuild_cells()


data_restored.connect(_count_restored, dispatch_uid="tally-after-restore")
