"""Rows that belong to an edition (figures, bands, sector shares), edited on their own admin pages."""

from django.utils.translation import gettext as _

from editions.services import record_edition_change


class EditionRowAdminMixin:
    """For the admin of rows that belong to an edition (figures, bands, sector shares) on their own pages.

    A save or delete there changes the edition as much as its inline rows do: the edition gets a new
    version (editions.services.record_edition_change), so an edition form opened before is refused.
    """

    def save_model(self, request, obj, form, change):
        previous = None  # the edition it may be moved from, as stored: a history revert's form starts from an old one
        if change:
            previous = type(obj)._default_manager.filter(pk=obj.pk).values_list("edition", flat=True).first()
        super().save_model(request, obj, form, change)
        word = _("changed %(kind)s “%(row)s”") if change else _("added %(kind)s “%(row)s”")
        self._record(request, [obj.edition_id, previous], word % self._described(obj))

    def delete_model(self, request, obj):
        reason = _("deleted %(kind)s “%(row)s”") % self._described(obj)
        edition_id = obj.edition_id
        super().delete_model(request, obj)
        self._record(request, [edition_id], reason)

    def delete_queryset(self, request, queryset):
        # One new version and one history line per edition, however many of its rows go.
        deleted: dict[int, list[str]] = {}
        for row in queryset.select_related(*self.list_select_related):
            deleted.setdefault(row.edition_id, []).append(_("deleted %(kind)s “%(row)s”") % self._described(row))
        super().delete_queryset(request, queryset)
        for edition_id, lines in deleted.items():
            self._record(request, [edition_id], "; ".join(lines))

    def _described(self, obj) -> dict:
        return {"kind": obj._meta.verbose_name, "row": obj}

    def _record(self, request, edition_ids, reason: str) -> None:
        record_edition_change(edition_ids=edition_ids, reason=reason, user=request.user)
