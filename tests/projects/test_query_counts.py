"""Speed without wrong numbers: fixed query counts, and cached figures that follow every change."""

import re
from decimal import Decimal

import pytest
from django.contrib.admin.utils import quote
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags
from pytest_django.asserts import assertContains

from core.caching.tokens import current
from editions.models import Edition, EditionStatus
from projects.facets import project_facets, warm_facet_counts
from projects.filters import ProjectFilter
from projects.models import Project, Scope
from projects.tables import FastRow
from tests.factories import EditionFactory, ProjectFactory, SectorFactory, standard_metric

pytestmark = pytest.mark.django_db

LIST = reverse("projects:list")
MILLION = Decimal(10) ** 6
PARTNERS = ["RU", "JP", "KR", "MN"]


@pytest.fixture
def portal():
    editions = [EditionFactory(number=number, year=2000 + number) for number in (1, 2, 3)]
    sectors = [SectorFactory(slug=slug, name_en=slug.title()) for slug in ("energy", "farming", "transport")]
    return editions, sectors


def add_projects(editions, sectors, count: int, start: int = 0) -> None:
    for index in range(start, start + count):
        international = index % 3 == 0
        ProjectFactory(
            edition=editions[index % len(editions)],
            sector=sectors[index % len(sectors)],
            value=Decimal(5 + (index * 37) % 4000) * MILLION,
            scope=Scope.INTERNATIONAL if international else Scope.DOMESTIC,
            partner=PARTNERS[index % len(PARTNERS)] if international else "",
            title=f"Hydrogen plant {index}" if index % 4 == 0 else f"Grain depot {index}",
        )


PAGES = [
    (LIST, {"sort": "-value", "per_page": "10"}),
    (LIST, {"sort": "-value", "sector": "energy"}),
    (LIST, {"sort": "title", "edition": "2", "scope": "international"}),
    (LIST, {"q": "hydrogen", "value_max": "3000000000"}),
    (LIST, {"sort": "-value", "per_page": "10", "page": "3"}),
    (reverse("editions:detail", kwargs={"number": 2}), {}),
    (reverse("editions:list"), {}),
    (reverse("home"), {}),
    (reverse("comparisons:index"), {}),
    (reverse("comparisons:pair", kwargs={"a": 1, "b": 3}), {}),
]


def query_counts(client) -> list[tuple[int, int]]:
    """(queries with an empty cache, queries with a warm one) for every page."""
    counts = []
    for url, params in PAGES:
        cache.clear()
        with CaptureQueriesContext(connection) as cold:
            assert client.get(url, params).status_code == 200
        with CaptureQueriesContext(connection) as warm:
            assert client.get(url, params).status_code == 200
        counts.append((len(cold), len(warm)))
    return counts


def test_every_page_runs_the_same_number_of_queries_with_few_and_many_projects(client, portal):
    editions, sectors = portal
    add_projects(editions, sectors, 5)
    few = query_counts(client)
    add_projects(editions, sectors, 55, start=5)
    many = query_counts(client)
    assert few == many
    # A warm page never aggregates: it reads the data token, and the list also the unpublished editions.
    for (url, _params), (cold, warm) in zip(PAGES, many, strict=True):
        assert warm <= cold, url


def test_the_projects_list_stays_within_a_handful_of_queries(client, portal, django_assert_max_num_queries):
    add_projects(*portal, 60)
    # Cold, a search with few matches reads their ids first (projects/search_pages.py), and on PostgreSQL
    # sets the planner's settings for the page and puts them back.
    with django_assert_max_num_queries(10 + (2 if connection.vendor == "postgresql" else 0)):
        client.get(LIST, {"sector": "energy", "q": "plant"})
    # Warm: the token (read once per request), the unpublished editions (for the facet counts, then again for
    # the cached table and facet HTML), the page's ids and rows.
    with django_assert_max_num_queries(5):
        client.get(LIST, {"sector": "energy", "q": "plant"})


