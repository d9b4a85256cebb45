"""What a workbook upload may be: the limits of every import, a zip of CSV files only, the sheets' names."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pytest_django.asserts import assertContains

import core.import_formats
from editions.models import Edition
from editions.resources import ReportedFigureResource
from projects.workbook.template import template_zip
from tests.factories import EditionFactory, SectorFactory
from tests.projects.workbook_helpers import NUMBER, as_csv_zip, filled_workbook
from tests.staff_helpers import login, role_user

pytestmark = pytest.mark.django_db

WORKBOOK_URL = reverse("admin:projects_project_workbook")
CONFIRM_URL = reverse("admin:projects_project_workbook_confirm")


@pytest.fixture
def data_entry(client):
    return login(client, role_user("Data entry"))


@pytest.fixture
def sectors():
    return SectorFactory(name_en="Wind power", slug="wind-power"), SectorFactory(name_en="Farming", slug="farming")


def upload(client, content: bytes, name: str):
    return client.post(WORKBOOK_URL, {"workbook": SimpleUploadedFile(name, content)})


def zipped(files: dict[str, bytes]) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return output.getvalue()


def test_the_csv_template_is_a_zip_of_one_file_per_sheet_and_imports_nothing(data_entry):
    response = data_entry.get(reverse("admin:projects_project_workbook_template", args=["zip"]))
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert names == [
        "Help.csv",
        "Edition.csv",
        "Sources.csv",
        "Figures.csv",
        "Bands.csv",
        "Sectors.csv",
        "Projects.csv",
    ]
    refused = upload(data_entry, template_zip(), "template.zip")
    assertContains(refused, "holds only the template&#x27;s example rows", status_code=400)


def test_a_sheet_over_the_row_limit_is_refused_before_anything_is_imported(data_entry, sectors, monkeypatch):
    monkeypatch.setattr(core.import_formats, "MAX_IMPORT_ROWS", 2)
    response = upload(data_entry, filled_workbook(*sectors), "edition.xlsx")
    assertContains(
        response,
        "Figures: The sheet says it has 4 rows below the header (its size is A1:N5); at most 2 can be imported",
        status_code=400,
    )
    assert not Edition.objects.filter(number=NUMBER).exists()


def test_a_file_over_the_size_limit_is_refused(data_entry, monkeypatch):
    import projects.workbook.admin

    monkeypatch.setattr(projects.workbook.admin, "MAX_IMPORT_BYTES", 1024)
    response = upload(data_entry, b"x" * 2048 * 1024, "edition.xlsx")
    assertContains(response, "The file is 2 MB; at most 0 MB can be imported at once.", status_code=400)


def test_a_zip_holding_something_else_than_csv_files_is_refused(data_entry):
    response = upload(data_entry, zipped({"Edition.csv": b"number\n15\n", "notes.docx": b"..."}), "edition.zip")
    assertContains(response, "The zip holds &#x27;notes.docx&#x27;; it may hold only CSV files", status_code=400)


def test_a_csv_file_not_in_utf8_is_named(data_entry):
    response = upload(data_entry, zipped({"Edition.csv": "number,city\n15,Zürich\n".encode("latin-1")}), "e.zip")
    assertContains(response, "Edition.csv: The CSV file is not in UTF-8.", status_code=400)


def test_a_file_that_is_no_workbook_is_refused_with_a_sentence(data_entry):
    response = upload(data_entry, b"not a zip at all", "edition.xlsx")
    assertContains(response, "could not be read as XLSX. Is it really a XLSX file?", status_code=400)
    response = upload(data_entry, b"number\n15\n", "edition.csv")
    assertContains(response, "is not an XLSX workbook or a zip of CSV files.", status_code=400)


def test_the_single_model_imports_keep_their_own_options(data_entry, sectors):
    upload(data_entry, filled_workbook(*sectors), "edition.xlsx")
    assert not ReportedFigureResource._meta.store_instance


def test_an_edition_published_between_preview_and_confirmation_is_refused_for_data_entry(data_entry, sectors):
    edition = EditionFactory(number=NUMBER, year=2025, draft=True)
    preview = upload(data_entry, as_csv_zip(filled_workbook(*sectors)), "edition.zip")
    assert preview.status_code == 200
    edition.status = "published"
    edition.save()
    response = data_entry.post(CONFIRM_URL, {"token": preview.context["token"], "confirm": "yes"})
    assertContains(response, "is published; only editors can import a workbook for it.", status_code=403)
    assert not edition.projects.exists()


def test_cancelling_removes_the_kept_file_and_imports_nothing(data_entry, sectors):
    from tests.projects.test_workbook import kept_file

    preview = upload(data_entry, filled_workbook(*sectors), "edition.xlsx")
    assert kept_file(preview).is_file()
    done = data_entry.post(CONFIRM_URL, {"token": preview.context["token"], "cancel": "yes"}, follow=True)
    assertContains(done, "The workbook import was cancelled; nothing was imported.")
    assert not kept_file(preview).exists()
    assert not Edition.objects.filter(number=NUMBER).exists()
