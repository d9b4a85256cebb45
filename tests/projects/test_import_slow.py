"""A 10,000-row import through the admin, dry run then confirm; run with `pytest -m slow -s`.

It prints the time each step takes; no timing is asserted.
"""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects.models import Project
from tests.factories import EditionFactory, SourceFactory
from tests.projects.test_imports import HEADERS, csv_bytes, project_rows
from tests.staff_helpers import login, role_user

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

ROWS = 10_000


def test_a_10000_row_csv_imports_with_preview_and_confirm(client):
    SourceFactory(key="S1")
    EditionFactory(number=14, draft=True)
    login(client, role_user(None))
    content = csv_bytes(HEADERS, project_rows(14, ROWS, "S1"))

    started = time.perf_counter()
    preview = client.post(
        reverse("admin:projects_project_import"),
        {"resource": "0", "format": "", "import_file": SimpleUploadedFile("big.csv", content)},
    )
    previewed = time.perf_counter()
    assert preview.status_code == 200 and "confirm_form" in preview.context
    form = preview.context["confirm_form"]
    done = client.post(
        reverse("admin:projects_project_process_import"), {name: form.initial.get(name, "") for name in form.fields}
    )
    confirmed = time.perf_counter()
    assert done.status_code == 302
    assert Project.objects.count() == ROWS
    print(
        f"\n{ROWS:,}-row CSV ({len(content) / 2**20:.1f} MB): dry run {previewed - started:.1f} s, "
        f"confirm {confirmed - previewed:.1f} s, total {confirmed - started:.1f} s"
    )
