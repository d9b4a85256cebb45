"""No lost updates in admin change forms: the form carries the version it was opened at, a stale save is refused.

Shared by projects and editions. The model has a `version` field and django-simple-history records, which
say what others changed since and who saved it. Rows that belong to an edition and are edited on their own
pages bump their edition's version instead (editions/admin_rows.py).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def shown_value(field: models.Field, value) -> str:
    """A recorded value in plain words: the row a key points to, the label of a choice, "—" for nothing."""
    if value in (None, ""):
        return "—"
    if isinstance(field, models.ForeignKey):
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related else str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def changes_since(model, pk, version: int, *, ignored=(), shown=shown_value) -> list[str]:
    """What others changed in a row after the given version, field by field, with who saved it.

    A save that changed no field of the row itself (only rows inside it) says so in its change reason.
    """
    records = list(model.history.filter(id=pk, version__gte=version).order_by("history_date", "history_id"))
    base = next((record for record in reversed(records) if record.version == version), None)
    later = [record for record in records if record.version > version]
    if base is None or not later:
        return []
    delta = later[-1].diff_against(base, excluded_fields=list(ignored))
    lines = []
    for change in delta.changes:
        field = model._meta.get_field(change.field)
        lines.append(
            _("%(field)s: “%(old)s” → “%(new)s”")
            % {"field": field.verbose_name, "old": shown(field, change.old), "new": shown(field, change.new)}
        )
    reasons = [record.history_change_reason for record in later if record.history_change_reason]
    lines.extend(dict.fromkeys(reasons))
    people = sorted({str(record.history_user) for record in later if record.history_user})
    if people:
        lines.append(_("saved by %(people)s") % {"people": ", ".join(people)})
    return lines


def fitted_change_reason(obj, lines: list[str]) -> str:
    """Lines for a history record's change reason, shortened to what its column holds."""
    history = getattr(obj, "history", None)
    if history is None:  # a model that keeps no history has no column to fit
        return "; ".join(lines)
    limit = history.model._meta.get_field("history_change_reason").max_length
    return Truncator("; ".join(lines)).chars(limit)


def inline_changes(formsets) -> list[str]:
    """The rows a saved change form added, changed and deleted in its inlines, in plain words."""
    lines = []
    for formset in formsets:
        kind = formset.model._meta.verbose_name
        lines += [_("added %(kind)s “%(row)s”") % {"kind": kind, "row": row} for row in formset.new_objects]
        lines += [_("changed %(kind)s “%(row)s”") % {"kind": kind, "row": row} for row, __ in formset.changed_objects]
        lines += [_("deleted %(kind)s “%(row)s”") % {"kind": kind, "row": row} for row in formset.deleted_objects]
    return lines


class VersionedModelForm(forms.ModelForm):
    """Refuses a save when the row was saved by someone else since this form was opened.

    A save that passes bumps the version by one; the check locks the row until the admin's transaction
    ends, so two saves cannot both pass it. Subclasses give the model (Meta) and the refusal's wording.
    """

    loaded_version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, label=gettext_lazy("version when opened")
    )
    # Fields whose changes the refusal does not list.
    ignored_in_changes = ["version"]
    # With %(changes)s: the changes listed by changes_since.
    stale_message = None
    deleted_message = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # From the database, not the instance: a history "revert" form holds an old version.
            current = self._meta.model.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
            self.fields["loaded_version"].initial = current or self.instance.version

    def shown(self, field: models.Field, value) -> str:
        return shown_value(field, value)

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
            return cleaned
        model = self._meta.model
        loaded = cleaned.get("loaded_version")
        current = model.objects.select_for_update().filter(pk=self.instance.pk).values_list("version", flat=True)
        current = current.first()
        if current is None:
            raise ValidationError(self.deleted_message)
        if loaded is None:
            raise ValidationError(_("This form is out of date. Reload the page, then make your changes again."))
        if loaded != current:
            changes = changes_since(model, self.instance.pk, loaded, ignored=self.ignored_in_changes, shown=self.shown)
            raise ValidationError(
                self.stale_message % {"changes": "; ".join(changes) or _("none recorded")}, code="stale"
            )
        self.instance.version = current + 1
        return cleaned


class VersionCheckAdminMixin:
    """For the admin of a model whose form is a VersionedModelForm: the hidden version is always rendered."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or any("loaded_version" in options.get("fields", ()) for _, options in fieldsets):
            return fieldsets
        # The hidden version must be rendered whatever fieldsets the admin declares.
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options.get("fields", ()), "loaded_version"]}), *rest]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        rows = inline_changes(formsets)
        if not (change and rows):
            return
        # The row's own history record shows no change in its inline rows: its change reason names them, for
        # the refusal of a stale form (changes_since) and for the history page. Same transaction as the save.
        obj = form.instance
        obj.history.filter(version=obj.version).update(history_change_reason=fitted_change_reason(obj, rows))
