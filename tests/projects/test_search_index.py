"""The text search reads an index on SQLite (FTS5 trigram, projects/migrations/0007_...) and finds exactly what the
LIKE search found, in English and Chinese, for words too short for the index as well; the index follows every write."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.filters import SEARCH_INDEX, SEARCHED_COLUMNS, ProjectFilter, streaming_the_search_index
from projects.models import Project
from tests.factories import EditionFactory, ProjectFactory

pytestmark = pytest.mark.django_db

on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 index is SQLite's")

QUERIES = [
    "wind",
    "WIND farm",
    "Farm",
    "hydrogen",
    "Hydrogen HUB",
    "风电场",
    "风电",  # two characters: too short for a trigram, found by LIKE alone
    "氢能",
    "氢能源产业园",
    "汽车零部件",
    "Jilin",
    "RU",
    "a",
    "amur power",
    "Москва",
    "МОСКВА",  # SQLite's LIKE folds ASCII letters only: this finds nothing, with the index or without it
    "Café",
    "CAFÉ",
    "50%",
    "50_",
    '"quoted',
    "brake-systems",
    "O'Neil",
    "nothing-like-this",
    "wind 风电",
    "phase 1",
    # FTS5 query syntax is only ever literal text here.
    "NEAR(wind",
    "*wind*",
    "^风电场",
    "wind OR",
    'a"b"c',
    '"""',
    "-farm",
]


@pytest.fixture
def projects():
    edition = EditionFactory(number=14, year=2023)
    older = EditionFactory(number=13, year=2022)
    rows = [
        {"title": "Wind farm phase 1", "title_zh": "风电场一期", "parties": "Amur Power; Jilin Wind"},
        {"title": "Offshore WIND park", "title_zh": "海上风电", "parties": "Jilin Energy Group"},
        {"title": "Hydrogen hub", "title_zh": "氢能源产业园", "description": "Green hydrogen from wind power."},
        {"title": "Auto parts plant", "title_zh": "汽车零部件工厂", "description": "Brake-systems for export."},
        {"title": "Moscow logistics centre", "parties": "Москва Логистик", "parties_zh": "莫斯科物流"},
        {"title": "Café chain", "description": "50% owned by O'Neil Holdings"},
        {"title": 'The "quoted" project', "description": "Rates of 50_ percent"},
        {"title": "Seed bank", "title_zh": "种子库", "description": "Farm seeds."},
    ]
    for index, fields in enumerate(rows):
        ProjectFactory(
            edition=edition if index % 2 else older,
            value=Decimal(100 + index) * 10**6,
            **{"title_zh": "", "parties": "", "parties_zh": "", "description": "", "description_zh": "", **fields},
        )


def searched(q: str) -> list[int]:
    found = ProjectFilter(data={"q": q}, queryset=Project.objects.all()).qs
    return sorted(found.values_list("pk", flat=True))


def searched_without_the_index(q: str) -> list[int]:
    """The search as it was before the index: every word in one of the columns, by LIKE."""
    condition = Q()
    for word in q.split()[:10]:
        condition &= Q.create([(f"{column}__icontains", word) for column in SEARCHED_COLUMNS], connector=Q.OR)
    return sorted(Project.objects.filter(condition).values_list("pk", flat=True))


def titles(ids: list[int]) -> set[str]:
    return set(Project.objects.filter(pk__in=ids).values_list("title", flat=True))


@pytest.mark.parametrize("q", QUERIES)
def test_the_search_finds_exactly_what_the_like_search_found(projects, q):
    assert searched(q) == searched_without_the_index(q)


def test_the_search_finds_what_a_reader_expects(projects):
    assert titles(searched("wind")) == {"Wind farm phase 1", "Offshore WIND park", "Hydrogen hub"}
    assert titles(searched("风电")) == {"Wind farm phase 1", "Offshore WIND park"}
    assert titles(searched("风电场")) == {"Wind farm phase 1"}
    assert titles(searched("氢能源产业园")) == {"Hydrogen hub"}
    assert titles(searched("Hydrogen HUB")) == {"Hydrogen hub"}
    assert titles(searched("Москва")) == {"Moscow logistics centre"}
    assert titles(searched("50%")) == {"Café chain"}
    assert titles(searched('"quoted')) == {'The "quoted" project'}
    assert titles(searched("wind 风电")) == {"Wind farm phase 1", "Offshore WIND park"}
    assert searched("nothing-like-this") == []


@pytest.mark.parametrize("q", QUERIES)
def test_the_index_joined_finds_exactly_what_the_search_finds(projects, q):
    filters = ProjectFilter(data={"q": q}, queryset=Project.objects.all())
    joined = streaming_the_search_index(filters).qs
    assert sorted(joined.values_list("pk", flat=True)) == searched(q)


