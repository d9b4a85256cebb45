"""The import and export pages of the admin, driven as staff use them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pytest_django.asserts import assertContains

from projects.models import Project
from tests.factories import EditionFactory, ProjectFactory, SourceFactory
from tests.projects.test_imports import HEADERS, csv_bytes, project_rows, xlsx_bytes
from tests.staff_helpers import login, role_user

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:projects_project_import")
CONFIRM_URL = reverse("admin:projects_project_process_import")


@pytest.fixture
def staff_client(client):
    return login(client, role_user(None))


@pytest.fixture
def draft_edition():
    SourceFactory(key="S1")
    return EditionFactory(number=14, draft=True)


def upload(client, name: str, content: bytes):
    return client.post(IMPORT_URL, {"resource": "0", "format": "", "import_file": SimpleUploadedFile(name, content)})


def confirm(client, preview):
    form = preview.context["confirm_form"]
    return client.post(CONFIRM_URL, {name: form.initial.get(name, "") for name in form.fields}, follow=True)


@pytest.mark.parametrize(("name", "make"), [("projects.csv", csv_bytes), ("projects.xlsx", xlsx_bytes)])
def test_staff_preview_then_confirm_an_import_of_120_projects(staff_client, draft_edition, name, make):
    preview = upload(staff_client, name, make(HEADERS, project_rows(14, 120, "S1")))
    assert preview.status_code == 200
    assertContains(preview, "Confirm import")
    assertContains(preview, "Imported project 120")
    assert Project.objects.count() == 0

    done = confirm(staff_client, preview)
    assertContains(done, "Import finished")
    assert Project.objects.filter(edition=draft_edition).count() == 120


def test_one_bad_row_shows_its_number_and_reason_and_imports_nothing(staff_client, draft_edition):
    rows = project_rows(14, 40, "S1")
    rows[15][3] = "lots"
    rows[21][2] = "Renewables"
    response = upload(staff_client, "projects.csv", csv_bytes(HEADERS, rows))
    assert response.status_code == 200
    assertContains(response, "Row 17: value must be a number in yuan (got &#x27;lots&#x27;)")
    assertContains(response, "Row 23: unknown sector &#x27;Renewables&#x27; — did you mean &#x27;New energy&#x27;?")
    assert "confirm_form" not in response.context
    assert Project.objects.count() == 0


def test_a_file_gone_bad_between_preview_and_confirm_imports_nothing(staff_client, draft_edition):
    preview = upload(staff_client, "projects.csv", csv_bytes(HEADERS, project_rows(14, 10, "S1")))
    # Someone publishes the edition before the data-entry clerk confirms: the whole file is refused.
    login(staff_client, role_user("Data entry"))
    draft_edition.status = "published"
    draft_edition.save()
    done = confirm(staff_client, preview)
    assertContains(done, "Nothing was imported: Row 2: edition 14 is published")
    assert Project.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("projects.docx", b"PK\x03\x04", "is not a CSV or XLSX file"),
        ("projects.csv", b"title,value\r\nA,5\r\n", "The file has no column &#x27;edition&#x27;."),
        ("projects.csv", b"\r\n", "The file is empty"),
    ],
)
def test_files_that_cannot_be_imported_get_a_message_not_an_error_page(staff_client, name, content, message):
    response = upload(staff_client, name, content)
    assert response.status_code == 200
    assertContains(response, message)


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_the_template_file_has_the_columns_and_an_example_row(staff_client, extension):
    response = staff_client.get(reverse("admin:projects_project_import_template", args=[extension]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="project-import-template.{extension}"'
    if extension == "csv":
        assert response.content.startswith(b"\xef\xbb\xbfedition,")  # the byte-order mark, once, for Excel
        lines = response.content.decode("utf-8-sig").splitlines()
        assert lines[0].startswith("edition,title,title_zh,sector,value,scope,partner")
        assert lines[1].startswith("0,Wind farm phase 2,风电场二期,New energy,1.5亿")  # edition 0: the example


@pytest.mark.parametrize(
    "model", ["editions_edition", "editions_source", "editions_reportedfigure", "projects_project", "editions_sector"]
)
def test_every_changelist_exports_csv(staff_client, model):
    ProjectFactory(title="Exported wind farm", source__key="S5")
    response = export(staff_client, model, "0")
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf") and response.content.count(b"\xef\xbb\xbf") == 1


def export(client, model: str, file_format: str):
    url = reverse(f"admin:{model}_export")
    form = client.get(url).context["form"]
    data = {name: "on" for name, field in form.fields.items() if field.initial is True}
    return client.post(url, {**data, "format": file_format, "resource": "0"})


def test_project_export_csv_reimports_as_it_is(staff_client):
    project = ProjectFactory(title="Exported wind farm", source__key="S5", edition__number=14)
    response = export(staff_client, "projects_project", "0")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("edition,title,title_zh,sector,value")
    assert lines[1].startswith(f"14,Exported wind farm,{project.title_zh},{project.sector.name_en},250000000")
    # The file as downloaded, byte-order mark and all, goes back in: the first column is still "edition".
    preview = upload(staff_client, "projects.csv", response.content)
    assert preview.status_code == 200
    assert "confirm_form" in preview.context, preview.context.get("error_lines")


def test_project_export_xlsx(staff_client):
    ProjectFactory(title="Exported wind farm")
    response = export(staff_client, "projects_project", "1")
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
