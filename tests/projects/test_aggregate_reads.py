"""Public pages read the maintained aggregates: no page groups or counts the projects, except for a search,
whose counts are bounded (projects/search_facets.py)."""

import re
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import strip_tags

from core.time_limits import time_limit
from editions.models import EditionStatus
from projects import search_facets
from projects.filters import ProjectFilter
from projects.models import Project, Scope
from tests.factories import EditionFactory, ProjectFactory, ReportedBandFactory, SectorFactory

pytestmark = pytest.mark.django_db

LIST = reverse("projects:list")
SUMMARY = reverse("editions:detail", kwargs={"number": 2})
MILLION = Decimal(10) ** 6
# The projects table, quoted as Django writes it: not its history table, nor the aggregate cells.
PROJECTS_TABLE = re.compile(r'"projects_project"')
AGGREGATING = re.compile(r"\bGROUP BY\b|\bCOUNT\(|\bSUM\(|\bOVER\s*\(", re.IGNORECASE)  # OVER: a window function

# Pages without a search: every count on them comes from the aggregate cells and band tallies.
PUBLIC_PAGES = [
    (LIST, {}),
    (LIST, {"sector": "energy", "edition": "2"}),
    (LIST, {"scope": "international", "sort": "title", "per_page": "10"}),
    (SUMMARY, {}),
    (reverse("editions:list"), {}),
    (reverse("comparisons:index"), {}),
    (reverse("comparisons:index"), {"view": "matrix"}),
    (reverse("comparisons:pair", kwargs={"a": 1, "b": 3}), {}),
]


@pytest.fixture
def portal():
    editions = [EditionFactory(number=number, year=2000 + number) for number in (1, 2, 3)]
    EditionFactory(number=4, year=2004, status=EditionStatus.DRAFT)
    sectors = [SectorFactory(slug=slug, name_en=slug.title()) for slug in ("energy", "farming", "transport")]
    ReportedBandFactory(edition=editions[1], lower_yuan=300 * MILLION, upper_yuan=2000 * MILLION)
    ReportedBandFactory(edition=editions[1], lower_yuan=1000 * MILLION, upper_yuan=None, is_nested=True)
    return editions, sectors


def add_projects(editions, sectors, count: int, start: int = 0, title: str = "Grain depot") -> None:
    for index in range(start, start + count):
        international = index % 3 == 0
        ProjectFactory(
            edition=editions[index % len(editions)],
            sector=sectors[index % len(sectors)],
            value=Decimal(5 + (index * 37) % 4000) * MILLION,
            scope=Scope.INTERNATIONAL if international else Scope.DOMESTIC,
            partner=["RU", "JP", "KR"][index % 3] if international else "",
            title=f"{title} {index}",
        )


def aggregates_over_projects(queries) -> list[str]:
    return [
        query["sql"] for query in queries if PROJECTS_TABLE.search(query["sql"]) and AGGREGATING.search(query["sql"])
    ]


def cold_queries(client, url, params) -> list[dict]:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return queries.captured_queries


def test_the_patterns_tell_an_aggregate_over_projects(portal):
    """The check below must catch what the pages did before: a GROUP BY or a window function over the projects."""
    from django.db.models import Count, F, Window
    from django.db.models.functions import RowNumber

    from projects.models import Project

    with CaptureQueriesContext(connection) as queries:
        list(Project.objects.values("sector_id").annotate(n=Count("pk")))
        list(Project.objects.filter(title="x").values("pk"))
        list(Project.objects.annotate(rank=Window(RowNumber(), partition_by=[F("edition_id")])).values("rank"))
    assert len(aggregates_over_projects(queries.captured_queries)) == 2


@pytest.mark.parametrize(("url", "params"), PUBLIC_PAGES)
def test_public_pages_without_a_search_never_aggregate_the_projects(client, portal, url, params):
    add_projects(*portal, 30)
    queries = cold_queries(client, url, params)
    assert aggregates_over_projects(queries) == []


