"""The admin pages the libraries draw (history, import, export) work under the site's strict CSP.

The policy has no 'unsafe-inline': a style attribute, a <style> block or an inline handler would be
blocked in the browser while the page still passes a test that only reads its status.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pytest_django.asserts import assertContains

from core.admin_history import HistoryAdmin
from tests.expoportal.test_security import assert_no_inline_script_or_style
from tests.factories import EditionFactory, ProjectFactory, ReportedFigureFactory, SourceFactory
from tests.projects.test_imports import HEADERS, csv_bytes, project_rows
from tests.staff_helpers import login, role_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    return login(client, role_user(None))


def history_pages():
    project = ProjectFactory(edition=EditionFactory(number=14, draft=True))
    figure = ReportedFigureFactory(edition=project.edition)
    for obj in (project.edition, project.source, figure, project.sector, project):
        opts = obj._meta
        record = obj.history.latest("history_date")
        yield reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
        yield reverse(f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[obj.pk, record.history_id])


def assert_works_under_the_csp(response, where: str):
    assert response.status_code == 200, where
    assert "style-src 'self'" in response["Content-Security-Policy"]
    assert_no_inline_script_or_style(response.content.decode(), where)


def test_history_pages_need_no_inline_style(staff_client):
    for url in history_pages():
        assert_works_under_the_csp(staff_client.get(url), url)


def test_history_pages_need_no_inline_style_when_paginated(staff_client, monkeypatch):
    monkeypatch.setattr(HistoryAdmin, "history_list_per_page", 2)
    source = SourceFactory()
    for n in range(4):
        source.title = f"Release {n}"
        source.save()
    response = staff_client.get(reverse("admin:editions_source_history", args=[source.pk]))
    assertContains(response, 'class="paginator history-paginator"')
    assert_works_under_the_csp(response, "paginated history")


def test_history_pages_link_their_stylesheet(staff_client):
    url = next(history_pages())
    assertContains(staff_client.get(url), "/static/css/admin-extra.css")


def test_the_import_page_and_its_preview_need_no_inline_style(staff_client):
    SourceFactory(key="S1")
    EditionFactory(number=14, draft=True)
    url = reverse("admin:projects_project_import")
    assert_works_under_the_csp(staff_client.get(url), url)

    upload = SimpleUploadedFile("projects.csv", csv_bytes(HEADERS, project_rows(14, 3, "S1")))
    preview = staff_client.post(url, {"resource": "0", "format": "", "import_file": upload})

    assertContains(preview, "Confirm import")
    assertContains(preview, "<td>Imported project 1</td>", html=False)
    assertContains(preview, "/static/css/admin-extra.css")
    assert_works_under_the_csp(preview, "import preview")


def test_the_figure_import_preview_marks_changes_with_classes(staff_client):
    SourceFactory(key="S1")
    EditionFactory(number=14, draft=True)
    url = reverse("admin:editions_reportedfigure_import")
    upload = SimpleUploadedFile("figures.csv", b"edition,metric,value,sources\r\n14,participants,20000,S1\r\n")
    preview = staff_client.post(url, {"resource": "0", "format": "", "import_file": upload})

    assertContains(preview, "Confirm import")
    # What each row adds is marked with a class the stylesheet colours, not an inline style.
    assertContains(preview, '<ins class="diff-insert">20000</ins>', html=False)
    assert_works_under_the_csp(preview, "figure import preview")


def test_the_export_page_needs_no_inline_style_or_handler(staff_client):
    ProjectFactory()
    url = reverse("admin:projects_project_export")
    response = staff_client.get(url)
    assertContains(response, 'class="select-toggle"')
    assertContains(response, "/static/js/admin-export.js")
    assert_works_under_the_csp(response, url)
