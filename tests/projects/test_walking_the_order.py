"""A value range or band sorted by another column, or a search word: the page is first looked for by walking the
order's index (the range unindexed, the word tested row by row), within a time limit, then the planner's way; the
rows are the same either way. A search's first matches for its counts are looked for the same way."""

import contextlib
import datetime
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext

from editions.models import EditionStatus
from projects import search_facets, search_pages, views
from projects.filters import search_index_is_separate
from projects.models import Project
from projects.views import ProjectListView
from tests.factories import EditionFactory, ProjectFactory, SectorFactory

pytestmark = pytest.mark.django_db

URL = "/en/projects/"
RANGES = ["band=100m-500m", "value_min=120000000", "value_max=300000000", "value_min=90000000&value_max=600000000",
          "band=under-100m&value_min=20000000", "q=project", "q=0&band=100m-500m", "q=%E9%A1%B9%E7%9B%AE",
          "q=project+2&value_max=500000000", "sector=walked-a", "edition=13", "partner=RU&scope=international",
          "sector=walked-b&edition=12", "scope=domestic"]  # fmt: skip
ORDERS = ["title", "-title", "signed_on", "-signed_on", "edition", "-edition", "sector", "-partner", "scope", "-value"]


@pytest.fixture
def portal_projects():
    editions = [EditionFactory(number=number, status=EditionStatus.PUBLISHED) for number in (12, 13, 14)]
    hidden = EditionFactory(number=15, status=EditionStatus.DRAFT)
    sectors = [SectorFactory(slug="walked-a"), SectorFactory(slug="walked-b")]
    for index in range(60):
        ProjectFactory(
            edition=hidden if index % 13 == 0 else editions[index % 3],
            sector=sectors[index % 2],
            title=f"Project {index * 7 % 60:02d}",
            title_zh=f"项目{index}" if index % 4 else "",
            value=Decimal(10_000_000 + 11_000_000 * index),
            signed_on=None if index % 9 == 0 else datetime.date(2020, 1, 1) + datetime.timedelta(days=index * 5 % 50),
            partner=["", "RU", "JP"][index % 3],
            scope="international" if index % 3 else "domestic",
        )


def page_ids(client, query: str) -> list[int]:
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    return [row.record.pk for row in response.context["table"].page.object_list]


def the_planners_way(monkeypatch):
    monkeypatch.setattr(ProjectListView, "_walks_order_index", lambda self, table: False)
    empty_the_caches()


def empty_the_caches():
    for cache in caches.all():
        cache.clear()  # the same addresses again: rendered again, not served from the page cache


@pytest.mark.parametrize("ranges", RANGES)
def test_every_page_holds_the_rows_the_range_read_from_its_index_gives(client, portal_projects, monkeypatch, ranges):
    monkeypatch.setattr(views, "WALKED_FILTER_MATCHES", 1)  # the fixture's few projects walked like a sector's many
    queries = [f"{ranges}&sort={order}&per_page=10&page={page}" for order in ORDERS for page in (1, 2, 3)]
    walked = {query: page_ids(client, query) for query in queries}
    the_planners_way(monkeypatch)
    for query in queries:
        assert walked[query] == page_ids(client, query), query
    assert any(walked.values())


def unindexed(sql: str) -> bool:
    """Whether a query of the projects compares the value cast (CAST on SQLite, :: on PostgreSQL), which no index
    serves (the facet counts cast the aggregate cells' columns to stack their groupings: not a walk)."""
    return '"projects_project"' in sql and ("CAST(" in sql or '"value")::numeric' in sql)


def test_the_walk_unindexes_the_range_only_where_it_pays(client, portal_projects):
    with CaptureQueriesContext(connection) as queries:
        page_ids(client, "band=100m-500m&sort=title")
    assert any(unindexed(query["sql"]) for query in queries)
    for query in ("band=100m-500m&sort=-value", "band=100m-500m", "sort=title"):
        with CaptureQueriesContext(connection) as queries:
            page_ids(client, query)
        assert not any(unindexed(query["sql"]) for query in queries), query


@contextlib.contextmanager
def cut_off(milliseconds):
    """A time limit already over: the walk, or the read it bounds, is interrupted at once."""
    raise OperationalError("interrupted")
    yield


