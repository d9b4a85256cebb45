"""History pages in the admin: simple-history's revert is a save, under the same rules as the change form.

As shipped, simple-history lets anyone who may view an object's history post its revert form, and saves the
record's values whole, read-only fields included. Here a revert (and the restore of a deleted row, which the
same form does) is allowed only to a user who may change the row as it is now and as it would be after the
revert (and may add rows, when it is gone). Anyone else sees the version read-only, and a post is refused
with a 403 that says why; nothing is written. An edition's status is not reverted either: publishing goes
through the publishing service only (editions/admin_publishing.py).

Every admin of a model with history derives from HistoryAdmin; a test checks that none is left out.
"""

from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth import get_permission_codename
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.utils import get_history_model_for_model


def role_refusal(opts, action: str) -> str:
    """The sentence for a user whose role lacks the model permission for an action ("add" or "change")."""
    if action == "add":
        return _("Your role does not let you add %(objects)s.") % {"objects": opts.verbose_name_plural}
    return _("Your role does not let you change %(objects)s.") % {"objects": opts.verbose_name_plural}


class HistoryAdmin(SimpleHistoryAdmin):
    # simple-history's own templates, but with classes (static/css/admin-extra.css) for their inline styles.
    object_history_template = "admin/history/object_history.html"
    object_history_list_template = "admin/history/object_history_list.html"
    object_history_form_template = "admin/history/object_history_form.html"
    history_refused_template = "admin/history/refused.html"

    def get_history_queryset(self, request, history_manager, pk_name: str, object_id):
        # The library asks for select_related() with no field names when a model has no foreign key, which
        # Django deprecates (it means "every relation"); ask for the foreign keys it tracks, or none.
        records = history_manager.filter(**{pk_name: object_id})
        if not isinstance(history_manager.model.history_user, property):
            records = records.select_related("history_user")
        keys = [field.name for field in history_manager.model.tracked_fields if isinstance(field, models.ForeignKey)]
        return records.select_related(*keys) if keys else records

    def published_data_refusal(self, obj) -> str | None:
        """Why a user with the model's change permission still may not change obj (editions/admin_permissions.py)."""
        return None

    def change_refusal(self, request, obj) -> str | None:
        if self.has_change_permission(request, obj):
            return None
        opts = self.opts
        # Only a role that may change some rows of the model is refused this one for its published data.
        changes_some = request.user.has_perm(f"{opts.app_label}.{get_permission_codename('change', opts)}")
        return (changes_some and self.published_data_refusal(obj)) or role_refusal(opts, "change")

    def revert_refusal(self, request, obj) -> str | None:
        """Why this user may not save obj, a row as a history record has it; None when they may.

        Checked on the row as it is now and as it would be: a figure may be reverted neither while its
        edition is published nor back into a published edition.
        """
        current = self.model._default_manager.filter(pk=obj.pk).first()
        if current is None:  # reverting restores it
            if not self.has_add_permission(request):
                return role_refusal(self.opts, "add")
            return self.change_refusal(request, obj)
        return self.change_refusal(request, current) or self.change_refusal(request, obj)

    def revert_notice(self, request, obj) -> str | None:
        """A sentence the revert form shows above the fields, when the revert will not do all one may expect."""
        return None

    def revert_disabled(self, request, obj=None):
        return super().revert_disabled(request, obj) or (
            obj is not None and self.revert_refusal(request, obj) is not None
        )

    def refused(self, request, refusal: str, *, back_url: str):
        """A 403 page in the admin's style that says why nothing was written."""
        context = {
            **self.admin_site.each_context(request),
            "title": _("Not allowed"),
            "opts": self.opts,
            "refusal": refusal,
            "back_url": back_url,
        }
        return TemplateResponse(request, self.history_refused_template, context, status=403)

    def _history_url(self, obj) -> str:
        opts = self.opts
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk], current_app=self.admin_site.name
        )

    def _recorded(self, object_id, version_id):
        """The row as the history record has it; 404 for a record that does not exist or an id that is no id."""
        history_model = get_history_model_for_model(self.model)
        try:
            lookup = {
                self.opts.pk.attname: self.opts.pk.to_python(object_id),
                "history_id": history_model._meta.pk.to_python(version_id),
            }
        except ValidationError:
            raise Http404 from None
        return get_object_or_404(history_model, **lookup).instance

    def history_view(self, request, object_id, extra_context=None):
        try:
            self.opts.pk.to_python(object_id)
        except ValidationError:
            raise Http404 from None
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # One transaction for the checks, the version check's lock (core/versioning.py) and the save.
        with transaction.atomic():
            obj = self._recorded(object_id, version_id)
            if request.method == "POST":
                refusal = self.revert_refusal(request, obj)
                if refusal is not None:
                    return self.refused(request, refusal, back_url=self._history_url(obj))
            return super().history_form_view(request, object_id, version_id, extra_context)

    def render_history_view(self, request, template, context, **kwargs):
        adminform = context.get("adminform")
        if adminform is not None:
            obj = context["original"]
            context["revert_notice"] = self.revert_notice(request, obj)
            refusal = self.revert_refusal(request, obj)
            if refusal is not None:
                context.update(revert_refusal=refusal, revert_disabled=True, adminform=self._read_only(adminform))
        return super().render_history_view(request, template, context, **kwargs)

    def _read_only(self, adminform):
        """The version's values as text, like Django's change form for a user who may only view."""
        form = adminform.form

        def shown(name) -> bool:
            return not (isinstance(name, str) and name in form.fields and form.fields[name].widget.is_hidden)

        fieldsets = [
            (title, {**options, "fields": [name for name in options["fields"] if shown(name)]})
            for title, options in adminform.fieldsets
        ]
        readonly = flatten_fieldsets(fieldsets)
        return helpers.AdminForm(form, fieldsets, {}, readonly_fields=readonly, model_admin=self)
