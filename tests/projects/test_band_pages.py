"""A deep page in the order of value is read from inside its value band: the same rows as the plain OFFSET."""

from decimal import Decimal

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from editions.models import EditionStatus
from projects import band_pages, views
from projects.bands import VALUE_BANDS
from tests.factories import EditionFactory, ProjectFactory, SectorFactory

pytestmark = pytest.mark.django_db

URL = "/en/projects/"
MILLION = 1_000_000
# Every band, its lower edge and the cent below it, and ties on one value across the page breaks.
VALUES = [
    *(Decimal(value * MILLION) for value in (3, 50, 50, 50, 99)),
    Decimal("99999999.99"),
    *(Decimal(value * MILLION) for value in (100, 100, 250, 250, 250, 250, 499)),
    *(Decimal(value * MILLION) for value in (500, 700, 999)),
    *(Decimal(value * MILLION) for value in (1_000, 1_000, 2_000, 4_999)),
    *(Decimal(value * MILLION) for value in (5_000, 8_000, 8_000, 30_000)),
]


@pytest.fixture
def projects_in_every_band():
    editions = [EditionFactory(number=number, status=EditionStatus.PUBLISHED) for number in (12, 13)]
    hidden = EditionFactory(number=15, status=EditionStatus.DRAFT)
    sectors = [SectorFactory(slug="band-a"), SectorFactory(slug="band-b")]
    for index, value in enumerate(VALUES * 2):
        ProjectFactory(
            edition=hidden if index % 11 == 0 else editions[index % 2],
            sector=sectors[index % 3 % 2],
            title=f"Project {index:02d}",
            value=value,
        )


def page_ids(client, query: str) -> list[int]:
    for cache in caches.all():
        cache.clear()  # rendered afresh, not the page the cache kept
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    return [row.record.pk for row in response.context["table"].page.object_list]


@pytest.mark.parametrize("filters", ["", "sector=band-a&", "edition=13&", "sector=band-b&edition=12&"])
@pytest.mark.parametrize("order", ["-value", "value", "band", "-band"])
def test_every_page_read_inside_its_band_holds_the_rows_of_the_plain_offset(
    client, projects_in_every_band, monkeypatch, filters, order
):
    monkeypatch.setattr(band_pages, "FROM_ROW", 0)  # the fixture's few rows: every page is "deep"
    read_inside = []
    real = band_pages.page_within_its_band

    def spy(*args):
        ids = real(*args)
        read_inside.append(ids is not None)
        return ids

    monkeypatch.setattr(views, "page_within_its_band", spy)
    queries = [f"{filters}sort={order}&per_page=3&page={page}" for page in range(1, 19)]
    inside = {query: page_ids(client, query) for query in queries}
    monkeypatch.setattr(views, "page_within_its_band", lambda *args: None)
    plain = {query: page_ids(client, query) for query in queries}
    assert inside == plain
    assert sum(len(ids) for ids in plain.values()) > 12  # the pages hold rows, past the first bands
    assert sum(read_inside) >= 5  # most pages lie inside one band and were read there


def test_a_deep_page_seeks_its_band_and_walks_only_its_part_of_it(client, projects_in_every_band, monkeypatch):
    monkeypatch.setattr(band_pages, "FROM_ROW", 0)
    # Sorted by value, largest first: 5 billion and over holds the first 7 public rows, 1-5 billion the next 7.
    with CaptureQueriesContext(connection) as queries:
        ids = page_ids(client, "sort=-value&per_page=2&page=6")
    page_reads = [query["sql"] for query in queries if query["sql"].startswith('SELECT "projects_project"."id" AS')]
    band = VALUE_BANDS[3]  # 1-5 billion
    assert any(f"{band.lower}" in sql and f"{band.upper}" in sql and "OFFSET" in sql for sql in page_reads)
    monkeypatch.setattr(views, "page_within_its_band", lambda *args: None)
    assert ids == page_ids(client, "sort=-value&per_page=2&page=6")


@pytest.mark.parametrize("query", ["q=project", "value_min=100000000", "band=100m-500m"])
def test_a_search_a_value_range_or_a_band_chosen_takes_the_plain_offset(
    client, projects_in_every_band, monkeypatch, query
):
    monkeypatch.setattr(band_pages, "FROM_ROW", 0)
    calls = []
    monkeypatch.setattr(views, "page_within_its_band", lambda *args: calls.append(args[-1]))
    page_ids(client, f"{query}&sort=-value&per_page=2&page=3")
    assert calls in ([], [None])  # no counts to read the band from: not exact, or not all the matches'
