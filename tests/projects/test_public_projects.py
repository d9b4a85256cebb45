import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from editions.models import Edition, EditionStatus
from projects.models import Project, Scope
from tests.factories import EditionFactory, ProjectFactory, SectorFactory, SourceFactory

pytestmark = pytest.mark.django_db

LIST = reverse("projects:list")


def titles(response) -> list[str]:
    return [row.record.title for row in response.context["table"].paginated_rows]


def csv_rows(response) -> list[dict]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))


# Sorting


def test_default_order_is_largest_first_and_marked_sorted(client, three_projects):
    response = client.get(LIST)
    assert titles(response) == ["Auto parts plant", "Wind farm", "Seed bank"]
    assertContains(response, 'aria-sort="descending"')


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("-value", ["Auto parts plant", "Wind farm", "Seed bank"]),
        ("value", ["Seed bank", "Wind farm", "Auto parts plant"]),
        ("band", ["Seed bank", "Wind farm", "Auto parts plant"]),
        ("title", ["Auto parts plant", "Seed bank", "Wind farm"]),
        ("-title", ["Wind farm", "Seed bank", "Auto parts plant"]),
        ("edition", ["Auto parts plant", "Seed bank", "Wind farm"]),
        ("sector", ["Wind farm", "Auto parts plant", "Seed bank"]),  # ties break by id
        ("signed_on", ["Auto parts plant", "Wind farm", "Seed bank"]),
        ("-signed_on", ["Seed bank", "Wind farm", "Auto parts plant"]),
    ],
)
def test_sort_parameter_orders_rows(client, three_projects, sort, expected):
    response = client.get(LIST, {"sort": sort})
    assert response.status_code == 200
    assert titles(response) == expected


def test_unknown_sort_key_falls_back_to_default_order(client, three_projects):
    response = client.get(LIST, {"sort": "password; DROP TABLE"})
    assert response.status_code == 200
    assert titles(response) == ["Auto parts plant", "Wind farm", "Seed bank"]


def test_sort_links_keep_the_filters(client, three_projects):
    response = client.get(LIST, {"edition": "14"})
    assertContains(response, "edition=14&amp;sort=title")


# Filters


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"edition": "14"}, {"Wind farm", "Seed bank"}),
        ({"sector": "farming"}, {"Seed bank"}),
        ({"scope": "international"}, {"Wind farm", "Auto parts plant"}),
        ({"scope": "domestic"}, {"Seed bank"}),
        ({"partner": "RU"}, {"Wind farm"}),
        ({"partner": "jp"}, {"Auto parts plant"}),
        ({"band": "100m-500m"}, {"Wind farm"}),
        ({"band": "5b-plus"}, {"Auto parts plant"}),
        ({"band": "under-100m"}, {"Seed bank"}),
        ({"value_min": "300000000"}, {"Wind farm", "Auto parts plant"}),
        ({"value_max": "300000000"}, {"Wind farm", "Seed bank"}),
        ({"value_min": "100000000", "value_max": "1000000000"}, {"Wind farm"}),
        ({"edition": "14", "scope": "international"}, {"Wind farm"}),
        ({"edition": "999"}, set()),
        ({"sector": "no-such-sector"}, set()),
    ],
)
def test_each_filter_narrows_the_rows(client, three_projects, params, expected):
    response = client.get(LIST, params)
    assert response.status_code == 200
    assert set(titles(response)) == expected


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("wind", {"Wind farm"}),  # title, any case
        ("汽车", {"Auto parts plant"}),  # Chinese title
        ("Amur", {"Wind farm"}),  # signing parties
        ("brake", {"Auto parts plant"}),  # description
        ("jilin wind", {"Wind farm"}),  # every word must match somewhere
        ("nothing-like-this", set()),
    ],
)
def test_search_covers_title_parties_and_description(client, three_projects, q, expected):
    response = client.get(LIST, {"q": q})
    assert set(titles(response)) == expected


def test_result_count_is_shown(client, three_projects):
    assertContains(client.get(LIST, {"edition": "14"}), "2 projects match")
    assertContains(client.get(LIST, {"q": "seed"}), "1 project matches")


def test_facet_counts_reflect_the_other_filters(client, three_projects):
    response = client.get(LIST, {"edition": "14"})
    facets = {facet.name: {opt.value: opt.count for opt in facet.options} for facet in response.context["facets"]}
    # The edition facet ignores its own filter, so other editions stay reachable with their counts.
    assert facets["edition"] == {"14": 2, "13": 1}
    # Every other facet counts within the 14th edition only.
    assert facets["sector"] == {"new-energy-x": 1, "farming": 1}
    assert facets["scope"] == {"domestic": 1, "international": 1}
    assert facets["partner"] == {"RU": 1}
    assert facets["band"] == {"under-100m": 1, "100m-500m": 1}
    assertContains(response, '<option value="14" selected>14th (2023) (2)</option>', html=True)
    assertContains(response, "Russia (1)")


def test_filter_choices_use_readable_values_not_ids(client, three_projects):
    response = client.get(LIST)
    assertContains(response, '<option value="farming">Farming (1)</option>', html=True)
    assertContains(response, 'value="5b-plus"')


