"""The project admin form: it carries the version it was opened at, so no save overwrites another."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from editions.formatting import format_yuan
from projects.models import Project

IGNORED_IN_CHANGES = ["version", "created_at", "updated_at"]


def _shown(field: models.Field, value) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(field, models.ForeignKey):
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related else str(value)
    if field.name == "value":
        return format_yuan(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def changes_since(project_id: int, version: int) -> list[str]:
    """What others changed in a project after the given version, field by field, with who saved it."""
    records = list(Project.history.filter(id=project_id, version__gte=version).order_by("history_date", "history_id"))
    base = next((record for record in reversed(records) if record.version == version), None)
    later = [record for record in records if record.version > version]
    if base is None or not later:
        return []
    delta = later[-1].diff_against(base, excluded_fields=IGNORED_IN_CHANGES)
    lines = []
    for change in delta.changes:
        field = Project._meta.get_field(change.field)
        lines.append(
            _("%(field)s: “%(old)s” → “%(new)s”")
            % {"field": field.verbose_name, "old": _shown(field, change.old), "new": _shown(field, change.new)}
        )
    people = sorted({str(record.history_user) for record in later if record.history_user})
    if people:
        lines.append(_("saved by %(people)s") % {"people": ", ".join(people)})
    return lines


class VersionedProjectForm(forms.ModelForm):
    """Refuses a save when the project was saved by someone else since this form was opened."""

    loaded_version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, label=gettext_lazy("version when opened")
    )

    class Meta:
        model = Project
        fields = [
            "edition",
            "title",
            "title_zh",
            "sector",
            "scope",
            "partner",
            "parties",
            "parties_zh",
            "location",
            "value",
            "signed_on",
            "description",
            "description_zh",
            "source",
            "is_illustrative",
            "kind",
            "status",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # From the database, not the instance: a history "revert" form holds an old version.
            current = Project.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
            self.fields["loaded_version"].initial = current or self.instance.version

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
            return cleaned
        loaded = cleaned.get("loaded_version")
        # Locked until the admin's transaction ends, so two saves cannot both pass this check.
        current = Project.objects.select_for_update().filter(pk=self.instance.pk).values_list("version", flat=True)
        current = current.first()
        if current is None:
            raise ValidationError(_("This project has been deleted since you opened it."))
        if loaded is None:
            raise ValidationError(_("This form is out of date. Reload the page, then make your changes again."))
        if loaded != current:
            changes = changes_since(self.instance.pk, loaded)
            raise ValidationError(
                _(
                    "Someone else saved this project since you opened it, so your changes were not saved. "
                    "Their changes: %(changes)s. Reload the page to see the current version, then make your "
                    "changes again."
                )
                % {"changes": "; ".join(changes) or _("none recorded")},
                code="stale",
            )
        self.instance.version = current + 1
        return cleaned
