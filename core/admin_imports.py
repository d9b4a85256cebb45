"""Import and export in the admin: mixins the ModelAdmins plug in.

``StaffExportMixin`` adds CSV/XLSX export to any changelist; ``StaffImportExportMixin`` adds the
import (template file, dry-run preview, one transaction, plain row errors) as well.
"""

from django.contrib import messages
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from import_export.admin import ExportMixin, ImportExportMixin

from core.forms import StaffConfirmImportForm, StaffImportForm
from core.import_files import ImportFileMissing, ImportFileStorage, extension_of, remove_stale_import_files
from core.import_formats import ImportFileError, read_dataset
from core.imports import EXPORT_FORMATS, IMPORT_FORMATS, ROWS_SHOWN, import_error_lines
from core.validators import control_character, printable


def refused(request, modeladmin, message: str, *, link_url: str, link_text: str, title: str):
    """A 400 page in the admin saying what is wrong, with a link to go on from."""
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": modeladmin.opts,
        "message": message,
        "link_url": link_url,
        "link_text": link_text,
    }
    return TemplateResponse(request, "admin/refused.html", context, status=400)


class RefuseControlCharactersInListsMixin:
    """A changelist searched or filtered by text with a control character: a 400 saying so, not a database error."""

    def changelist_view(self, request, extra_context=None):
        for values in request.GET.lists():
            character = next(filter(None, (control_character(value) for value in values[1])), None)
            if character:
                url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
                return refused(
                    request,
                    self,
                    _("The search or filter contains a control character (%(character)s); remove it.")
                    % {"character": character},
                    link_url=url,
                    link_text=_("Show the whole list"),
                    title=str(self.opts.verbose_name_plural),
                )
        return super().changelist_view(request, extra_context)


PREVIEW_ROWS = ROWS_SHOWN


class StaffExportMixin(RefuseControlCharactersInListsMixin, ExportMixin):
    export_formats = EXPORT_FORMATS

    def has_export_permission(self, request):
        return self.has_view_permission(request)


