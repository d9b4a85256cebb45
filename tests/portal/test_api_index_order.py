"""The API's pages walk the table's indexes: the order matches an index's (no NULLS LAST where a column is never
empty, which PostgreSQL's descending indexes could not serve), and a page's ids are read before its rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.api import pagination
from projects.models import Project
from tests.factories import EditionFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("sort", "nulls_last"), [("-value", False), ("value", False), ("-title", False),
                                                   ("-signed_on", True), ("signed_on", True)])  # fmt: skip
def test_nulls_last_only_where_the_column_can_be_empty(sort, nulls_last):
    sql = str(pagination.ordered(Project.objects.all(), sort).query)
    assert ("NULLS LAST" in sql) is nulls_last


def test_a_page_reads_its_ids_from_the_index_then_only_those_rows(client):
    edition = EditionFactory(status="published")
    ProjectFactory.create_batch(5, edition=edition)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/projects?page_size=3")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 3
    project_reads = [q["sql"] for q in queries if 'FROM "projects_project"' in q["sql"]]
    assert len(project_reads) == 2
    ids_only, rows = project_reads
    assert ids_only.startswith('SELECT "projects_project"."id" AS') and "LIMIT 4" in ids_only and "JOIN" not in ids_only
    assert '"projects_project"."id" IN (' in rows and "LIMIT" not in rows
