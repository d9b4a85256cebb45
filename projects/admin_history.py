"""Deleted projects in the admin: a list of them and a restore button for each."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from core.admin_history import role_refusal
from projects.models import Project
from projects.services import restore_deleted_project


class DeletedProjectsAdminMixin:
    change_list_template = "admin/projects/project/change_list.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path("deleted/", self.admin_site.admin_view(self.deleted_view), name=f"{info[0]}_{info[1]}_deleted"),
            path(
                "deleted/<int:history_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name=f"{info[0]}_{info[1]}_restore",
            ),
            *super().get_urls(),
        ]

    def deleted_view(self, request):
        """Projects deleted and not restored since, newest deletion first."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        still_there = Project.objects.filter(pk=OuterRef("id"))
        records = (
            Project.history.filter(history_type="-")
            .exclude(Exists(still_there))
            .select_related("history_user", "edition")
            .order_by("-history_date")[:500]
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Deleted projects"),
            "opts": self.opts,
            "records": records,
            "can_restore": self.has_add_permission(request),
        }
        return TemplateResponse(request, "admin/projects/project/deleted_projects.html", context)

    def restore_view(self, request, history_id: int):
        """A refusal by role is a 403 that says why, like a history revert's (core/admin_history.py)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        deleted_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_deleted")
        if not self.has_add_permission(request):
            return self.refused(request, role_refusal(self.opts, "add"), back_url=deleted_url)
        try:
            project = restore_deleted_project(history_id, request.user)
        except PermissionDenied as error:
            return self.refused(request, str(error) or _("You cannot restore projects."), back_url=deleted_url)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(deleted_url)
        self.message_user(request, _("Restored “%(title)s”.") % {"title": project.title}, messages.SUCCESS)
        return HttpResponseRedirect(
            reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[project.pk])
        )
