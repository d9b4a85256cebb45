"""The workbook's pages in the admin: its template, the upload with its preview, and the confirmation.

The upload is kept (core/import_files.py) only when its preview found nothing wrong; the confirmation names it
in a signed token that also names the user, so it cannot be pointed at another file or confirmed by anyone else.
"""

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.import_files import KEEP_SECONDS, ImportFileMissing, ImportFileStorage, remove_stale_import_files
from core.import_formats import MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, ImportFileError
from core.validators import printable
from editions.models import Edition
from projects.workbook.reading import extension_of_upload, read_workbook
from projects.workbook.services import WorkbookRefused, import_workbook
from projects.workbook.template import template_xlsx, template_zip

SALT = "projects.workbook.confirm"
TEMPLATE_NAME = "edition-workbook-template"


class WorkbookUploadForm(forms.Form):
    workbook = forms.FileField(
        label=gettext_lazy("Workbook"),
        help_text=gettext_lazy("An .xlsx workbook, or a .zip of CSV files (UTF-8) named like the sheets."),
    )

    def clean_workbook(self):
        upload = self.cleaned_data["workbook"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s MB; at most %(max)s MB can be imported at once. Split it into smaller files.")
                % {"size": upload.size // 2**20, "max": MAX_IMPORT_BYTES // 2**20}
            )
        self.name = printable(upload.name) or "workbook"
        self.content = b"".join(upload.chunks())
        try:
            self.datasets = read_workbook(self.content, self.name)
        except ImportFileError as error:
            raise forms.ValidationError(str(error)) from None
        return upload


class WorkbookAdminMixin:
    """For the projects' ModelAdmin: the workbook of an edition, reached from the editions' and projects' lists."""

    workbook_template = "admin/projects/workbook/import.html"

    def has_workbook_permission(self, request) -> bool:
        user = request.user
        return all(
            user.has_perm(f"{app}.{action}_{model}")
            for app, model in (("editions", "edition"), ("projects", "project"))
            for action in ("add", "change")
        )

    def get_urls(self):
        return [
            path("workbook/", self.admin_site.admin_view(self.workbook_view), name="projects_project_workbook"),
            path(
                "workbook/confirm/",
                self.admin_site.admin_view(self.workbook_confirm_view),
                name="projects_project_workbook_confirm",
            ),
            path(
                "workbook/template.<str:extension>",
                self.admin_site.admin_view(self.workbook_template_view),
                name="projects_project_workbook_template",
            ),
            *super().get_urls(),
        ]

    def _workbook_url(self) -> str:
        return reverse("admin:projects_project_workbook", current_app=self.admin_site.name)

    def workbook_template_view(self, request, extension: str):
        if not self.has_workbook_permission(request):
            raise PermissionDenied
        if extension == "xlsx":
            content, content_type = template_xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        elif extension == "zip":
            content, content_type = template_zip(), "application/zip"
        else:
            raise Http404(_("The workbook template comes as .xlsx or as a .zip of CSV files."))
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{TEMPLATE_NAME}.{extension}"'
        return response

    def _workbook_page(self, request, context, status: int = 200):
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import an edition workbook"),
            "opts": self.opts,
            "edition_opts": Edition._meta,
            "max_megabytes": MAX_IMPORT_BYTES // 2**20,
            "max_rows": f"{MAX_IMPORT_ROWS:,}",
            **context,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.workbook_template, context, status=status)

    def workbook_view(self, request):
        """GET: the upload form. POST: the preview of everything the workbook would write, written by nothing."""
        if not self.has_workbook_permission(request):
            raise PermissionDenied
        remove_stale_import_files()
        form = WorkbookUploadForm(request.POST or None, request.FILES or None)
        if request.method != "POST":
            return self._workbook_page(request, {"form": form})
        if not form.is_valid():
            return self._workbook_page(request, {"form": form}, status=400)
        try:
            outcome = import_workbook(form.datasets, user=request.user, file_name=form.name, dry_run=True)
        except WorkbookRefused as refusal:
            return self._workbook_page(request, {"form": form, "refusal": str(refusal)}, status=403)
        context = {"form": form, "outcome": outcome}
        if outcome.only_examples:
            context["nothing"] = _(
                "This workbook holds only the template's example rows (edition 0, source S0), which are never "
                "imported: nothing would be imported. Replace them with your edition's rows and upload it again."
            )
            return self._workbook_page(request, context, status=400)
        if not outcome.ok:
            return self._workbook_page(request, context, status=400)
        kept = ImportFileStorage(extension=extension_of_upload(form.name))
        kept.save(form.content)
        context["token"] = signing.dumps({"file": kept.name, "name": form.name, "user": request.user.pk}, salt=SALT)
        return self._workbook_page(request, context)

    @method_decorator(require_POST)
    def workbook_confirm_view(self, request):
        """The confirmation: imports the kept workbook for real, or nothing; the kept file is removed either way."""
        if not self.has_workbook_permission(request):
            raise PermissionDenied
        remove_stale_import_files()
        try:
            token = signing.loads(request.POST.get("token", ""), salt=SALT, max_age=KEEP_SECONDS)
        except signing.BadSignature:
            return self._workbook_refused(
                request, _("This confirmation does not match a workbook previewed here. Upload it again.")
            )
        if token.get("user") != request.user.pk:
            return self._workbook_refused(
                request, _("This confirmation does not match a workbook previewed here. Upload it again.")
            )
        kept = ImportFileStorage(name=token["file"])
        if "cancel" in request.POST:
            kept.remove()
            self.message_user(request, _("The workbook import was cancelled; nothing was imported."), messages.INFO)
            return HttpResponseRedirect(self._workbook_url())
        try:
            data = kept.read()
        except ImportFileMissing:
            return self._workbook_refused(
                request, _("The previewed workbook is no longer kept (previews are kept for an hour). Upload it again.")
            )
        try:
            outcome = import_workbook(
                read_workbook(data, token["name"]), user=request.user, file_name=token["name"], dry_run=False
            )
        except ImportFileError as error:
            return self._workbook_refused(request, str(error))
        except WorkbookRefused as refusal:  # published since the preview
            return self._workbook_refused(request, str(refusal), status=403)
        finally:
            kept.remove()
        if not outcome.ok:
            first = str(outcome.problems[0]) if outcome.problems else ""
            self.message_user(
                request,
                _(
                    "Nothing was imported: %(first)s (%(count)s problem(s) in all). Check the workbook and upload "
                    "it again."
                )
                % {"first": first, "count": len(outcome.problems)},
                messages.ERROR,
            )
            return HttpResponseRedirect(self._workbook_url())
        edition = Edition.objects.get(number=outcome.edition_number)
        if edition.is_published:
            done = _("The workbook was imported into the %(edition)s: %(summary)s.")
        else:
            done = _(
                "The workbook was imported into the %(edition)s (a draft until an editor publishes it): %(summary)s."
            )
        self.message_user(request, done % {"edition": edition, "summary": outcome.summary()}, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:editions_edition_change", args=[edition.pk]))

    def _workbook_refused(self, request, message: str, status: int = 400):
        return self._workbook_page(request, {"form": WorkbookUploadForm(), "refusal": message}, status=status)