def test_a_walk_cut_off_by_its_time_limit_gives_the_same_page(client, portal_projects, monkeypatch):
    expected = page_ids(client, "value_min=120000000&sort=-signed_on&per_page=10&page=2")

    monkeypatch.setattr(search_pages, "time_limit", cut_off)
    empty_the_caches()
    assert page_ids(client, "value_min=120000000&sort=-signed_on&per_page=10&page=2") == expected
    assert Project.objects.filter(value__gte=120000000).exists()


@pytest.fixture
def a_small_cap(monkeypatch):
    """Counts exact up to 5 matches: the fixture's 55 public projects named "Project …" are far over it."""
    monkeypatch.setattr(search_facets, "FACET_COUNT_CAP", 5)
    monkeypatch.setattr(search_facets, "FACET_TIME_LIMIT_MS", 0)


def reads_of_the_pages_ids(queries) -> list[str]:
    """The queries that read the page's ids: not the first matches the facets count (their ids and cells), nor the
    table's last id, nor the page's rows (their ids and what the table shows of them)."""
    return [
        query["sql"]
        for query in queries
        if query["sql"].startswith('SELECT "projects_project"."id" AS "pk" FROM')
        and "band_position" not in query["sql"]
        and "WHERE" in query["sql"]
    ]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL's planner chooses how to find a search's page")
def test_a_search_of_many_matches_is_walked_with_its_words_tested_row_by_row(client, portal_projects, a_small_cap):
    with CaptureQueriesContext(connection) as queries:
        page_ids(client, "q=project&sort=-value")
    page_reads = reads_of_the_pages_ids(queries)
    assert len(page_reads) == 1 and "LIKE" in page_reads[0] and "MATCH" not in page_reads[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's index of ideograph pairs")
def test_a_word_of_two_ideographs_is_walked_by_like_and_counted_through_its_pairs(client, portal_projects, a_small_cap):
    with CaptureQueriesContext(connection) as queries:
        rows = page_ids(client, "q=%E9%A1%B9%E7%9B%AE&sort=-value")  # 项目
    page_reads = reads_of_the_pages_ids(queries)
    first_reads = [query["sql"] for query in queries if "LIMIT 6" in query["sql"] and "band_position" in query["sql"]]
    assert len(page_reads) == 1 and "LIKE" in page_reads[0] and "projects_ideograph_pairs" not in page_reads[0]
    assert len(first_reads) == 1 and "projects_ideograph_pairs" in first_reads[0]
    expected = Project.objects.public().filter(title_zh__contains="项目").order_by("-value", "pk")
    assert rows == list(expected.values_list("pk", flat=True)[:5])  # the count's cap of 5: one page of 5


def facet_counts(client, query: str) -> dict:
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    facets = {
        facet.name: {option.value: option.count for option in facet.options} for facet in response.context["facets"]
    }
    return {"total": response.context["result_count"], "over": response.context["result_count_over"], **facets}


def test_a_common_words_first_matches_are_read_in_one_pass_from_the_joined_index(client, portal_projects, a_small_cap):
    """No walk along the table first: the joined index hands a common word's first matches over as quickly."""
    with CaptureQueriesContext(connection) as queries:
        counted = facet_counts(client, "q=project")
    first_reads = [query["sql"] for query in queries if "LIMIT 6" in query["sql"] and "band_position" in query["sql"]]
    assert len(first_reads) == 1 and "LIKE" in first_reads[0]
    if search_index_is_separate():
        assert '"projects_project_search" MATCH' in first_reads[0]
    assert counted["over"] and counted["total"] == 5 and sum(counted["edition"].values()) == 6  # the first 6 found


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL's planner chooses its own way for these filters")
def test_a_sector_of_many_projects_is_walked_in_an_order_its_indexes_do_not_hold(client, portal_projects, monkeypatch):
    def walked(query: str) -> bool:
        empty_the_caches()
        with CaptureQueriesContext(connection) as queries:
            page_ids(client, query)
        return any('CAST("projects_project"."sector_id"' in query["sql"] for query in queries)

    monkeypatch.setattr(views, "WALKED_FILTER_MATCHES", 20)  # the sector holds 27 public projects
    assert walked("sector=walked-a&sort=title")
    assert walked("sector=walked-a&sort=-signed_on&page=2")
    assert not walked("sector=walked-a&sort=-value")  # its (sector, -value) index holds that order
    assert not walked("sector=walked-a&sort=-edition")  # and its (sector, edition_number) index this one
    monkeypatch.setattr(views, "WALKED_FILTER_MATCHES", 28)
    assert not walked("sector=walked-a&sort=title")  # few enough to read from its index and sort
