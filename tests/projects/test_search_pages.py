"""A page of a search or value range with few matches is read from the matches alone (projects/search_pages.py),
and shows the same rows, in the same order, as the plain query: in every order, on every page, for rare and
common words, words too short for the trigram index and Chinese words."""

import datetime
import re
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects import search_pages
from projects.filters import ProjectFilter, found_through_an_index, search_index_is_separate
from projects.models import Project, Scope
from tests.factories import EditionFactory, ProjectFactory, SectorFactory

pytestmark = pytest.mark.django_db

LIST = reverse("projects:list")
MILLION = Decimal(10) ** 6
# The orders the page offers (projects/selection.py), each with its tie-break by id.
ORDERS = ["title", "-title", "value", "-value", "signed_on", "-signed_on", "edition", "-edition", "sector"]
ADJECTIVES = ["Northern", "Green", "Coastal"]
THINGS = ["solar", "wind", "timber", "grain"]


@pytest.fixture
def projects():
    editions = [EditionFactory(number=number, year=2010 + number) for number in (1, 2, 3)]
    sectors = [SectorFactory(slug=slug, name_en=slug.title()) for slug in ("energy", "farming")]
    for index in range(72):
        adjective, thing = ADJECTIVES[index % 3], THINGS[index % 4]
        ProjectFactory(
            edition=editions[index % 3],
            sector=sectors[index % 2],
            # Ties on value, title and date, so that the order's tie-break by id is tested too.
            title=f"{adjective} {thing} {index % 5}",
            title_zh=f"{['北方', '绿色', '沿海'][index % 3]}{['光伏', '风电', '木材', '粮食'][index % 4]}项目",
            value=Decimal(10 + (index * 37) % 9) * 100 * MILLION,
            signed_on=datetime.date(2015, 1, 1) + datetime.timedelta(days=index % 7),
            scope=Scope.INTERNATIONAL if index % 2 else Scope.DOMESTIC,
            partner="RU" if index % 2 else "",
        )
    # An undated project: the date orders put it where the plain query does.
    ProjectFactory(edition=editions[0], sector=sectors[0], title="Northern solar undated", signed_on=None)


def shown(client, params: dict) -> tuple[list, list, list[dict]]:
    """The ids of the rows a page shows, those of the plain query in the table's order, and the queries run."""
    for cache in caches.all():
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, params)
    assert response.status_code == 200
    table = response.context["table"]
    order = table.data.data.query.order_by  # the table's order, with its tie-break
    plain = ProjectFilter(data=params, queryset=Project.objects.public()).qs.order_by(*order)
    page, size = table.page.number, table.paginator.per_page
    expected = list(plain.values_list("pk", flat=True)[(page - 1) * size : page * size])
    return [row.record.pk for row in table.paginated_rows], expected, queries.captured_queries


def read_from_the_matches(queries) -> bool:
    """Whether the page was sorted from the list of matches (the planner settings, or `+column` on SQLite)."""
    if connection.vendor == "postgresql":
        return any("enable_indexscan" in query["sql"] for query in queries)
    return any('ORDER BY +"' in query["sql"] for query in queries)


