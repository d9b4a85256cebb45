"""Data entry works on drafts; editors on everything. Every refusal leaves the data as it was."""

import pytest
from django.urls import reverse

from editions.models import Edition, EditionStatus, ReportedFigure
from projects.models import Project
from tests.editions.test_conflicts import opened_form, save
from tests.editions.test_constraints import edition_data
from tests.factories import EditionFactory, ProjectFactory, ReportedFigureFactory, SectorFactory, SourceFactory
from tests.staff_helpers import login, role_user

pytestmark = pytest.mark.django_db


def project_form_data(project, **changes):
    data = {
        "edition": project.edition_id,
        "title": project.title,
        "title_zh": project.title_zh,
        "sector": project.sector_id,
        "scope": project.scope,
        "partner": project.partner,
        "parties": project.parties,
        "parties_zh": "",
        "location": project.location,
        "value": str(project.value),
        "signed_on": project.signed_on.isoformat(),
        "description": project.description,
        "description_zh": "",
        "source": project.source_id or "",
        "kind": project.kind,
        "status": project.status,
        "loaded_version": project.version,
    }
    return {**data, **changes}


@pytest.fixture
def published_project():
    return ProjectFactory(edition=EditionFactory(number=14), title="Published wind farm")


@pytest.fixture
def draft_project():
    return ProjectFactory(edition=EditionFactory(number=15, draft=True), title="Draft wind farm")


def test_data_entry_changes_a_project_of_a_draft_edition(client, draft_project):
    login(client, role_user("Data entry"))
    url = reverse("admin:projects_project_change", args=[draft_project.pk])
    response = client.post(url, project_form_data(draft_project, title="Draft wind farm, phase 2"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    draft_project.refresh_from_db()
    assert draft_project.title == "Draft wind farm, phase 2"


def test_data_entry_cannot_change_a_published_project(client, published_project):
    login(client, role_user("Data entry"))
    url = reverse("admin:projects_project_change", args=[published_project.pk])
    page = client.get(url)
    assert page.status_code == 200 and page.context["has_change_permission"] is False  # read-only view
    response = client.post(url, project_form_data(published_project, title="Overwritten"))
    assert response.status_code == 403
    published_project.refresh_from_db()
    assert published_project.title == "Published wind farm"


def test_data_entry_cannot_delete_a_published_project(client, published_project):
    login(client, role_user("Data entry"))
    response = client.post(reverse("admin:projects_project_delete", args=[published_project.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Project.objects.filter(pk=published_project.pk).exists()


def test_data_entry_cannot_move_a_project_into_a_published_edition(client, draft_project, published_project):
    login(client, role_user("Data entry"))
    url = reverse("admin:projects_project_change", args=[draft_project.pk])
    response = client.post(url, project_form_data(draft_project, edition=published_project.edition_id))
    assert response.status_code == 200
    assert "only editors can change its data" in str(response.context["adminform"].form.errors)
    draft_project.refresh_from_db()
    assert draft_project.edition.number == 15


def test_data_entry_cannot_add_a_project_to_a_published_edition(client, published_project):
    login(client, role_user("Data entry"))
    data = project_form_data(published_project, title="Sneaked in", loaded_version="")
    response = client.post(reverse("admin:projects_project_add"), data)
    assert response.status_code == 200
    assert not Project.objects.filter(title="Sneaked in").exists()


def test_data_entry_deletes_a_figure_of_a_draft_but_not_of_a_published_edition(client):
    draft_figure = ReportedFigureFactory(edition=EditionFactory(draft=True))
    published_figure = ReportedFigureFactory()
    login(client, role_user("Data entry"))
    client.post(reverse("admin:editions_reportedfigure_delete", args=[draft_figure.pk]), {"post": "yes"})
    response = client.post(reverse("admin:editions_reportedfigure_delete", args=[published_figure.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert list(ReportedFigure.objects.all()) == [published_figure]


def test_data_entry_adds_an_edition_which_is_a_draft_whatever_the_form_says(client):
    user = login(client, role_user("Data entry")).user
    response = client.post(reverse("admin:editions_edition_add"), edition_data(number="16", status="published"))
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    edition = Edition.objects.get(number=16)
    assert (edition.status, edition.published_by, edition.published_at) == (EditionStatus.DRAFT, None, None)
    assert edition.history.get().history_user == user


def test_data_entry_changes_a_draft_edition(client):
    edition = EditionFactory(draft=True, city="Changchun")
    login(client, role_user("Data entry"))
    data = opened_form(client, edition) | {"city": "Jilin"}
    assert save(client, edition, data).status_code == 302
    edition.refresh_from_db()
    assert (edition.city, edition.status) == ("Jilin", EditionStatus.DRAFT)


def test_data_entry_cannot_change_a_published_edition_or_delete_any(client):
    published = EditionFactory(city="Changchun")
    draft = EditionFactory(draft=True)
    login(client, role_user("Data entry"))
    url = reverse("admin:editions_edition_change", args=[published.pk])
    assert "Save" not in client.get(url).content.decode()  # read-only for data entry
    assert client.post(url, {"city": "Elsewhere"}).status_code == 403
    for edition in (published, draft):
        delete = reverse("admin:editions_edition_delete", args=[edition.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
    published.refresh_from_db()
    assert published.city == "Changchun" and Edition.objects.filter(pk=draft.pk).exists()


def test_data_entry_cannot_change_a_source_cited_by_published_data(client):
    cited = SourceFactory(title="Cited")
    ReportedFigureFactory(sources=[cited])
    login(client, role_user("Data entry"))
    url = reverse("admin:editions_source_change", args=[cited.pk])
    response = client.post(
        url, {"key": cited.key, "title": "Edited", "publisher": "x", "url": cited.url, "language": "en"}
    )
    assert response.status_code == 403
    cited.refresh_from_db()
    assert cited.title == "Cited"


def test_editors_change_published_projects(client, published_project):
    login(client, role_user("Editors"))
    url = reverse("admin:projects_project_change", args=[published_project.pk])
    response = client.post(url, project_form_data(published_project, title="Corrected title"))
    assert response.status_code == 302
    published_project.refresh_from_db()
    assert published_project.title == "Corrected title"


def test_data_entry_opens_the_import_and_staff_without_rights_cannot(client):
    login(client, role_user("Data entry"))
    assert client.get(reverse("admin:projects_project_import")).status_code == 200
    assert client.get(reverse("admin:editions_edition_changelist")).status_code == 200
    from tests.factories import UserFactory

    login(client, UserFactory(is_staff=True))
    assert client.get(reverse("admin:projects_project_import")).status_code == 403


def test_the_groups_exist_with_their_permissions():
    from django.contrib.auth.models import Group

    data_entry = set(Group.objects.get(name="Data entry").permissions.values_list("codename", flat=True))
    editors = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    assert {"add_project", "change_project", "add_reportedfigure", "add_source", "add_edition"} <= data_entry
    assert {"change_edition"} <= data_entry  # drafts only: the admin refuses published editions
    assert "publish_edition" not in data_entry and "delete_edition" not in data_entry
    assert {"publish_edition", "change_edition", "delete_project"} <= editors
    SectorFactory()  # sectors are editors' business
    assert "change_sector" not in data_entry