# Pagination and page size


def test_per_page_sets_the_page_size_and_pages_link_onwards(client):
    ProjectFactory.create_batch(5)
    response = client.get(LIST, {"per_page": "2", "sort": "title"})
    assert len(titles(response)) == 2
    assertContains(response, "Page 1 of 3")
    assertContains(response, "per_page=2&amp;sort=title&amp;page=2")


@pytest.mark.parametrize(("per_page", "expected"), [("100000", 200), ("abc", 25), ("-5", 25), ("0", 25), ("50", 50)])
def test_page_size_out_of_range_is_clamped(client, per_page, expected):
    ProjectFactory()
    response = client.get(LIST, {"per_page": per_page})
    assert response.status_code == 200
    assert response.context["per_page"] == expected


def test_page_beyond_the_last_shows_the_last_page_with_a_message(client):
    ProjectFactory.create_batch(3)
    response = client.get(LIST, {"per_page": "2", "page": "99"})
    assert response.status_code == 200
    assert response.context["table"].page.number == 2
    assertContains(response, "There is no page “99”; showing page 2 of 2.")


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1e9"])
def test_page_that_is_not_a_page_number_shows_a_message(client, page):
    ProjectFactory.create_batch(3)
    response = client.get(LIST, {"per_page": "2", "page": page})
    assert response.status_code == 200
    assertContains(response, f"There is no page “{page}”")


# Bad filter values


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"edition": "abc"}, "Edition: Enter a number."),
        ({"edition": "99999999"}, "Edition: Ensure this value is less than or equal to 32767."),
        ({"value_min": "lots"}, "Value from (yuan): Enter a number."),
        ({"value_max": "-5"}, "Value up to (yuan): Ensure this value is greater than or equal to 0."),
        ({"value_min": "1" * 40}, "Value from (yuan): Ensure that there are no more than 17 digits in total."),
        ({"partner": "RUS"}, "Partner country or region: Ensure this value has at most 2 characters (it has 3)."),
        ({"partner": "1!"}, "Use a two-letter country code such as RU."),
        ({"band": "huge"}, "Value band: Select a valid choice. huge is not one of the available choices."),
        ({"scope": "galactic"}, "Scope: Select a valid choice."),
        ({"sector": "<script>"}, "Use a sector name from the list."),
    ],
)
def test_malformed_filter_values_get_a_400_with_the_reason(client, three_projects, params, message):
    response = client.get(LIST, params)
    assert response.status_code == 400
    assertContains(response, message, status_code=400)
    assert titles(response) == []