# Facet counts and totals from the cached cube agree with counting the database directly.


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"sector": "energy"},
        {"edition": "2", "scope": "international"},
        {"partner": "jp", "band": "1b-5b"},
        {"scope": "international", "partner": "kr"},
        {"band": "under-100m", "scope": "domestic"},
        {"edition": "1", "sector": "transport"},
        {"value_min": "100000000"},
        {"value_min": "100000000", "value_max": "999999999.99", "partner": "ru"},
        {"q": "hydrogen", "value_min": "1000000000"},
        {"sector": "nothing-here"},
        {"edition": "3", "sector": "farming", "scope": "domestic", "band": "under-100m", "value_max": "80000000"},
    ],
)
def test_facet_counts_and_total_match_a_direct_count(client, portal, params):
    editions, sectors = portal
    add_projects(editions, sectors, 60)
    draft = EditionFactory(number=9, year=2009, draft=True)
    ProjectFactory(edition=draft, sector=sectors[0], scope=Scope.INTERNATIONAL, partner="DE")

    response = client.get(LIST, params)
    public = Project.objects.public()
    assert response.context["result_count"] == ProjectFilter(data=params, queryset=public).qs.count()
    for facet in response.context["facets"]:
        for option in facet.options:
            if option.count == 0:
                continue  # a selected value that matches nothing
            expected = ProjectFilter(data={**params, facet.name: option.value}, queryset=public).qs.count()
            assert option.count == expected, (facet.name, option.value)
        shown = {option.value for option in facet.options}
        assert "9" not in shown and "DE" not in shown


def test_a_facets_first_value_counts_its_other_values_too(client, portal):
    editions, sectors = portal
    add_projects(editions, sectors, 30)
    client.get(LIST, {"sector": "energy"})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, {"sector": "farming"})
    assert not [query["sql"] for query in queries if "projects_aggregatecell" in query["sql"]]
    farming = Project.objects.public().filter(sector=sectors[1])
    editions_facet = response.context["facets"][0]
    expected = {str(edition.number): farming.filter(edition=edition).count() for edition in editions}
    assert {option.value: option.count for option in editions_facet.options} == {
        number: count for number, count in expected.items() if count
    }
    assert response.context["result_count"] == farming.count() == 10


@pytest.mark.parametrize(
    "params", [{"partner": "jp"}, {"scope": "domestic"}, {"band": "1b-5b"}, {"edition": "3"}, {"sector": "farming"}]
)
def test_after_the_warm_up_a_facets_first_value_reads_no_cell(client, portal, params):
    editions, sectors = portal
    add_projects(editions, sectors, 30)
    cache.clear()
    warm_facet_counts()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, params)
    assert not [query["sql"] for query in queries if "projects_aggregatecell" in query["sql"]]
    chosen = ProjectFilter(data=params, queryset=Project.objects.public()).qs
    assert response.context["result_count"] == chosen.count() > 0
    sectors_facet = response.context["facets"][1]
    counts = {option.value: option.count for option in sectors_facet.options}
    for sector in sectors:
        expected = ProjectFilter(data={**params, "sector": sector.slug}, queryset=Project.objects.public()).qs.count()
        assert counts.get(sector.slug, 0) == expected, sector.slug


def test_deep_pages_show_the_same_rows_as_offset_paging(client, portal):
    add_projects(*portal, 60)
    expected = list(Project.objects.public().order_by("-value", "id").values_list("title", flat=True)[40:50])
    response = client.get(LIST, {"per_page": "10", "page": "5"})
    assert [row.record.title for row in response.context["table"].paginated_rows] == expected
    assertContains(response, "Page 5 of 6")


def test_a_page_past_the_end_shows_the_last_page(client, portal):
    add_projects(*portal, 12)
    response = client.get(LIST, {"per_page": "10", "page": "99"})
    assert len(list(response.context["table"].paginated_rows)) == 2
    assertContains(response, "showing page 2 of 2")


# Cached figures follow every change.


def summary_counts(client, number: int = 2) -> tuple[str, str]:
    html = client.get(reverse("editions:detail", kwargs={"number": number})).content.decode()
    listing = client.get(LIST, {"edition": str(number)}).context
    return html, listing["result_count"]


