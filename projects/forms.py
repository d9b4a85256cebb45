"""The project admin form: it carries the version it was opened at, so no save overwrites another."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.formatting import format_yuan
from core.forms import ConstraintSentencesFormMixin
from core.versioning import VersionedModelForm, shown_value
from projects.models import PROJECT_FIELDS, Project


class VersionedProjectForm(ConstraintSentencesFormMixin, VersionedModelForm):
    """Refuses a save when the project was saved by someone else since this form was opened."""

    ignored_in_changes = ["version", "created_at", "updated_at"]
    stale_message = _(
        "Someone else saved this project since you opened it, so your changes were not saved. "
        "Their changes: %(changes)s. Reload the page to see the current version, then make your "
        "changes again."
    )
    deleted_message = _("This project has been deleted since you opened it.")

    class Meta:
        model = Project
        fields = PROJECT_FIELDS

    def shown(self, field: models.Field, value) -> str:
        if field.name == "value" and value not in (None, ""):
            return format_yuan(value)
        return shown_value(field, value)
