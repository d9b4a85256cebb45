"""The confirm step of an import: a confirmation that does not match a previewed file is refused with a page
saying so, and the files kept between preview and confirm do not pile up."""

import os
import re
import tempfile
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pytest_django.asserts import assertContains

from projects.models import Project
from tests.factories import EditionFactory, SourceFactory
from tests.projects.test_imports import HEADERS, csv_bytes, project_rows
from tests.staff_helpers import login, role_user

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:projects_project_import")
CONFIRM_URL = reverse("admin:projects_project_process_import")
MISMATCH = "This confirmation does not match a file previewed here. Upload the file again."
EXPIRED = "The previewed file is no longer kept (previews are kept for an hour). Upload the file again."


@pytest.fixture(autouse=True)
def import_dir(tmp_path, monkeypatch):
    folder = tmp_path / "imports"
    monkeypatch.setattr("core.import_files.IMPORT_DIR", folder)
    return folder


@pytest.fixture
def staff_client(client):
    SourceFactory(key="S1")
    EditionFactory(number=14, draft=True)
    return login(client, role_user(None))


def preview(client, rows=5, content=None):
    content = content or csv_bytes(HEADERS, project_rows(14, rows, "S1"))
    response = client.post(
        IMPORT_URL, {"resource": "0", "format": "", "import_file": SimpleUploadedFile("projects.csv", content)}
    )
    assert response.status_code == 200
    return response


def confirm_data(response) -> dict:
    form = response.context["confirm_form"]
    return {name: form.initial.get(name, "") for name in form.fields}


def kept_files(folder) -> list[str]:
    return sorted(os.listdir(folder)) if folder.exists() else []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("format", "1", MISMATCH),  # the XLSX reader for a CSV file
        ("format", "7", MISMATCH),  # no such format
        ("format", "x", MISMATCH),
        ("format", "²", MISMATCH),
        ("resource", "9", MISMATCH),
        ("import_file_name", "doesnotexist", MISMATCH),
        ("import_file_name", "../../etc/passwd", MISMATCH),
        ("import_file_name", "", MISMATCH),
        ("import_file_name", "0123456789abcdef0123456789abcdef.csv", EXPIRED),
    ],
)
def test_a_tampered_confirmation_is_refused_with_a_page_saying_so(staff_client, field, value, message):
    data = confirm_data(preview(staff_client))
    data[field] = value
    response = staff_client.post(CONFIRM_URL, data)
    assertContains(response, message, status_code=400)
    assertContains(response, IMPORT_URL, status_code=400)  # a link to upload it again
    assert Project.objects.count() == 0


def test_a_confirmation_cannot_read_a_file_outside_the_import_folder(staff_client, import_dir):
    data = confirm_data(preview(staff_client))
    with tempfile.NamedTemporaryFile(dir=tempfile.gettempdir(), suffix=".csv", delete=False) as stray:
        stray.write(csv_bytes(HEADERS, project_rows(14, 3, "S1")))
    try:
        data["import_file_name"] = os.path.basename(stray.name)
        response = staff_client.post(CONFIRM_URL, data)
        assert response.status_code == 400
        assert Project.objects.count() == 0
    finally:
        os.remove(stray.name)


def test_previewed_files_are_kept_in_a_folder_of_their_own_under_a_random_name(staff_client, import_dir):
    data = confirm_data(preview(staff_client))
    assert re.fullmatch(r"[0-9a-f]{32}\.csv", data["import_file_name"])
    assert kept_files(import_dir) == [data["import_file_name"]]
    assert import_dir != tempfile.gettempdir()


def test_the_file_is_removed_once_the_import_is_confirmed(staff_client, import_dir):
    response = staff_client.post(CONFIRM_URL, confirm_data(preview(staff_client)), follow=True)
    assertContains(response, "Import finished")
    assert Project.objects.count() == 5
    assert kept_files(import_dir) == []


def test_cancelling_removes_the_file_and_imports_nothing(staff_client, import_dir):
    data = confirm_data(preview(staff_client))
    response = staff_client.post(CONFIRM_URL, {**data, "cancel": "Cancel"}, follow=True)
    assertContains(response, "The import was cancelled; nothing was imported.")
    assert response.redirect_chain[-1][0] == IMPORT_URL
    assert Project.objects.count() == 0
    assert kept_files(import_dir) == []


def test_a_file_whose_preview_shows_errors_is_not_kept(staff_client, import_dir):
    rows = project_rows(14, 5, "S1")
    rows[2][3] = "lots"
    response = preview(staff_client, content=csv_bytes(HEADERS, rows))
    assert "confirm_form" not in response.context
    assert kept_files(import_dir) == []


def test_files_older_than_an_hour_are_removed_when_an_import_starts(staff_client, import_dir):
    old = confirm_data(preview(staff_client))["import_file_name"]
    an_hour_ago = time.time() - 3601
    os.utime(import_dir / old, (an_hour_ago, an_hour_ago))
    fresh = confirm_data(preview(staff_client))["import_file_name"]
    assert kept_files(import_dir) == [fresh]
    staff_client.get(IMPORT_URL)
    assert kept_files(import_dir) == [fresh]


def test_a_confirmation_after_the_file_expired_says_so(staff_client, import_dir):
    data = confirm_data(preview(staff_client))
    os.remove(import_dir / data["import_file_name"])
    response = staff_client.post(CONFIRM_URL, data)
    assertContains(response, EXPIRED, status_code=400)


def test_data_entry_cannot_confirm_into_an_edition_published_meanwhile(staff_client, import_dir):
    data = confirm_data(preview(staff_client))
    login(staff_client, role_user("Data entry"))
    EditionFactory._meta.model.objects.filter(number=14).update(status="published")
    response = staff_client.post(CONFIRM_URL, data, follow=True)
    assertContains(response, "Nothing was imported: Row 2: edition 14 is published")
    assert Project.objects.count() == 0
    assert kept_files(import_dir) == []
