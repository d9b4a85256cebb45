"""No lost updates in the project admin: the form carries its version; a stale save is refused."""

from django.db import transaction

from projects.forms import VersionedProjectForm


class VersionCheckAdminMixin:
    form = VersionedProjectForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or any("loaded_version" in options.get("fields", ()) for _, options in fieldsets):
            return fieldsets
        # The hidden version must be rendered whatever fieldsets the admin declares.
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options.get("fields", ()), "loaded_version"]}), *rest]

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # The version check locks the row; the revert view is not wrapped in a transaction by default.
        with transaction.atomic():
            return super().history_form_view(request, object_id, version_id, extra_context)