def test_malformed_filter_never_exports(client, three_projects):
    response = client.get(LIST, {"edition": "abc", "_export": "csv"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_unknown_export_format_shows_the_page(client, three_projects):
    response = client.get(LIST, {"_export": "yaml"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


# Drafts


def test_draft_edition_projects_appear_nowhere(client, three_projects):
    draft = EditionFactory(number=15, year=2024, draft=True)
    ProjectFactory(edition=draft, title="Secret draft project", partner="KR", scope=Scope.INTERNATIONAL)
    response = client.get(LIST)
    assertNotContains(response, "Secret draft project")
    facets = {facet.name: [option.value for option in facet.options] for facet in response.context["facets"]}
    assert "15" not in facets["edition"]
    assert "KR" not in facets["partner"]
    assert "2 projects match" not in response.content.decode()
    assertContains(response, "3 projects match")
    assert len(csv_rows(client.get(LIST, {"_export": "csv"}))) == 3
    assert client.get(LIST, {"edition": "15"}).context["table"].paginator.count == 0
    assert len(csv_rows(client.get(LIST, {"edition": "15", "_export": "csv"}))) == 0
    assert "Secret draft project" not in client.get(LIST, {"_export": "json"}).getvalue().decode()


def test_public_rows_read_the_editions_statuses_in_the_same_statement(django_assert_num_queries):
    published = ProjectFactory(edition=EditionFactory(number=3, year=2008), title="Published project")
    draft = EditionFactory(number=4, year=2009, draft=True)
    ProjectFactory(edition=draft, title="Draft project")
    # The statuses are read when the rows are, not when the query is built: an edition that becomes a draft
    # in between takes its projects with it.
    rows = Project.objects.public().values_list("title", flat=True)
    Edition.objects.filter(pk=published.edition_id).update(status=EditionStatus.DRAFT)
    with django_assert_num_queries(1):
        assert list(rows) == []


def test_while_every_edition_is_published_every_project_is_public(django_assert_num_queries):
    first, second = EditionFactory(number=1, year=2005), EditionFactory(number=2, year=2006)
    ProjectFactory(edition=first, title="First")
    ProjectFactory(edition=second, title="Second")
    with django_assert_num_queries(1):
        assert sorted(Project.objects.public().values_list("title", flat=True)) == ["First", "Second"]
    Edition.objects.filter(pk=second.pk).update(status=EditionStatus.DRAFT)
    assert list(Project.objects.public().values_list("title", flat=True)) == ["First"]


def test_draft_project_page_is_404(client):
    project = ProjectFactory(edition=EditionFactory(draft=True))
    assert client.get(project.get_absolute_url()).status_code == 404


# Detail


def test_project_page_shows_everything_with_marker_and_source(client):
    source = SourceFactory(url="https://news.example.org/release-77.html", publisher="Jilin Daily")
    project = ProjectFactory(
        title="Grain terminal",
        value=Decimal("84475000000"),
        scope=Scope.INTERNATIONAL,
        partner="MN",
        parties="Port of Zarubino; Jilin Grain",
        is_illustrative=True,
        generated_from=source,
        status="under_construction",
    )
    response = client.get(project.get_absolute_url())
    # Made up: no article is its source, and its kind and status are no facts.
    assertContains(response, "generated to match the totals published in")
    assertContains(response, "<dd>contract project (illustrative)</dd>", html=True)
    assertContains(response, "<dd>under construction (illustrative)</dd>", html=True)
    assertContains(response, "Grain terminal")
    assertContains(response, '<span class="illustrative-badge">illustrative</span>', html=True)
    assertContains(response, "84.475 billion yuan")
    assertContains(response, "5 billion yuan and over")
    assertContains(response, "Mongolia")
    assertContains(response, "Port of Zarubino; Jilin Grain")
    assertContains(response, "https://news.example.org/release-77.html")
    assertContains(response, "Jilin Daily")
    assertContains(response, project.edition.get_absolute_url())
    assertContains(response, project.sector.name_en)


def test_real_project_has_no_marker(client):
    project = ProjectFactory(title="Real thing", is_illustrative=False)
    response = client.get(project.get_absolute_url())
    assertContains(response, "<h1>Real thing</h1>", html=True)
    assertNotContains(response, "This is an illustrative demo record")


@pytest.mark.parametrize("path", ["/en/projects/999999/", "/en/projects/99999999999999999999999/"])
def test_unknown_project_is_404(client, path):
    assert client.get(path).status_code == 404


def test_illustrative_marker_in_the_table(client, three_projects):
    response = client.get(LIST)
    assertContains(response, 'Auto parts plant</a> <span class="illustrative-badge">illustrative</span>')
    assertNotContains(response, 'Wind farm</a> <span class="illustrative-badge">')


# Query counts


@pytest.mark.parametrize("count", [5, 50])
def test_list_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, count):
    sectors = SectorFactory.create_batch(3)
    editions = EditionFactory.create_batch(2)
    for index in range(count):
        ProjectFactory(
            edition=editions[index % 2],
            sector=sectors[index % 3],
            scope=Scope.INTERNATIONAL,
            partner=["RU", "JP", "KR"][index % 3],
        )
    # A search with few matches reads their ids first (projects/search_pages.py), and on PostgreSQL sets the
    # planner's settings for the page and puts them back.
    with django_assert_max_num_queries(9 + (2 if connection.vendor == "postgresql" else 0)):
        response = client.get(LIST, {"per_page": "100", "q": "wind"})
    assert response.status_code == 200
    with django_assert_max_num_queries(3):
        client.get(LIST, {"_export": "csv"})


@pytest.mark.parametrize("count", [5, 50])
def test_detail_runs_two_queries_and_a_repeat_visit_one(client, django_assert_max_num_queries, count):
    projects = ProjectFactory.create_batch(count)
    url = projects[-1].get_absolute_url()
    with django_assert_max_num_queries(2):  # the data token, then the project
        first = client.get(url)
    assert first.status_code == 200 and projects[-1].title in first.content.decode()
    assert first["ETag"] and "public" in first["Cache-Control"]
    with django_assert_max_num_queries(1):  # the token: the page comes from the cache
        assert client.get(url).content == first.content
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304


@pytest.mark.parametrize(
    "params",
    [
        {"q": "wind\x00farm"},
        {"sector": "\x00"},
        {"partner": "R\x00"},
        {"q": "x" * 201},
    ],
)
def test_hostile_text_gets_a_400_not_a_500(client, three_projects, params):
    assert client.get(LIST, params).status_code == 400


@pytest.mark.parametrize(
    "params", [{"page": "\x00"}, {"per_page": "\x00"}, {"sort": "\x00"}, {"sort": ["title", "-value"]}]
)
def test_odd_paging_and_sorting_values_still_show_the_page(client, three_projects, params):
    assert client.get(LIST, params).status_code == 200


def test_pagination_offers_first_and_last_pages(client):
    ProjectFactory.create_batch(7)
    response = client.get(LIST, {"per_page": "2", "page": "2"})
    assertContains(response, "Page 2 of 4")
    assertContains(response, "per_page=2&amp;page=4")
    assertContains(response, ">Last<")
    assertContains(response, 'rel="prev"')


@pytest.mark.parametrize("sort", [".", "-39.7", "edition.number", "password", "-", ",,"])
def test_a_sort_key_the_table_does_not_know_is_ignored(client, sort):
    small = ProjectFactory(value=Decimal("150000000"))
    large = ProjectFactory(value=Decimal("900000000"))
    response = client.get("/en/projects/", {"sort": sort})
    assert response.status_code == 200
    content = response.content.decode()
    assert content.index(large.title) < content.index(small.title)  # the default order: largest first