@on_sqlite
def test_reads_in_no_order_join_the_index_and_reads_in_an_order_ask_it_for_a_list(client, projects):
    """The facets' first matches and a page of few matches stream from the joined index; a download, read in the
    table's order, asks for the list of ids, so that SQLite can walk the order's index instead of sorting."""
    joined_at, listed = f'"{SEARCH_INDEX}"."rowid" = ', f"SELECT rowid FROM {SEARCH_INDEX}"
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("projects:list"), {"q": "wind", "sort": "title"})
    sql = [query["sql"] for query in queries.captured_queries]
    assert [row.record.title for row in page.context["table"].paginated_rows] == [
        "Hydrogen hub", "Offshore WIND park", "Wind farm phase 1",
    ]  # fmt: skip
    assert [query for query in sql if "band_position" in query and joined_at in query]  # the facets' first matches
    assert [query for query in sql if 'ORDER BY +"' in query and joined_at in query]  # the page, sorted
    assert not [query for query in sql if listed in query]
    with CaptureQueriesContext(connection) as queries:
        download = client.get(reverse("projects:list"), {"q": "wind", "sort": "title", "_export": "csv"})
        rows = b"".join(download.streaming_content).decode().splitlines()[1:]
    sql = [query["sql"] for query in queries.captured_queries]
    assert [row.split(",")[1] for row in rows] == ["Hydrogen hub", "Offshore WIND park", "Wind farm phase 1"]
    assert [query for query in sql if listed in query] and not [query for query in sql if joined_at in query]
    joined = streaming_the_search_index(ProjectFilter(data={"q": "hydrogen"}, queryset=Project.objects.all())).qs
    sql, params = joined.values_list("pk")[:10].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        first_step = str(cursor.fetchall()[0][-1])
    assert first_step.startswith(f"SCAN {SEARCH_INDEX} VIRTUAL TABLE INDEX")  # the index leads, in its ids' order


@on_sqlite
def test_words_of_three_characters_or_more_are_looked_up_in_the_index(projects):
    for q, indexed in [("hydrogen", True), ("风电场", True), ("风电", False), ("RU a", False), ("wind RU", True)]:
        with CaptureQueriesContext(connection) as queries:
            searched(q)
        assert any(f"{SEARCH_INDEX} MATCH" in query["sql"] for query in queries.captured_queries) == indexed, q
    sql, params = ProjectFilter(data={"q": "hydrogen"}, queryset=Project.objects.all()).qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "VIRTUAL TABLE INDEX" in plan and SEARCH_INDEX in plan


@on_sqlite
def test_the_index_follows_every_write(projects):
    project = Project.objects.get(title="Seed bank")
    project.title = "Hydrogen seed bank"
    project.save()
    assert "Hydrogen seed bank" in titles(searched("hydrogen"))
    Project.objects.filter(pk=project.pk).update(title="Grain silo", title_zh="粮仓工程")
    assert "Hydrogen seed bank" not in titles(searched("hydrogen"))
    assert titles(searched("粮仓工程")) == {"Grain silo"}
    Project.objects.filter(pk=project.pk).update(value=Decimal(999) * 10**6)  # not a searched column
    assert titles(searched("grain silo")) == {"Grain silo"}
    Project.objects.bulk_create(
        [
            ProjectFactory.build(
                title="Geothermal loop", edition=project.edition, sector=project.sector, source=project.source
            )
        ]
    )
    assert titles(searched("geothermal")) == {"Geothermal loop"}
    Project.objects.filter(title="Geothermal loop").delete()
    project.delete()
    assert searched("geothermal") == [] and searched("粮仓工程") == []
    with connection.cursor() as cursor:  # the index's own check that it agrees with the table
        cursor.execute(f"INSERT INTO {SEARCH_INDEX}({SEARCH_INDEX}, rank) VALUES ('integrity-check', 1)")
    for q in QUERIES:
        assert searched(q) == searched_without_the_index(q), q


@on_sqlite
def test_the_triggers_that_keep_the_index_survive_every_migration():
    # Django rebuilds a SQLite table to alter it, dropping its triggers: a migration that does must add them back.
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'projects_project'")
        triggers = {name for (name,) in cursor.fetchall()}
    assert {f"{SEARCH_INDEX}_insert", f"{SEARCH_INDEX}_delete", f"{SEARCH_INDEX}_update"} <= triggers


def test_the_public_table_searches_in_both_languages(client, projects):
    page = client.get(reverse("projects:list") + "?q=风电场").content.decode()
    assert "Wind farm phase 1" in page and "Offshore WIND park" not in page
    page = client.get("/zh-hans/projects/?q=hydrogen").content.decode()
    assert "氢能源产业园" in page and "风电场一期" not in page
