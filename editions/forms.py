"""Admin forms of edition data: draft-only editing for data entry."""

from django.utils.translation import gettext as _

from editions.services import can_publish


class DraftEditionFormMixin:
    """Refuses, for users who cannot publish, to put anything into a published edition.

    The admin sets ``request`` on the form class; the edition field is ``edition``.
    """

    request = None

    def clean(self):
        cleaned = super().clean()
        edition = cleaned.get("edition")
        user = getattr(self.request, "user", None)
        if edition is not None and edition.is_published and user and not can_publish(user):
            self.add_error(
                "edition",
                _("The %(edition)s is published; only editors can change its data.") % {"edition": edition},
            )
        return cleaned
