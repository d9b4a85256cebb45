"""Who changed what and when, and putting things back, including a deleted project."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from projects.models import Project
from projects.services import restore_deleted_project, restore_project_version
from tests.editions.test_roles import project_form_data
from tests.factories import EditionFactory, ProjectFactory
from tests.staff_helpers import login, role_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    return login(client, role_user("Editors", username="editor"))


def test_create_change_and_delete_are_recorded_with_the_user(editor_client):
    edition = EditionFactory(draft=True)
    project = ProjectFactory(edition=edition, title="Wind farm")
    change_url = reverse("admin:projects_project_change", args=[project.pk])
    editor_client.post(change_url, project_form_data(project, title="Wind farm II"))
    editor_client.post(reverse("admin:projects_project_delete", args=[project.pk]), {"post": "yes"})

    records = list(Project.history.filter(id=project.pk).order_by("history_date"))
    assert [record.history_type for record in records] == ["+", "~", "-"]
    assert [str(record.history_user) for record in records[1:]] == ["editor", "editor"]
    assert records[1].title == "Wind farm II"


def test_the_history_page_shows_who_and_what_changed(editor_client):
    project = ProjectFactory(edition=EditionFactory(draft=True), location="Changchun")
    editor_client.post(
        reverse("admin:projects_project_change", args=[project.pk]), project_form_data(project, location="Jilin")
    )
    page = editor_client.get(reverse("admin:projects_project_history", args=[project.pk]))
    assertContains(page, "editor")
    assertContains(page, "Jilin")
    assertContains(page, "Changchun")


def test_an_earlier_version_is_restored(editor_client):
    project = ProjectFactory(edition=EditionFactory(draft=True), title="Original title")
    url = reverse("admin:projects_project_change", args=[project.pk])
    editor_client.post(url, project_form_data(project, title="Mistaken title"))
    first = Project.history.filter(id=project.pk).earliest("history_date")

    restored = restore_project_version(first.history_id, editor_client.user)
    assert restored.title == "Original title" and restored.version == 3
    project.refresh_from_db()
    assert project.title == "Original title"


def test_reverting_from_the_history_page_saves_the_old_version(editor_client):
    project = ProjectFactory(edition=EditionFactory(draft=True), title="Original title")
    url = reverse("admin:projects_project_change", args=[project.pk])
    editor_client.post(url, project_form_data(project, title="Mistaken title"))
    first = Project.history.filter(id=project.pk).earliest("history_date")
    revert_url = reverse("admin:projects_project_simple_history", args=[project.pk, first.history_id])
    form = editor_client.get(revert_url).context["adminform"].form
    assert form["loaded_version"].value() == 2  # the current version, not the old one
    project.refresh_from_db()
    response = editor_client.post(revert_url, project_form_data(project, title="Original title", loaded_version=2))
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.title, project.version) == ("Original title", 3)


def test_a_deleted_project_is_listed_and_restored_from_the_admin(editor_client):
    project = ProjectFactory(edition=EditionFactory(draft=True), title="Deleted wind farm")
    pk = project.pk
    editor_client.post(reverse("admin:projects_project_delete", args=[pk]), {"post": "yes"})
    assert not Project.objects.filter(pk=pk).exists()

    page = editor_client.get(reverse("admin:projects_project_deleted"))
    assertContains(page, "Deleted wind farm")
    record = Project.history.get(id=pk, history_type="-")
    response = editor_client.post(reverse("admin:projects_project_restore", args=[record.history_id]), follow=True)
    assertContains(response, "Restored “Deleted wind farm”.")

    restored = Project.objects.get(pk=pk)
    assert restored.title == "Deleted wind farm" and restored.value == project.value
    assert Project.history.filter(id=pk).latest("history_date").history_user == editor_client.user
    assertNotContains(editor_client.get(reverse("admin:projects_project_deleted")), "Deleted wind farm")


def test_restoring_twice_is_refused_plainly(editor_client):
    project = ProjectFactory(edition=EditionFactory(draft=True))
    pk = project.pk
    project.delete()
    record = Project.history.get(id=pk, history_type="-")
    restore_deleted_project(record.history_id, editor_client.user)
    response = editor_client.post(reverse("admin:projects_project_restore", args=[record.history_id]), follow=True)
    assertContains(response, "has already been restored")
    assert Project.objects.filter(pk=pk).count() == 1


def test_data_entry_cannot_restore_into_a_published_edition():
    project = ProjectFactory(edition=EditionFactory())
    pk = project.pk
    project.delete()
    record = Project.history.get(id=pk, history_type="-")
    with pytest.raises(PermissionDenied):
        restore_deleted_project(record.history_id, role_user("Data entry"))
    assert not Project.objects.filter(pk=pk).exists()


def test_figure_history_records_its_sources(editor_client):
    from tests.factories import ReportedFigureFactory, SourceFactory

    figure = ReportedFigureFactory(edition=EditionFactory(draft=True))
    figure.sources.add(SourceFactory())
    assert figure.history.count() >= 1
    assert figure.history.latest("history_date").sources.count() >= 1
