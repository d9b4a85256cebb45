"""Sorting by edition reads the projects' own copy of the number (migration 0010): the same rows in the same order
as the join on the editions gave, on the page, in the downloads and in the API, from an index of the projects
table in that order (no sort of every matching row), alone or under a sector, partner, scope or edition filter."""

import csv
import io

import pytest
from django.db import connection
from django.test import RequestFactory
from django_tables2 import RequestConfig

from portal.api import pagination
from projects.filters import ProjectFilter
from projects.models import Project, Scope
from projects.tables import ProjectTable
from tests.factories import EditionFactory, ProjectFactory, SectorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def projects():
    """Two projects in each of three editions whose ids run against their numbers, the 16th one a draft."""
    sixteenth = EditionFactory(number=16, draft=True)
    fifteenth, fourteenth = EditionFactory(number=15), EditionFactory(number=14)
    energy = SectorFactory(slug="new-energy-x", name_en="Clean energy")
    for edition in (fourteenth, fifteenth, sixteenth):
        ProjectFactory(edition=edition, title=f"{edition.number} domestic", sector=energy)
        ProjectFactory(edition=edition, title=f"{edition.number} abroad", sector=energy, international=True)
    return Project.objects.order_by("pk")


def by_the_join(sort: str, *, ties_descending: bool) -> list[str]:
    """The public projects' titles in the order the join on the editions gave."""
    descending = sort.startswith("-")
    rows = Project.objects.public().values_list("edition__number", "pk", "title")
    return [
        title
        for _number, _pk, title in sorted(
            rows, key=lambda row: (-row[0] if descending else row[0], -row[1] if ties_descending else row[1])
        )
    ]


def table_titles(client, query: str) -> list[str]:
    response = client.get(f"/en/projects/?{query}")
    assert response.status_code == 200
    return [row.record.title for row in response.context["table"].page.object_list]


@pytest.mark.parametrize("sort", ["-edition", "edition"])
def test_the_table_the_csv_and_the_api_keep_the_order_they_had(client, projects, sort):
    # The table and its downloads reverse the ties with the order; the API keeps them by id.
    expected = by_the_join(sort, ties_descending=sort.startswith("-"))
    assert len(expected) == 4
    assert table_titles(client, f"sort={sort}") == expected
    download = client.get(f"/en/projects/?sort={sort}&_export=csv")
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == expected
    api = client.get(f"/api/v1/projects?sort={sort}&page_size=3").json()
    following = client.get(api["next"]).json()
    titles = [row["title_en"] for row in api["results"] + following["results"]]
    assert titles == by_the_join(sort, ties_descending=False)


def test_a_renumbered_edition_moves_its_projects_in_the_table(client, projects):
    fourteenth = projects.filter(edition__number=14).first().edition
    fourteenth.number = 24
    fourteenth.save()
    assert table_titles(client, "sort=-edition") == ["14 abroad", "14 domestic", "15 abroad", "15 domestic"]


# -- the plans --------------------------------------------------------------------------------------------------


def table_ids(params: dict):
    """The query that picks a page's ids (projects.views.ProjectPaginator), for the table with these parameters."""
    filterset = ProjectFilter(data=params, queryset=Project.objects.public())
    assert filterset.is_valid(), filterset.errors
    table = ProjectTable(data=filterset.qs)
    RequestConfig(RequestFactory().get("/en/projects/", params), paginate=False).configure(table)
    return table.data.data.values("pk")[100:125]


def api_ids(params: dict, sort: str):
    filterset = ProjectFilter(data=params, queryset=Project.objects.public())
    assert filterset.is_valid(), filterset.errors
    return pagination.ordered(filterset.qs, sort).values("pk")[:51]


def plan(queryset) -> str:
    """The plan of the query; on PostgreSQL with sorting priced out, so that a sort means no index gives the order
    (on a small table the planner would rather sort than walk an index)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return "\n".join(str(row[-1]) for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_incremental_sort = off")
        try:
            cursor.execute(f"EXPLAIN {sql}", params)
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_sort")
            cursor.execute("RESET enable_incremental_sort")


def assert_no_sort(queryset, index: str):
    shown = plan(queryset)
    assert "TEMP B-TREE" not in shown and "Sort" not in shown, shown
    assert index in shown, shown


FILTERED = [
    ({}, "project_ed_number_id"),
    ({"sector": "new-energy-x"}, "project_sector_ed_number"),
    ({"partner": "RU"}, "project_partner_ed_number"),
    ({"scope": Scope.INTERNATIONAL}, "project_scope_ed_number"),
    ({"edition": "14"}, "project_edition_ed_number"),
]


@pytest.mark.parametrize("sort", ["-edition", "edition"])
@pytest.mark.parametrize(("params", "index"), FILTERED)
def test_the_table_walks_an_index_in_its_order(projects, sort, params, index):
    assert_no_sort(table_ids({**params, "sort": sort}), index)


@pytest.mark.parametrize(
    ("sort", "index"), [("-edition", "project_ed_number_desc_id"), ("edition", "project_ed_number_id")]
)
def test_the_api_walks_an_index_in_its_order(projects, sort, index):
    assert_no_sort(api_ids({}, sort), index)
