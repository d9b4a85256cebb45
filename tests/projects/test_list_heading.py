"""The projects page says what it shows: a heading naming the filters and the order, each filter removable on
its own, and an order to choose where the column headers are out of sight (a phone)."""

import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains

from editions.models import Sector
from projects.models import Scope
from tests.factories import EditionFactory, ProjectFactory

pytestmark = pytest.mark.django_db

LIST = reverse("projects:list")


@pytest.fixture(autouse=True)
def _english_afterwards():
    yield
    translation.activate("en")
    translation.deactivate()


@pytest.fixture
def projects():
    fourteenth = EditionFactory(number=14, year=2023)
    energy = Sector.objects.get(slug="new-energy")  # a standard sector: "New energy", 新能源
    ProjectFactory(edition=fourteenth, sector=energy, title="Wind farm", value=Decimal("300000000"))
    ProjectFactory(
        edition=fourteenth,
        sector=energy,
        title="Solar park",
        value=Decimal("200000000"),
        scope=Scope.INTERNATIONAL,
        partner="RU",
    )
    ProjectFactory(edition=EditionFactory(number=13, year=2021), title="Seed bank")


def heading(response) -> str:
    return unescape(re.sub(r"<[^>]+>", "", re.search(r"<h1>(.*?)</h1>", response.content.decode(), re.S).group(1)))


def chips(response) -> dict[str, str]:
    """Each removable filter's text and the address that removes it."""
    page = response.content.decode()
    block = re.search(r'<ul class="active-filters".*?</ul>', page, re.S)
    if block is None:
        return {}
    return {
        " ".join(unescape(re.sub(r"<[^>]+>", " ", text)).split()): unescape(href)
        for href, text in re.findall(r'<a class="chip" href="([^"]*)">(.*?)</a>', block.group(0), re.S)
    }


def test_the_heading_names_the_filters_and_the_order(client, projects):
    response = client.get(LIST, {"edition": "14", "sector": "new-energy", "sort": "-value"})
    assert heading(response) == "New energy projects of the 14th edition, largest first"
    assertContains(response, "<title>New energy projects of the 14th edition, largest first ·")
    assertContains(response, "<caption>New energy projects of the 14th edition, largest first</caption>")


def test_without_filters_the_heading_says_all_projects_in_the_default_order(client, projects):
    assert heading(client.get(LIST)) == "All projects, largest first"
    assert heading(client.get(LIST, {"sort": "title"})) == "All projects, by title, A to Z"


def test_every_kind_of_filter_is_named(client, projects):
    response = client.get(
        LIST,
        {"partner": "ru", "scope": "international", "band": "100m-500m", "q": "solar", "value_min": "1000000",
         "sort": "value"},
    )  # fmt: skip
    assert heading(response) == (
        "Projects with partners in Russia, international, 100–500 million yuan, worth 1 million yuan or more, "
        "matching “solar”, smallest first"
    )


def test_the_heading_in_chinese(client, projects):
    response = client.get("/zh-hans/projects/", {"edition": "14", "sector": "new-energy"})
    assert heading(response) == "第十四届新能源项目，按金额从大到小"


def test_each_filter_is_removed_on_its_own_and_the_order_kept(client, projects):
    response = client.get(LIST, {"edition": "14", "sector": "new-energy", "sort": "title", "page": "1"})
    assert chips(response) == {
        "Remove filter: Edition: 14th (2023) ×": f"{LIST}?sector=new-energy&sort=title",
        "Remove filter: Sector: New energy ×": f"{LIST}?edition=14&sort=title",
    }
    assertContains(response, f'<a href="{LIST}?sort=title">Remove all filters</a>', html=True)
    assert heading(client.get(chips(response)["Remove filter: Edition: 14th (2023) ×"])) == (
        "New energy projects, by title, A to Z"
    )


def test_the_search_and_value_filters_are_removable_too(client, projects):
    response = client.get(LIST, {"q": "wind", "value_max": "500000000"})
    assert chips(response) == {
        "Remove filter: Search: “wind” ×": f"{LIST}?value_max=500000000",
        "Remove filter: Value up to (yuan): 500 million yuan ×": f"{LIST}?q=wind",
    }


def test_no_filters_no_chips(client, projects):
    response = client.get(LIST, {"sort": "title"})
    assert chips(response) == {}
    assertNotContains(response, "Remove all filters")


def test_the_order_can_be_chosen_from_a_list_that_keeps_the_filters(client, projects):
    response = client.get(LIST, {"edition": "14", "sort": "-signed_on", "per_page": "50"})
    page = response.content.decode()
    form = re.search(r'<form class="view-options".*?</form>', page, re.S).group(0)
    assert '<input type="hidden" name="edition" value="14">' in form
    assert 'name="per_page"' in form and 'name="sort"' in form
    assert re.search(r'<option value="-signed_on" selected>\s*Latest signed first\s*</option>', form)
    assert re.search(r'<option value="value">\s*Smallest first\s*</option>', form)
    assert heading(response) == "Projects of the 14th edition, latest signed first"


def test_filters_that_match_nothing_are_still_named_as_a_reader_knows_them(client, projects):
    response = client.get(LIST, {"edition": "13", "sector": "new-energy", "partner": "jp"})
    assert heading(response) == "New energy projects of the 13th edition with partners in Japan, largest first"
    assert set(chips(response)) == {
        "Remove filter: Edition: 13th ×",
        "Remove filter: Sector: New energy ×",
        "Remove filter: Partner country or region: Japan ×",
    }


def test_a_search_is_named_escaped(client, projects):
    response = client.get(LIST, {"q": '<script>alert("x")</script>'})
    assertNotContains(response, "<script>alert")
    assertContains(response, "matching “&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;”")


def test_the_filters_in_use_read_in_chinese(client, projects):
    response = client.get("/zh-hans/projects/", {"sector": "new-energy"})
    assert chips(response) == {"移除筛选条件： 行业：新能源 ×": "/zh-hans/projects/"}