def edition_total(client, number: int) -> int:
    return client.get(LIST, {"edition": str(number)}).context["result_count"]


def compare_count(client, number: int) -> int:
    """The "Projects recorded" cell of edition 1 or 3 on the 1-vs-3 page, read from the page (it is cached HTML)."""
    html = client.get(reverse("comparisons:pair", kwargs={"a": 1, "b": 3})).content.decode()
    row = re.search(r'<th scope="row">Projects recorded <span class="unit">.*?</tr>', html, re.S).group(0)
    cells = re.findall(r'<td class="number">(.*?)</td>', row, re.S)
    return int(re.search(r"\d[\d,]*", strip_tags(cells[0 if number == 1 else 1])).group(0).replace(",", ""))


@pytest.fixture
def warm(client, portal):
    """Three editions with projects, every page visited once so that its figures are cached."""
    editions, sectors = portal
    add_projects(editions, sectors, 9)
    for url, params in PAGES:
        client.get(url, params)
    return editions, sectors


def test_summary_and_lists_follow_orm_changes(client, warm):
    editions, sectors = warm
    assert edition_total(client, 3) == 3
    assert compare_count(client, 3) == 3

    project = ProjectFactory(edition=editions[2], sector=sectors[0], value=7000 * MILLION, title="Fresh tower")
    assert edition_total(client, 3) == 4
    assert compare_count(client, 3) == 4
    assertContains(client.get(reverse("editions:detail", kwargs={"number": 3})), "Fresh tower")

    project.value = 8000 * MILLION
    project.save()
    assertContains(client.get(reverse("editions:detail", kwargs={"number": 3})), "8 billion yuan")

    project.delete()
    assert edition_total(client, 3) == 3
    assert compare_count(client, 3) == 3


def test_moving_a_project_to_another_edition_moves_its_counts(client, warm):
    editions, _sectors = warm
    project = Project.objects.filter(edition=editions[0]).first()
    project.edition = editions[1]
    project.save()
    assert edition_total(client, 1) == 2
    assert edition_total(client, 2) == 4
    facets = {facet.name: facet for facet in client.get(LIST).context["facets"]}
    assert {option.value: option.count for option in facets["edition"].options} == {"1": 2, "2": 4, "3": 3}


def admin_data(project: Project, **changes) -> dict:
    data = {
        "edition": project.edition_id,
        "title": project.title,
        "title_zh": project.title_zh,
        "sector": project.sector_id,
        "kind": project.kind,
        "status": project.status,
        "scope": project.scope,
        "partner": project.partner,
        "parties": project.parties,
        "parties_zh": project.parties_zh,
        "location": project.location,
        "value": str(project.value),
        "signed_on": project.signed_on.isoformat() if project.signed_on else "",
        "description": project.description,
        "description_zh": project.description_zh,
        "source": project.source_id or "",
        "is_illustrative": "on" if project.is_illustrative else "",
        "loaded_version": project.version,
    }
    data.update(changes)
    return data


def test_summary_follows_admin_add_change_and_delete(client, warm, admin_client):
    editions, sectors = warm
    template = Project.objects.filter(edition=editions[1]).first()
    added = admin_client.post(
        reverse("admin:projects_project_add"),
        admin_data(template, title="Added in the admin", value="9000000000"),
    )
    assert added.status_code == 302, added.content.decode()[:2000]
    assert edition_total(client, 2) == 4
    assertContains(client.get(reverse("editions:detail", kwargs={"number": 2})), "Added in the admin")

    project = Project.objects.get(title="Added in the admin")
    changed = admin_client.post(
        reverse("admin:projects_project_change", args=[quote(project.pk)]),
        admin_data(project, edition=editions[2].pk),
    )
    assert changed.status_code == 302, changed.content.decode()[:2000]
    assert edition_total(client, 2) == 3
    assert edition_total(client, 3) == 4
    assert compare_count(client, 3) == 4

    deleted = admin_client.post(reverse("admin:projects_project_delete", args=[quote(project.pk)]), {"post": "yes"})
    assert deleted.status_code == 302
    assert edition_total(client, 3) == 3
    assert compare_count(client, 3) == 3


