import pytest

from tests.factories import ProjectFactory, ReportedFigureFactory

pytestmark = pytest.mark.django_db


def test_factories_build_a_whole_edition():
    project = ProjectFactory()
    figure = ReportedFigureFactory(edition=project.edition)
    assert figure.sources.count() == 1
    assert project.edition.projects.count() == 1


def test_staff_client_reaches_the_admin(staff_client):
    assert staff_client.get("/admin/").status_code == 200
