"""Import and export in the admin: mixins the ModelAdmins plug in.

``StaffExportMixin`` adds CSV/XLSX export to any changelist; ``StaffImportExportMixin`` adds the
import (template file, dry-run preview, one transaction, plain row errors) as well.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from import_export.admin import ExportMixin, ImportExportMixin

from core.forms import StaffImportForm
from core.imports import EXPORT_FORMATS, IMPORT_FORMATS, import_error_lines


class StaffExportMixin(ExportMixin):
    export_formats = EXPORT_FORMATS

    def has_export_permission(self, request):
        return self.has_view_permission(request)


class StaffImportExportMixin(ImportExportMixin):
    import_formats = IMPORT_FORMATS
    export_formats = EXPORT_FORMATS
    import_form_class = StaffImportForm
    import_template_name = "admin/staff_import.html"

    def has_import_permission(self, request):
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.add_{opts.model_name}") and request.user.has_perm(
            f"{opts.app_label}.change_{opts.model_name}"
        )

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "import/template.<str:extension>",
                self.admin_site.admin_view(self.import_template_view),
                name=f"{info[0]}_{info[1]}_import_template",
            ),
            *super().get_urls(),
        ]

    def import_template_view(self, request, extension: str):
        """The file to fill in: the columns and one example row."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        by_extension = {file_format().get_extension(): file_format for file_format in EXPORT_FORMATS}
        if extension not in by_extension:
            raise Http404(_("Templates come as .csv or .xlsx."))
        file_format = by_extension[extension]()
        resource_class = self.get_import_resource_classes(request)[0]
        content = file_format.export_data(resource_class.template_dataset())
        response = HttpResponse(content, content_type=file_format.get_content_type())
        response["Content-Disposition"] = f'attachment; filename="{self.opts.model_name}-import-template.{extension}"'
        return response

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        # One bad row rolls back the whole file, in the confirm step too.
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None)
        if context is not None:
            resource = self.get_import_resource_classes(request)[0]()
            context["import_columns"] = resource.columns()
            context["required_columns"] = resource.required_columns
            context["template_url_name"] = f"admin:{self.opts.app_label}_{self.opts.model_name}_import_template"
            if context.get("result") is not None:
                context["error_lines"] = import_error_lines(context["result"], resource)
        return response

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            resource = self.get_import_resource_classes(request)[0]()
            lines = import_error_lines(result, resource)
            self.message_user(
                request,
                _("Nothing was imported: %(first)s (%(count)s problem(s) in all). Check the file and import it again.")
                % {"first": lines[0] if lines else "", "count": len(lines)},
                messages.ERROR,
            )
            url = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_import", current_app=self.admin_site.name
            )
            return HttpResponseRedirect(url)
        return super().process_result(result, request)