class StaffImportExportMixin(RefuseControlCharactersInListsMixin, ImportExportMixin):
    import_formats = IMPORT_FORMATS
    export_formats = EXPORT_FORMATS
    import_form_class = StaffImportForm
    confirm_form_class = StaffConfirmImportForm
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

    def get_tmp_storage_class(self):
        return ImportFileStorage

    def import_action(self, request, **kwargs):
        """The upload and its preview (a dry run). The upload is read once, by the form; its bytes are kept for
        the confirmation only when the preview found nothing wrong."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        remove_stale_import_files()
        form = self.create_import_form(request)
        resource = self.get_import_resource_classes(request)[0](**self.get_import_resource_kwargs(request, form=form))
        context = self.get_import_context_data()
        if request.method == "POST" and form.is_valid():
            resource = self.choose_import_resource_class(form, request)(
                **self.get_import_resource_kwargs(request, form=form, **kwargs)
            )
            upload = form.cleaned_data["import_file"]
            result = resource.import_data(
                form.dataset,
                dry_run=True,
                raise_errors=False,
                file_name=upload.name,
                user=request.user,
                **self.get_import_data_kwargs(request=request, form=form, **kwargs),
            )
            context["result"] = result
            if result.has_errors() or result.has_validation_errors():
                context["error_lines"] = import_error_lines(result, resource)
            else:
                kept = self.get_tmp_storage_class()(extension=form.extension)
                kept.save(form.content)
                upload.tmp_storage_name = kept.name
                context["confirm_form"] = self.create_confirm_form(request, import_form=form)
                context["preview_rows"] = preview_rows(result, resource)
                context["preview_note"] = preview_note(result)
        context.update(self.admin_site.each_context(request))
        context.update(
            {
                "title": _("Import"),
                "form": form,
                "opts": self.opts,
                "media": self.media + form.media,
                "fields_list": [(resource.get_display_name(), resource.columns())],
                "import_error_display": self.import_error_display,
                "import_columns": resource.columns(),
                "required_columns": resource.required_columns,
                "template_url_name": f"admin:{self.opts.app_label}_{self.opts.model_name}_import_template",
            }
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        """The confirmation: imports the kept file, or refuses (400) a confirmation that names no kept file."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        remove_stale_import_files()
        form = self.create_confirm_form(request)
        name = request.POST.get("import_file_name", "")
        if "cancel" in request.POST:
            self.get_tmp_storage_class()(name=name).remove()
            self.message_user(request, _("The import was cancelled; nothing was imported."), messages.INFO)
            return HttpResponseRedirect(self._import_url())
        mismatch = _("This confirmation does not match a file previewed here. Upload the file again.")
        formats = self.get_import_formats()
        resources = self.get_import_resource_classes(request)
        if not form.is_valid():
            return self._refused(request, mismatch)
        format_index = _index(form.cleaned_data["format"], len(formats))
        resource_index = _index(form.cleaned_data.get("resource") or "0", len(resources))
        name = form.cleaned_data["import_file_name"]
        file_format = formats[format_index]() if format_index is not None else None
        if resource_index is None or file_format is None or file_format.get_extension() != extension_of(name):
            return self._refused(request, mismatch)
        kept = self.get_tmp_storage_class()(name=name)
        try:
            data = kept.read()
        except ImportFileMissing:
            return self._refused(
                request,
                _("The previewed file is no longer kept (previews are kept for an hour). Upload the file again."),
            )
        try:
            dataset = read_dataset(file_format, data, form.cleaned_data["original_file_name"])
            resources[resource_index].check_dataset(dataset)
        except ImportFileError as error:
            kept.remove()
            return self._refused(request, f"{error} {_('Upload the file again.')}")
        request.import_file_name = form.cleaned_data["original_file_name"]
        result = self.process_dataset(dataset, form, request, **kwargs)
        kept.remove()
        return self.process_result(result, request)

    def generate_log_entries(self, result, request):
        """One entry in the admin's log for the whole import, not one per row: each row's history has the rest."""
        if self.get_skip_admin_log():
            return
        totals = result.totals
        if not (totals["new"] or totals["update"]):
            return
        name = printable(getattr(request, "import_file_name", "") or "")
        LogEntry.objects.create(
            user_id=request.user.pk,
            content_type=ContentType.objects.get_for_model(self.model),
            object_repr=Truncator(name).chars(200),
            action_flag=CHANGE if totals["update"] else ADDITION,
            change_message=_("Imported from %(file)s: %(new)s new, %(update)s changed, %(skip)s unchanged.")
            % {"file": name, "new": totals["new"], "update": totals["update"], "skip": totals["skip"]},
        )

    def _import_url(self) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import", current_app=self.admin_site.name)

    def _refused(self, request, message: str):
        return refused(
            request,
            self,
            message,
            link_url=self._import_url(),
            link_text=_("Upload the file again"),
            title=_("Import"),
        )

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
            return HttpResponseRedirect(self._import_url())
        return super().process_result(result, request)


def preview_rows(result, resource) -> list[tuple[str, list]]:
    """The first rows of a preview, each with what it does and its values as they will be stored.

    A page of ten thousand rows helps nobody and takes long to draw; the counts say what the rest do.
    """
    rows = []
    for row in result.valid_rows()[:PREVIEW_ROWS]:
        if row.diff is None and row.instance is None:  # an empty line of the file
            continue
        cells = row.diff
        if cells is None:  # batched imports skip the library's diff: the record itself is shown
            cells = [field.export(row.instance) for field in resource.get_import_fields()]
        rows.append((row.import_type, cells))
    return rows


def preview_note(result) -> str:
    totals = result.totals
    counts = {
        "rows": f"{sum(totals[kind] for kind in ('new', 'update', 'skip')):,}",
        "new": f"{totals['new']:,}",
        "update": f"{totals['update']:,}",
        "skip": f"{totals['skip']:,}",
        "shown": f"{PREVIEW_ROWS:,}",
    }
    if len(result.valid_rows()) > PREVIEW_ROWS:
        return (
            _("%(rows)s rows: %(new)s new, %(update)s to change, %(skip)s unchanged. The first %(shown)s are shown.")
            % counts
        )
    return _("%(rows)s rows: %(new)s new, %(update)s to change, %(skip)s unchanged.") % counts


def _index(value: str, count: int) -> int | None:
    """A list index sent back by a form, or None when it is not one."""
    value = str(value)
    return int(value) if value.isascii() and value.isdigit() and int(value) < count else None