@pytest.mark.parametrize("sort", ORDERS)
@pytest.mark.parametrize(
    "q",
    [
        "northern solar",  # a rare pair of words
        "solar",
        "项目",  # every project: too short for the trigram index, found by LIKE alone
        "北方光伏",  # Chinese, long enough for the index
        "RU",  # short, matches nothing
        "coastal 风电",  # a word for the index and one too short for it
        "nothing-like-this",
    ],
)
def test_a_search_page_shows_the_rows_of_the_plain_query(client, projects, q, sort):
    params = {"q": q, "sort": sort, "per_page": "10"}
    matches = ProjectFilter(data=params, queryset=Project.objects.public()).qs.count()
    last = max(1, -(-matches // 10))
    for page in sorted({1, min(2, last), last}):
        rows, expected, queries = shown(client, {**params, "page": str(page)})
        assert rows == expected, (q, sort, page)
        # Words too short for the trigram index are found by reading every project: the walk stays cheaper.
        assert read_from_the_matches(queries) == (matches > 0 and found_through_an_index({"q": q}))


@pytest.mark.parametrize("sort", ["title", "-value", "signed_on"])
def test_a_value_range_page_shows_the_rows_of_the_plain_query(client, projects, sort):
    params = {"value_min": "1100000000", "value_max": "1400000000", "sort": sort, "per_page": "10", "page": "2"}
    rows, expected, queries = shown(client, params)
    assert rows == expected and len(rows) == 10
    assert read_from_the_matches(queries)


def test_more_matches_than_the_cap_are_paged_by_the_walk_as_before(client, projects, monkeypatch):
    monkeypatch.setattr(search_pages, "MATERIALISED_MATCHES", 5)
    params = {"q": "solar", "sort": "title", "per_page": "10", "page": "2"}
    rows, expected, queries = shown(client, params)
    assert rows == expected and len(rows) == 9  # 19 solar projects
    assert not read_from_the_matches(queries)


def test_filters_without_a_search_or_range_are_paged_by_the_walk(client, projects):
    rows, expected, queries = shown(client, {"sector": "energy", "sort": "title", "per_page": "10"})
    assert rows == expected and len(rows) == 10
    assert not read_from_the_matches(queries)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the list of ids stays SQLite's way")
@pytest.mark.parametrize("params", [{"q": "northern solar"}, {"value_min": "1100000000", "value_max": "1400000000"}])
def test_few_matches_are_sorted_by_the_query_that_finds_them_on_postgresql(client, projects, params):
    rows, expected, queries = shown(client, {**params, "sort": "title", "per_page": "2", "page": "2"})
    assert rows == expected and len(rows) == 2
    # The one list of ids is the page's two, read in full; none of every match, sorted after.
    lists = [found for query in queries for found in re.findall(r'"id" IN \(([\d, ]+)\)', query["sql"])]
    assert [ids.split(", ") for ids in lists] == [[str(pk) for pk in rows]]
    assert read_from_the_matches(queries)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner settings are PostgreSQL's")
def test_the_planner_settings_end_with_the_page(client, projects):
    shown(client, {"q": "northern solar", "sort": "title"})
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_indexscan")
        assert cursor.fetchone() == ("on",)


@pytest.fixture
def deep(monkeypatch):
    """More matches than the list of ids holds, and a deep page from the second on."""
    monkeypatch.setattr(search_pages, "MATERIALISED_MATCHES", 5)
    monkeypatch.setattr(search_pages, "DEEP_PAGE_ROWS", 10)


@pytest.mark.parametrize("sort", ["title", "-signed_on", "sector"])
def test_a_deep_page_whose_walk_ends_in_time_is_the_walk(client, projects, deep, sort):
    rows, expected, queries = shown(client, {"q": "solar", "sort": sort, "per_page": "10", "page": "2"})
    assert rows == expected and len(rows) == 9  # 19 solar projects
    assert not read_from_the_matches(queries)


@pytest.mark.parametrize("sort", ["title", "-signed_on", "sector", "-value"])
def test_a_deep_page_whose_walk_takes_too_long_sorts_every_match(client, projects, deep, monkeypatch, sort):
    @contextmanager
    def no_time(milliseconds):
        raise OperationalError("canceling statement due to statement timeout")
        yield

    monkeypatch.setattr(search_pages, "time_limit", no_time)
    rows, expected, queries = shown(client, {"q": "solar", "sort": sort, "per_page": "10", "page": "2"})
    assert rows == expected and len(rows) == 9
    assert read_from_the_matches(queries)


def test_a_shallow_page_whose_walk_takes_too_long_sorts_every_match(client, projects, monkeypatch):
    """Matches sparse along the order (titles beginning with the word, all in one stretch of the alphabet): the
    walk along the title index is cut off and the matches are sorted all together, on the first page too."""

    @contextmanager
    def no_time(milliseconds):
        raise OperationalError("canceling statement due to statement timeout")
        yield

    monkeypatch.setattr(search_pages, "MATERIALISED_MATCHES", 5)
    monkeypatch.setattr(search_pages, "time_limit", no_time)
    rows, expected, queries = shown(client, {"q": "solar", "sort": "title", "per_page": "10"})
    assert rows == expected and len(rows) == 10
    assert read_from_the_matches(queries)


@pytest.mark.parametrize("q", ["solar", "项目"])
def test_the_walk_is_given_less_time_where_sorting_every_match_is_one_pass(client, projects, monkeypatch, q):
    """With SQLite's search index joined, sorting every match reads them in one pass: a walk that has not found
    its page in JOINED_WALK_TIME_LIMIT_MS gives way to it (projects/search_pages.py). A search of words too short
    for the index joins nothing, and its walk keeps the full time (cut off, the planner scans every project); on
    PostgreSQL a word of two ideographs is found through its pairs' index, and walks as a long word does."""
    indexed = found_through_an_index({"q": q})
    limits = []
    timed = search_pages.time_limit

    @contextmanager
    def recorded(milliseconds):
        limits.append(milliseconds)
        with timed(milliseconds):
            yield

    monkeypatch.setattr(search_pages, "MATERIALISED_MATCHES", 5)
    monkeypatch.setattr(search_pages, "time_limit", recorded)
    rows, expected, queries = shown(client, {"q": q, "sort": "title", "per_page": "10"})
    assert rows == expected and len(rows) == 10
    if not indexed and not search_index_is_separate():
        assert limits == []  # PostgreSQL's planner finds a short word's page its own way: no walk to limit
        return
    joined = search_index_is_separate() and indexed
    assert limits == [search_pages.JOINED_WALK_TIME_LIMIT_MS if joined else search_pages.WALK_TIME_LIMIT_MS]
    assert search_pages.JOINED_WALK_TIME_LIMIT_MS < search_pages.WALK_TIME_LIMIT_MS
