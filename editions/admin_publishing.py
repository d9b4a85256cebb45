"""Publishing in the admin: actions and a per-edition page that show the reconciliation first."""

from django.contrib import messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from editions.models import Edition, EditionStatus
from editions.reconciliation import edition_reconciliation
from editions.services import can_publish, publish_edition, unpublish_edition

# Changed only by publish_edition and unpublish_edition, never by a form or a history revert.
PUBLICATION_FIELDS = ["status", "published_at", "published_by_id"]


def kept_status_notice(edition: Edition) -> str:
    if edition.is_published:
        return _("Reverting neither publishes nor unpublishes: the %(edition)s stays published.") % {"edition": edition}
    return _("Reverting neither publishes nor unpublishes: the %(edition)s stays a draft.") % {"edition": edition}


class PublishingAdminMixin:
    """For the Edition admin. Status and publication stamps change only through the services."""

    publish_confirmation_template = "admin/editions/edition/publish_confirmation.html"
    change_form_template = "admin/editions/edition/change_form.html"
    actions = ["publish_selected", "unpublish_selected"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields + [name for name in ("status", "published_at", "published_by") if name not in fields]

    def has_publish_permission(self, request) -> bool:
        return can_publish(request.user)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<int:object_id>/publish/",
                self.admin_site.admin_view(self.publish_view),
                name=f"{info[0]}_{info[1]}_publish",
            ),
            path(
                "<int:object_id>/unpublish/",
                self.admin_site.admin_view(self.unpublish_view),
                name=f"{info[0]}_{info[1]}_unpublish",
            ),
            *super().get_urls(),
        ]

    def _changelist_url(self):
        return reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist", current_app=self.admin_site.name
        )

    def _publish(self, request, editions) -> int:
        done = 0
        for edition in editions:
            try:
                publish_edition(edition=edition, user=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(request, _("Published %(count)s edition(s).") % {"count": done}, messages.SUCCESS)
        return done

    def _confirmation(self, request, editions, *, action: str | None):
        context = {
            **self.admin_site.each_context(request),
            "title": _("Publish editions?"),
            "opts": self.opts,
            "reconciliations": [edition_reconciliation(edition=edition) for edition in editions],
            "editions": editions,
            "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, self.publish_confirmation_template, context)

    def publish_selected(self, request, queryset):
        if not can_publish(request.user):
            raise PermissionDenied
        editions = list(queryset.filter(status="draft"))
        if not editions:
            self.message_user(request, _("None of the selected editions is a draft."), messages.WARNING)
            return None
        if request.POST.get("confirm") == "yes":
            self._publish(request, editions)
            return None
        return self._confirmation(request, editions, action="publish_selected")

    publish_selected.short_description = gettext_lazy("Publish the selected draft editions…")
    publish_selected.allowed_permissions = ("publish",)

    def unpublish_selected(self, request, queryset):
        if not can_publish(request.user):
            raise PermissionDenied
        done = 0
        for edition in queryset.filter(status="published"):
            unpublish_edition(edition=edition, user=request.user)
            done += 1
        self.message_user(request, _("Unpublished %(count)s edition(s); they are drafts again.") % {"count": done})

    unpublish_selected.short_description = gettext_lazy("Unpublish the selected editions")
    unpublish_selected.allowed_permissions = ("publish",)

    def publish_view(self, request, object_id: int):
        """GET: the reconciliation and a confirm button. POST: publish."""
        if not can_publish(request.user):
            raise PermissionDenied
        edition = get_object_or_404(Edition, pk=object_id)
        if request.method == "POST":
            self._publish(request, [edition])
            return HttpResponseRedirect(self._changelist_url())
        return self._confirmation(request, [edition], action=None)

    def unpublish_view(self, request, object_id: int):
        if not can_publish(request.user):
            raise PermissionDenied
        edition = get_object_or_404(Edition, pk=object_id)
        if request.method == "POST":
            try:
                unpublish_edition(edition=edition, user=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.WARNING)
            else:
                self.message_user(request, _("The %(edition)s is a draft again.") % {"edition": edition})
        return HttpResponseRedirect(self._changelist_url())

    def save_model(self, request, obj, form, change):
        # A history revert holds the status and stamps of its day: the edition keeps the ones it has (a
        # restored one comes back a draft). The change form's row lock (core/versioning.py) holds them.
        current = Edition.objects.filter(pk=obj.pk).values(*PUBLICATION_FIELDS).first() if obj.pk else None
        current = current or {"status": EditionStatus.DRAFT, "published_at": None, "published_by_id": None}
        kept = change and current["status"] != obj.status
        for name in PUBLICATION_FIELDS:
            setattr(obj, name, current[name])
        if kept:
            self.message_user(request, kept_status_notice(obj), messages.WARNING)
        super().save_model(request, obj, form, change)

    def revert_notice(self, request, obj):
        current = Edition.objects.filter(pk=obj.pk).first()
        if current is not None and current.status != obj.status:
            return kept_status_notice(current)
        return super().revert_notice(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_publish"] = can_publish(request.user)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)
