"""A value range or band sorted by another column: the page is first looked for by walking that column's index
(the range unindexed), within a time limit, then the planner's way; the rows are the same either way."""

import contextlib
import datetime
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext

from editions.models import EditionStatus
from projects import views
from projects.models import Project
from projects.views import ProjectListView
from tests.factories import EditionFactory, ProjectFactory, SectorFactory

pytestmark = pytest.mark.django_db

URL = "/en/projects/"
RANGES = ["band=100m-500m", "value_min=120000000", "value_max=300000000", "value_min=90000000&value_max=600000000",
          "band=under-100m&value_min=20000000"]  # fmt: skip
ORDERS = ["title", "-title", "signed_on", "-signed_on", "edition", "-edition", "sector", "-partner", "scope"]


@pytest.fixture
def portal_projects():
    editions = [EditionFactory(number=number, status=EditionStatus.PUBLISHED) for number in (12, 13, 14)]
    hidden = EditionFactory(number=15, status=EditionStatus.DRAFT)
    sectors = [SectorFactory(), SectorFactory()]
    for index in range(60):
        ProjectFactory(
            edition=hidden if index % 13 == 0 else editions[index % 3],
            sector=sectors[index % 2],
            title=f"Project {index * 7 % 60:02d}",
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
    queries = [f"{ranges}&sort={order}&per_page=10&page={page}" for order in ORDERS for page in (1, 2, 3)]
    walked = {query: page_ids(client, query) for query in queries}
    the_planners_way(monkeypatch)
    for query in queries:
        assert walked[query] == page_ids(client, query), query
    assert any(walked.values())


def unindexed(sql: str) -> bool:
    """Whether a query compares the value cast (CAST on SQLite, :: on PostgreSQL), which no index serves."""
    return "CAST(" in sql or '"value")::numeric' in sql


def test_the_walk_unindexes_the_range_only_where_it_pays(client, portal_projects):
    with CaptureQueriesContext(connection) as queries:
        page_ids(client, "band=100m-500m&sort=title")
    assert any(unindexed(query["sql"]) for query in queries)
    for query in ("band=100m-500m&sort=-value", "band=100m-500m", "sort=title", "band=100m-500m&q=project&sort=title"):
        with CaptureQueriesContext(connection) as queries:
            page_ids(client, query)
        assert not any(unindexed(query["sql"]) for query in queries), query


def test_a_walk_cut_off_by_its_time_limit_gives_the_same_page(client, portal_projects, monkeypatch):
    expected = page_ids(client, "value_min=120000000&sort=-signed_on&per_page=10&page=2")

    @contextlib.contextmanager
    def cut_off(milliseconds):
        raise OperationalError("interrupted")
        yield

    monkeypatch.setattr(views, "time_limit", cut_off)
    empty_the_caches()
    assert page_ids(client, "value_min=120000000&sort=-signed_on&per_page=10&page=2") == expected
    assert Project.objects.filter(value__gte=120000000).exists()
