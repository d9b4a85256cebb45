"""Admin mixins every app's ModelAdmins share: deletion refused with a sentence, counts without a GROUP BY."""

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.utils import unquote
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@admin.action(permissions=["delete"], description=_("Delete selected %(verbose_name_plural)s"))
def delete_selected(modeladmin, request, queryset):
    """Django's bulk delete, refused with plain sentences when a selected row is still in use.

    Named like Django's action so that it replaces it on the admins that list it.
    """
    refusals = [message for obj in queryset if (message := modeladmin.deletion_refusal(obj))]
    if refusals:
        for message in refusals:
            modeladmin.message_user(request, message, messages.ERROR)
        return None
    return django_delete_selected(modeladmin, request, queryset)


class RefuseDeletionInUseMixin:
    """Refuse to delete a row other rows still need, with a sentence rather than a list of thousands.

    Subclasses return that sentence from `deletion_refusal`, or None when the row may go.
    """

    actions = [delete_selected]

    def deletion_refusal(self, obj) -> str | None:
        return None

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and self.has_delete_permission(request, obj):
            message = self.deletion_refusal(obj)
            if message:
                self.message_user(request, message, messages.ERROR)
                return HttpResponseRedirect(
                    reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
                )
        return super().delete_view(request, object_id, extra_context)


def related_count(model, related_name: str):
    """The number of rows pointing at each row, as a subquery: no GROUP BY over the whole related table.

    The related model is looked up by its relation's name, so the caller needs no import of it.
    """
    relation = model._meta.get_field(related_name)
    rows = relation.related_model._base_manager.filter(**{relation.field.name: OuterRef("pk")})
    return Coalesce(
        Subquery(rows.order_by().values(relation.field.name).annotate(n=Count("pk")).values("n")),
        0,
    )