def test_the_counts_read_from_the_cells_are_those_of_the_projects(client, portal):
    editions, sectors = portal
    add_projects(editions, sectors, 30)
    ProjectFactory(edition=editions[1], sector=sectors[0], value=1500 * MILLION)  # in both published bands
    cache.clear()
    text = strip_tags(client.get(LIST, {"edition": "2", "sector": "farming"}).content.decode())
    # Editions and sectors take the projects in turn, together: the 2nd edition's are farming, but one.
    assert "10 projects match" in text
    assert "Energy (1)" in text and "Transport (0)" not in text
    summary = client.get(SUMMARY).context["summary"]
    assert summary.recorded_count == 11
    published = {row.band.lower_yuan: row.recorded_count for row in summary.published_bands}
    from projects.models import Project

    second = Project.objects.filter(edition=editions[1])
    assert published == {
        300 * MILLION: second.filter(value__gte=300 * MILLION, value__lt=2000 * MILLION).count(),
        1000 * MILLION: second.filter(value__gte=1000 * MILLION).count(),
    }
    assert {row.label: row.count for row in summary.by_sector} == {"Farming": 10, "Energy": 1}


def query_counts(client) -> list[int]:
    return [len(cold_queries(client, url, params)) for url, params in PUBLIC_PAGES]


def test_query_counts_do_not_depend_on_the_number_of_projects(client, portal):
    add_projects(*portal, 10)
    few = query_counts(client)
    add_projects(*portal, 190, start=10)
    assert query_counts(client) == few


@pytest.fixture
def small_cap(monkeypatch):
    monkeypatch.setattr(search_facets, "FACET_COUNT_CAP", 5)


def test_a_search_within_the_cap_is_counted_exactly(client, portal, small_cap):
    add_projects(*portal, 4, title="Hydrogen plant")
    add_projects(*portal, 20, start=4)
    text = strip_tags(client.get(LIST, {"q": "hydrogen"}).content.decode())
    assert "4 projects match" in text and "or more" not in text


def test_a_search_over_the_cap_grouped_in_time_is_exact(client, portal, small_cap):
    add_projects(*portal, 12, title="Hydrogen plant")
    with CaptureQueriesContext(connection) as queries:
        text = strip_tags(client.get(LIST, {"q": "hydrogen"}).content.decode())
    assert "12 projects match" in text and "or more" not in text
    assert "Energy (4)" in text
    if connection.vendor == "sqlite":  # a read takes no write lock (SQLite's transactions begin IMMEDIATE)
        assert not [query for query in queries.captured_queries if query["sql"].startswith("BEGIN")]


def test_a_search_over_the_cap_not_grouped_in_time_says_over_n(client, portal, small_cap, monkeypatch):
    add_projects(*portal, 12, title="Hydrogen plant")

    @contextmanager
    def no_time(milliseconds):
        raise OperationalError("canceling statement due to statement timeout")
        yield

    monkeypatch.setattr(search_facets, "time_limit", no_time)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, {"q": "hydrogen"})
    text = strip_tags(response.content.decode())
    assert "Over 5 projects match" in text
    # Without a facet chosen, the first matches read are those of the page: not counted a second time.
    assert aggregates_over_projects(queries.captured_queries) == []
    # Six matches read (the cap and one): each option's count is what those hold, at least.
    options = [option for facet in response.context["facets"] for option in facet.options]
    assert options and all(option.at_least for option in options)
    assert sum(option.count for option in response.context["facets"][0].options) == 6
    assert re.search(r"Energy \(\d+ or more\)", text)
    # Under a facet as well: the number matching every filter is counted up to the cap.
    text = strip_tags(client.get(LIST, {"q": "hydrogen", "sector": "farming", "edition": "2"}).content.decode())
    assert "1 project matches" in text or "projects match" in text