def test_bulk_inserts_show_at_once(client, warm):
    editions, sectors = warm
    template = Project.objects.filter(edition=editions[0]).first()
    Project.objects.bulk_create(
        [
            Project(
                edition=editions[0],
                sector=sectors[0],
                title=f"Bulk {index}",
                value=MILLION * (index + 1),
                source=template.source,
            )
            for index in range(5)
        ]
    )
    # No signal, but the queryset's bulk_create replaces the tokens.
    assert edition_total(client, 1) == 8
    assert compare_count(client, 1) == 8


def test_publishing_and_withdrawing_an_edition_changes_the_lists(client, warm):
    editions, _sectors = warm
    assert "3" in {option.value for option in client.get(LIST).context["facets"][0].options}
    # Even a write that sends no signal: the unpublished editions are part of the cache key.
    Edition.objects.filter(pk=editions[2].pk).update(status=EditionStatus.DRAFT)
    response = client.get(LIST)
    assert "3" not in {option.value for option in response.context["facets"][0].options}
    assert response.context["result_count"] == 6


def test_renaming_a_sector_renames_its_facet(client, warm):
    _editions, sectors = warm
    sectors[0].name_en = "Clean power"
    sectors[0].save()
    options = client.get(LIST).context["facets"][1].options
    assert "Clean power" in {option.label for option in options}


def test_the_token_changes_with_every_write_and_survives_an_emptied_table(portal):
    first = current().site
    assert current().site == first
    ProjectFactory(edition=portal[0][0], sector=portal[1][0])
    assert current().site != first
    from core.models import DataVersion

    DataVersion.objects.all().delete()
    assert current().site == current().site


def test_facets_are_computed_once_per_data_version(portal, django_assert_max_num_queries):
    add_projects(*portal, 12)
    base = Project.objects.public()

    def facets():
        return project_facets(base=base, unfaceted={}, labels={}, selected={"sector": "energy"})

    first, total = facets()
    # The tokens, the published editions and the sectors' names; the counts come from the cache.
    with CaptureQueriesContext(connection) as queries:
        again, again_total = facets()
    assert len(queries) <= 3
    assert not [query["sql"] for query in queries if "GROUP BY" in query["sql"]]
    assert (again, again_total) == (first, total) and total == 4


def test_editions_table_counts_follow_changes(client, warm):
    editions, sectors = warm
    standard_metric("participants")
    rows = client.get(reverse("editions:list"), {"sort": "-recorded_count"}).context["table"].rows
    assert [row.record.recorded_count for row in rows] == [3, 3, 3]
    ProjectFactory(edition=editions[1], sector=sectors[0])
    rows = client.get(reverse("editions:list"), {"sort": "-recorded_count"}).context["table"].rows
    assert [(row.record.number, row.record.recorded_count) for row in rows][0] == (2, 4)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_fast_rows_render_exactly_what_the_table_would(client, portal, monkeypatch, language):
    editions, sectors = portal
    add_projects(editions, sectors, 12)
    ProjectFactory(
        edition=editions[0], sector=sectors[1], title="<script>alert(1)</script> & co", title_zh="", signed_on=None
    )
    ProjectFactory(
        edition=editions[1], sector=sectors[2], title="Marked", is_illustrative=True, scope=Scope.INTERNATIONAL,
        partner="KP", value=Decimal("1234.56"),
    )  # fmt: skip
    # One title in English only, one in both: a page marks the text that is not in its language.
    ProjectFactory(edition=editions[2], sector=sectors[0], title="Wind farm", title_zh="")
    ProjectFactory(edition=editions[2], sector=sectors[0], title="Solar park", title_zh="光伏园")
    params = {"per_page": "50", "sort": "title"}
    with translation.override(language):
        url = reverse("projects:list")

    def table_html(response) -> str:
        html = response.content.decode()
        return html[html.index("<table") : html.index("</table>")]

    fast = table_html(client.get(url, params))
    monkeypatch.setattr("projects.tables.FastRows.serves", classmethod(lambda cls, table: False))
    cache.clear()  # the same address again: rendered afresh, not the page the cache kept
    response = client.get(url, params)
    assert not any(isinstance(row, FastRow) for row in response.context["table"].paginated_rows)
    standard = table_html(response)
    assert fast.splitlines() == standard.splitlines()
    assert fast.count("<tr") == 17
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in fast
    if language == "en":
        assert ">Solar park</a>" in fast and ">Wind farm</a>" in fast
    else:
        assert ">光伏园</a>" in fast and '><span lang="en">Wind farm</span></a>' in fast


