"""Publishing (an edition is a draft until an editor publishes it), and changes made to an edition through its rows."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.versioning import fitted_change_reason
from editions.models import Edition, EditionStatus

PUBLISH_PERMISSION = "editions.publish_edition"


def can_publish(user) -> bool:
    return bool(user and user.is_active and user.has_perm(PUBLISH_PERMISSION))


def _locked(edition: Edition) -> Edition:
    return Edition.objects.select_for_update().get(pk=edition.pk)


@transaction.atomic
def publish_edition(*, edition: Edition, user) -> Edition:
    """Make a draft edition public, recording who published it and when."""
    if not can_publish(user):
        raise PermissionDenied(_("Only editors can publish an edition."))
    edition = _locked(edition)
    if edition.is_published:
        raise ValidationError(_("The %(edition)s is already published.") % {"edition": edition})
    edition.status = EditionStatus.PUBLISHED
    edition.version += 1  # a form opened before this save is refused (core/versioning.py)
    edition.published_at = timezone.now()
    edition.published_by = user
    edition.full_clean()
    edition._history_user = user
    edition._change_reason = _("published")
    edition.save()
    return edition


@transaction.atomic
def unpublish_edition(*, edition: Edition, user) -> Edition:
    """Take a published edition off the public site; it becomes a draft again."""
    if not can_publish(user):
        raise PermissionDenied(_("Only editors can unpublish an edition."))
    edition = _locked(edition)
    if not edition.is_published:
        raise ValidationError(_("The %(edition)s is not published.") % {"edition": edition})
    edition.status = EditionStatus.DRAFT
    edition.version += 1  # a form opened before this save is refused (core/versioning.py)
    edition.published_at = None
    edition.published_by = None
    edition.full_clean()
    edition._history_user = user
    edition._change_reason = _("unpublished")
    edition.save()
    return edition


@transaction.atomic
def record_edition_change(*, edition_ids, reason: str, user=None) -> None:
    """A change to rows that belong to editions (figures, bands, sector shares) made outside their forms.

    Each edition gets a new version, so a change form opened before is refused instead of putting the old
    rows back (core/versioning.py), and a history record saying what changed and who changed it.
    """
    for edition in Edition.objects.select_for_update().filter(pk__in=set(edition_ids) - {None}):
        edition.version += 1
        edition._change_reason = fitted_change_reason(edition, [reason])
        if user is not None and user.is_authenticated:
            edition._history_user = user
        edition.save(update_fields=["version"])