def test_a_grouping_projected_past_what_is_left_of_the_time_limit_is_not_tried(client, portal, small_cap, monkeypatch):
    add_projects(*portal, 12, title="Hydrogen plant")
    projected = search_facets.FACET_TIME_LIMIT_MS * 1.2  # over what is left, within 1.5 times it
    monkeypatch.setattr(search_facets, "_grouping_ms", lambda *args, **kwargs: projected)
    with CaptureQueriesContext(connection) as queries:
        text = strip_tags(client.get(LIST, {"q": "hydrogen"}).content.decode())
    assert "Over 5 projects match" in text
    assert aggregates_over_projects(queries.captured_queries) == []
    monkeypatch.setattr(search_facets, "_grouping_ms", lambda *args, **kwargs: search_facets.FACET_TIME_LIMIT_MS / 2)
    cache.clear()
    text = strip_tags(client.get(LIST, {"q": "hydrogen"}).content.decode())
    assert "12 projects match" in text and "or more" not in text


def test_a_search_whose_grouping_would_outlast_the_time_limit_is_not_grouped(client, portal, small_cap, monkeypatch):
    add_projects(*portal, 12, title="Hydrogen plant")
    monkeypatch.setattr(search_facets, "_grouping_ms", lambda *args, **kwargs: search_facets.FACET_TIME_LIMIT_MS * 10)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, {"q": "hydrogen"})
    assert "Over 5 projects match" in strip_tags(response.content.decode())
    assert aggregates_over_projects(queries.captured_queries) == []  # the first six matches' counts stand at once
    assert all(option.at_least for facet in response.context["facets"] for option in facet.options)


def test_the_grouping_time_is_projected_from_how_far_into_the_table_the_first_matches_reached(portal):
    add_projects(*portal, 10)
    ids = sorted(Project.objects.values_list("pk", flat=True))
    first = [(pk, "cell") for pk in ids[:2]]  # the first matches came from the first fifth of the table
    projected = search_facets._grouping_ms(first, 30.0, Project.objects.all())
    assert projected == pytest.approx(30.0 * ids[-1] / ids[1])


def test_a_value_ranges_grouping_time_is_projected_from_the_projects_of_its_whole_bands(portal):
    add_projects(*portal, 10)
    ids = sorted(Project.objects.values_list("pk", flat=True))
    # A value range's first matches come in the value index's order: here they reached the last id at once.
    first = [(ids[-1], "cell"), (ids[0], "cell")]
    assert search_facets._grouping_ms(first, 30.0, Project.objects.all()) == pytest.approx(30.0)
    # Its whole bands hold 400 projects: grouping them all takes 200 times as long as reading the first two.
    projected = search_facets._grouping_ms(first, 30.0, Project.objects.all(), at_least=400)
    assert projected == pytest.approx(30.0 * 400 / 2)


def test_the_grouping_time_is_projected_from_how_many_editions_the_first_matches_came_from(portal):
    add_projects(*portal, 10)
    ids = sorted(Project.objects.values_list("pk", flat=True))
    editions = portal[0]
    # As an index of edition and value hands them over: the whole first edition before the next.
    first = [(ids[-1], editions[0].pk, "cell"), (ids[0], editions[0].pk, "cell")]
    projected = search_facets._grouping_ms(first, 30.0, Project.objects.all(), editions=3)
    assert projected == pytest.approx(30.0 * 3)
    # From every edition searched: the first matches say nothing more than their ids do.
    spread = [(ids[-1], editions[0].pk, "cell"), (ids[0], editions[1].pk, "cell"), (ids[1], editions[2].pk, "cell")]
    assert search_facets._grouping_ms(spread, 30.0, Project.objects.all(), editions=3) == pytest.approx(30.0)
    # A search read in the ids' order is not projected from its editions: a word found in one edition alone
    # would be projected three times too long.
    assert search_facets._grouping_ms(first, 30.0, Project.objects.all()) == pytest.approx(30.0)


def test_only_a_value_range_without_a_search_word_is_projected_from_its_editions(portal, small_cap, monkeypatch):
    add_projects(*portal, 12)
    edition_ids = [edition.pk for edition in portal[0]]
    told = []
    monkeypatch.setattr(
        search_facets, "_grouping_ms", lambda first, ms, base, at_least, editions: told.append(editions) or 0.0
    )
    search_facets.search_cells(Project.objects.public(), edition_ids, read_by_edition=True)
    search_facets.search_cells(Project.objects.public(), edition_ids)
    assert told == [3, 0]


