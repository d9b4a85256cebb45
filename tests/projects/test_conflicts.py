"""Two people edit the same project: the second save is refused and shows what changed."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from tests.editions.test_roles import project_form_data
from tests.factories import EditionFactory, ProjectFactory
from tests.staff_helpers import login, role_user

pytestmark = pytest.mark.django_db


def test_the_second_of_two_saves_is_refused_with_the_changes_listed(client):
    project = ProjectFactory(edition=EditionFactory(draft=True), title="Wind farm", location="Changchun")
    url = reverse("admin:projects_project_change", args=[project.pk])
    alice, bob = role_user("Data entry", username="alice"), role_user("Data entry", username="bob")

    login(client, alice)
    alice_form = client.get(url).context["adminform"].form
    login(client, bob)
    bob_form = client.get(url).context["adminform"].form
    assert alice_form["loaded_version"].value() == bob_form["loaded_version"].value() == 1

    login(client, alice)
    first = client.post(url, project_form_data(project, location="Jilin", value="300000000"))
    assert first.status_code == 302

    login(client, bob)
    second = client.post(url, project_form_data(project, title="Wind farm (Bob)"))
    assert second.status_code == 200
    assertContains(second, "Someone else saved this project since you opened it")
    assertContains(second, "location: “Changchun” → “Jilin”")
    assertContains(second, "value (yuan): “250 million yuan” → “300 million yuan”")
    assertContains(second, "saved by alice")

    project.refresh_from_db()
    assert (project.title, project.location, project.version) == ("Wind farm", "Jilin", 2)


def test_a_save_bumps_the_version_and_a_fresh_form_saves(client):
    project = ProjectFactory(edition=EditionFactory(draft=True))
    url = reverse("admin:projects_project_change", args=[project.pk])
    login(client, role_user("Editors"))
    assert client.post(url, project_form_data(project, title="First")).status_code == 302
    project.refresh_from_db()
    assert project.version == 2
    assert client.post(url, project_form_data(project, title="Second")).status_code == 302
    project.refresh_from_db()
    assert (project.title, project.version) == ("Second", 3)


def test_a_form_without_its_version_is_refused(client):
    project = ProjectFactory(edition=EditionFactory(draft=True))
    login(client, role_user("Editors"))
    url = reverse("admin:projects_project_change", args=[project.pk])
    response = client.post(url, project_form_data(project, title="No version", loaded_version=""))
    assertContains(response, "This form is out of date")
    project.refresh_from_db()
    assert project.title != "No version"
