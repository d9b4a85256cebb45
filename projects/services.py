"""Writes on projects that go beyond one form: restoring earlier and deleted versions, and what follows an import."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.caching.tokens import changed
from editions.services import can_publish
from projects.models import Project


def _check_rights(project: Project, user) -> None:
    if not user.has_perm("projects.add_project") or not user.has_perm("projects.change_project"):
        raise PermissionDenied(_("You cannot restore projects."))
    if project.edition.is_published and not can_publish(user):
        raise PermissionDenied(
            _("The %(edition)s is published; only editors can change its data.") % {"edition": project.edition}
        )


@transaction.atomic
def restore_deleted_project(history_id: int, user) -> Project:
    """Bring back a deleted project, under its old id, exactly as it was when deleted."""
    try:
        record = Project.history.get(history_id=history_id, history_type="-")
    except Project.history.model.DoesNotExist:
        raise ValidationError(_("There is no deleted project with this history entry.")) from None
    if Project.objects.filter(pk=record.id).exists():
        raise ValidationError(_("“%(title)s” has already been restored.") % {"title": record.title})
    project = record.instance
    try:
        project.edition  # noqa: B018 - the edition, sector and source must still exist
    except Project.edition.RelatedObjectDoesNotExist:
        raise ValidationError(_("The project's edition no longer exists.")) from None
    _check_rights(project, user)
    project.version = record.version + 1
    project.full_clean(validate_unique=False)
    project._history_user = user
    project._change_reason = _("restored after deletion")
    project.save(force_insert=True)
    return project


@transaction.atomic
def restore_project_version(history_id: int, user) -> Project:
    """Put a project back as it was in an earlier version; the restore is itself a new version."""
    record = Project.history.get(history_id=history_id)
    current = Project.objects.select_for_update().get(pk=record.id)
    _check_rights(current, user)
    project = record.instance
    _check_rights(project, user)
    project.version = current.version + 1
    project.created_at = current.created_at
    project._state.adding = False
    project.full_clean(validate_unique=False)
    project._history_user = user
    project._change_reason = _("restored version of %(date)s") % {"date": f"{record.history_date:%Y-%m-%d %H:%M}"}
    project.save()
    return project


def projects_imported(edition_ids: set[int]) -> None:
    """What follows an import's batched writes, once for the whole file, inside its transaction.

    Batched writes send no signals (projects/signals.py), so whatever the signals do for one saved project is
    done here for the editions whose projects the import added or changed: their cached aggregates go stale.
    """
    changed(editions=edition_ids)