def test_a_count_whose_known_matches_would_outlast_the_time_limit_is_not_grouped(portal, small_cap):
    add_projects(*portal, 12)
    base = Project.objects.public().filter(value__gte=5 * MILLION)
    edition_ids = [edition.pk for edition in portal[0]]
    with CaptureQueriesContext(connection) as queries:
        cells, lower_bounds = search_facets.search_cells(base, edition_ids, at_least=10**9)
    assert lower_bounds and aggregates_over_projects(queries.captured_queries) == []
    assert sum(cell[-1] for cell in cells) == search_facets.FACET_COUNT_CAP + 1  # the first matches' counts
    # Nothing known beforehand: twelve projects are grouped well within the limit, and counted exactly.
    with CaptureQueriesContext(connection) as queries:
        cells, lower_bounds = search_facets.search_cells(base, edition_ids)
    assert not lower_bounds and aggregates_over_projects(queries.captured_queries)
    assert sum(cell[-1] for cell in cells) == 12


@pytest.mark.parametrize(
    ("params", "whole_bands_from"),
    [
        ({"value_min": "150000000"}, 500 * MILLION),  # cuts 100–500 million, holds the three bands above it
        ({"value_max": "1000000000"}, None),  # holds the three bands under 1 billion, cuts 1–5 billion at its lowest
        ({"value_min": "150000000", "value_max": "999999999.99"}, 500 * MILLION),
        ({"value_min": "200000000", "value_max": "400000000"}, "none"),  # inside one band: no band whole
        ({"value_min": "150000000", "q": "grain"}, "none"),  # a search word: the cells know nothing of words
    ],
)
def test_a_range_cutting_a_band_tells_the_count_how_many_projects_its_whole_bands_hold(
    client, portal, monkeypatch, params, whole_bands_from
):
    add_projects_on_the_edges(*portal)
    told, read_by_editions = [], []
    counting = search_facets.search_cells

    def spy(base, edition_ids, at_least=0, read_by_edition=False):
        told.append(at_least)
        read_by_editions.append(read_by_edition)
        return counting(base, edition_ids, at_least, read_by_edition)

    monkeypatch.setattr("projects.facets.search_cells", spy)
    cache.clear()
    assert client.get(LIST, params).status_code == 200
    public = Project.objects.public()
    if whole_bands_from == "none":
        expected = 0
    elif whole_bands_from is None:
        expected = public.filter(value__lt=1000 * MILLION).count()
    else:
        upper = Decimal(params["value_max"]) if "value_max" in params else None
        expected = public.filter(value__gte=whole_bands_from, **({"value__lte": upper} if upper else {})).count()
    assert told == [expected]
    assert read_by_editions == ["q" not in params]
    assert expected or whole_bands_from == "none"
    assert_counts_are_the_projects(client, params)


def test_the_time_limit_interrupts_a_long_query_and_leaves_the_connection_usable(portal):
    slow = (
        "SELECT pg_sleep(1)"
        if connection.vendor == "postgresql"
        else "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000000) SELECT count(*) FROM n"
    )
    with pytest.raises(OperationalError), time_limit(50), connection.cursor() as cursor:
        cursor.execute(slow)
    with time_limit(5000), connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone()[0] != "50ms"