def test_summary_and_lists_follow_an_import(client, warm):
    """An import writes in batches, without signals: it stales its editions' caches itself, once."""
    from import_export.formats.base_formats import CSV

    from projects.resources import ProjectResource
    from tests.factories import SourceFactory
    from tests.projects.test_imports import csv_bytes, project_rows, run_import

    editions, sectors = warm
    source = SourceFactory(key="S77")
    rows = [row[:2] + [sectors[0].name_en] + row[3:] for row in project_rows(2, 4, source.key)]
    headers = ["edition", "title", "sector", "value", "partner", "signed_on", "source"]
    result = run_import(ProjectResource, csv_bytes(headers, rows), CSV, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert edition_total(client, 2) == 7
    index = client.get(reverse("comparisons:index")).context["comparison"].row("projects:count")
    assert [cell.quantity.value for cell in index.cells] == [3, 7, 3]
    assertContains(client.get(reverse("editions:detail", kwargs={"number": 2})), "Imported project")


def test_text_search_has_one_trigram_index_on_postgresql_only():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'projects_project'")
            definitions = {name: sql for name, sql in cursor.fetchall() if "trgm" in sql}
            assert list(definitions) == ["projects_project_searched_text_trgm"]
            definition = definitions["projects_project_searched_text_trgm"]
            assert "gin_trgm_ops" in definition and "upper(" in definition
            for column in ("title", "title_zh", "parties", "parties_zh", "description", "description_zh"):
                assert column in definition
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%trgm%'")
            assert cursor.fetchall() == []


def test_text_search_finds_words_in_any_column_and_case(client, portal):
    editions, sectors = portal
    ProjectFactory(edition=editions[0], sector=sectors[0], title="Solar farm", parties="Harbin HYDROGEN Works")
    ProjectFactory(edition=editions[0], sector=sectors[0], title="Wind park", description="a hydrogen pilot")
    ProjectFactory(edition=editions[0], sector=sectors[0], title="Grain silo")
    titles = [row.record.title for row in client.get(LIST, {"q": "Hydrogen"}).context["table"].paginated_rows]
    assert sorted(titles) == ["Solar farm", "Wind park"]


def test_other_orders_and_pages_of_one_filter_choice_reuse_its_facet_counts(client, portal, monkeypatch):
    add_projects(*portal, 60)
    counted = []

    def counting(**kwargs):
        counted.append(kwargs["selected"])
        return project_facets(**kwargs)

    monkeypatch.setattr("projects.views.project_facets", counting)
    first = client.get(LIST, {"sector": "energy"})
    other = client.get(LIST, {"sector": "energy", "sort": "title", "per_page": "10", "page": "2"})
    assert counted == [{"sector": "energy"}]
    assert other.context["result_count"] == first.context["result_count"] == 20
    assert other.context["facets"] == first.context["facets"]
    # Another choice of filters is counted afresh, and so is the same one after any change.
    assertContains(client.get(LIST, {"sector": "energy", "partner": "JP"}), "5 projects match")
    ProjectFactory(edition=portal[0][0], sector=portal[1][0], value=Decimal(7) * MILLION)
    assertContains(client.get(LIST, {"sector": "energy", "page": "2"}), "21 projects match")
    assert len(counted) == 3
