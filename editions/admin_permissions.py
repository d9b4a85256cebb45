"""Who may change what in the admin: data entry works on drafts, editors on everything.

Enforced on the server: object-level change/delete permissions, and forms that refuse to put
anything into a published edition.
"""

from django.utils.translation import gettext as _

from editions.forms import DraftEditionFormMixin
from editions.models import Edition
from editions.services import can_publish


def edition_of(obj) -> Edition | None:
    if obj is None:
        return None
    if isinstance(obj, Edition):
        return obj
    return getattr(obj, "edition", None)


class DraftOnlyForDataEntryMixin:
    """For ModelAdmins and inlines of data that belongs to an edition (projects, figures, bands).

    Users who cannot publish may change and delete only what belongs to a draft edition; they see
    published data read-only.
    """

    def touches_published_data(self, obj) -> bool:
        edition = edition_of(obj)
        return edition is not None and edition.is_published

    def published_data_refusal(self, obj) -> str | None:
        """The reason a user who cannot publish may not change obj, for the pages that refuse it."""
        if not self.touches_published_data(obj):
            return None
        return _("The %(edition)s is published; only editors can change its data.") % {"edition": edition_of(obj)}

    def _allowed(self, request, obj) -> bool:
        return obj is None or can_publish(request.user) or not self.touches_published_data(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._allowed(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._allowed(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "edition" not in form.base_fields:
            return form
        return type(form.__name__, (DraftEditionFormMixin, form), {"request": request})


def cited_by_published_data(source) -> bool:
    """Whether a published figure or project cites the source: then only editors change it (forms and imports)."""
    if source is None or source.pk is None:
        return False
    return (
        source.figures.filter(edition__status="published").exists()
        or source.projects.filter(edition__status="published").exists()
        or source.span_figures.published().exists()
    )


class SourceRightsMixin(DraftOnlyForDataEntryMixin):
    """A source cited by a published figure or project is changed only by editors."""

    def touches_published_data(self, obj) -> bool:
        return cited_by_published_data(obj)

    def published_data_refusal(self, obj) -> str | None:
        if not self.touches_published_data(obj):
            return None
        return _("This source is cited by published figures or projects; only editors can change it.")


class PublishedSpanRightsMixin(DraftOnlyForDataEntryMixin):
    """A published figure for several editions is changed or deleted only by editors, who alone publish it."""

    def touches_published_data(self, obj) -> bool:
        # As given (a version a revert would put back) or as stored; a form that would publish it refuses itself.
        if obj is None or obj.pk is None:
            return False
        return obj.is_published or type(obj).objects.filter(pk=obj.pk, status="published").exists()

    def published_data_refusal(self, obj) -> str | None:
        if not self.touches_published_data(obj):
            return None
        return _("This figure is published; only editors can change it.")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"request": request})