def test_the_comparison_figures_read_from_the_cells_are_those_of_the_projects(client, portal):
    from projects.models import Project, ProjectKind

    editions, sectors = portal
    add_projects(editions, sectors, 31)
    # 12, 10 and 11 projects: an even and an odd number for the median.
    ProjectFactory(edition=editions[0], sector=sectors[1], value=7 * MILLION, kind=ProjectKind.AGREEMENT)
    ProjectFactory(edition=editions[2], sector=sectors[2], value=9 * MILLION, is_illustrative=True)
    cache.clear()
    comparison = client.get(reverse("comparisons:index"), {"view": "matrix"}).context["comparison"]
    figures = {row.code: [cell.quantity and cell.quantity.value for cell in row.cells] for row in comparison.rows}
    bands = {row.code: [cell.quantity.value for cell in row.cells] for row in comparison.bands}
    published = editions[:3]
    for index, edition in enumerate(published):
        projects = Project.objects.filter(edition=edition)
        values = sorted(projects.values_list("value", flat=True))
        middle = (len(values) - 1) // 2
        median = values[middle] if len(values) % 2 else (values[middle] + values[middle + 1]) / 2
        international = projects.filter(scope=Scope.INTERNATIONAL)
        assert figures["projects:count"][index] == len(values)
        assert figures["projects:total"][index] == sum(values)
        assert figures["projects:median"][index] == median
        assert figures["projects:international-share"][index] == Decimal(international.count()) * 100 / len(values)
        assert figures["projects:partners"][index] == len(set(international.values_list("partner", flat=True)))
        for sector in sectors:
            in_sector = projects.filter(sector=sector).values_list("value", flat=True)
            assert figures[f"sector:{sector.slug}"][index] == sum(in_sector, Decimal(0))
        by_band = [project.band.slug for project in projects]
        assert {code: counts[index] for code, counts in bands.items()} == {
            code: by_band.count(code.removeprefix("band:")) for code in bands
        }
    assert comparison.has_illustrative
    kinds = [cell.measure.definition for cell in comparison.row("projects:total").cells]
    assert kinds == ["contract project, agreement or framework project", "contract project", "contract project"]


# A value range on the bands' edges (projects/bands.py bands_within) is a choice of bands: read from the cells.
RANGES_ON_BAND_EDGES = [
    {"value_min": "1000000000"},
    {"value_min": "100000000", "value_max": "999999999.99"},
    {"value_max": "499999999.99", "sector": "energy"},
    {"value_min": "0", "edition": "2", "band": "1b-5b"},
    {"value_min": "5000000000", "value_max": "100"},  # nothing between
]
# Ranges that cut a band: "up to 500 million" includes exactly 500,000,000, the lowest of the next band.
RANGES_CUTTING_A_BAND = [
    {"value_max": "500000000"},
    {"value_min": "150000000", "value_max": "999999999.99"},
    {"value_min": "1000000000", "q": "grain"},  # with a search word, the cells cannot answer
]


def add_projects_on_the_edges(editions, sectors) -> None:
    """Projects worth exactly each band's edges and a cent below them, besides the usual ones."""
    add_projects(editions, sectors, 30)
    for index, value in enumerate(["99999999.99", "100000000", "499999999.99", "500000000", "999999999.99", "1e9"]):
        ProjectFactory(edition=editions[index % 3], sector=sectors[index % 3], value=Decimal(value))


def counted_from_projects(queries) -> list[str]:
    """The queries that group the projects, or read each one's band to count them (projects/search_facets.py)."""
    return aggregates_over_projects(queries) + [
        query["sql"] for query in queries if PROJECTS_TABLE.search(query["sql"]) and "CASE WHEN" in query["sql"]
    ]


def assert_counts_are_the_projects(client, params) -> None:
    cache.clear()
    response = client.get(LIST, params)
    public = Project.objects.public()
    assert response.context["result_count"] == ProjectFilter(data=params, queryset=public).qs.count()
    assert not response.context["result_count_over"]
    for facet in response.context["facets"]:
        for option in facet.options:
            expected = ProjectFilter(data={**params, facet.name: option.value}, queryset=public).qs.count()
            assert (option.count, option.at_least) == (expected, False), (facet.name, option.value)


@pytest.mark.parametrize("params", RANGES_ON_BAND_EDGES)
def test_a_range_on_the_band_edges_is_summed_from_the_cells(client, portal, params):
    add_projects_on_the_edges(*portal)
    queries = cold_queries(client, LIST, params)
    assert counted_from_projects(queries) == []
    assert_counts_are_the_projects(client, params)


@pytest.mark.parametrize("params", RANGES_CUTTING_A_BAND)
def test_a_range_cutting_a_band_is_counted_from_the_projects(client, portal, params):
    add_projects_on_the_edges(*portal)
    queries = cold_queries(client, LIST, params)
    assert counted_from_projects(queries)
    assert_counts_are_the_projects(client, params)
