"""Query parameters a public page does not know (utm_source, junk) cannot make it render again and again.

An address with such parameters is redirected to the same address without them, which the page cache
serves; the redirect costs no query and stores nothing, however many different parameters come.
"""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils.http import urlencode

from core.caching.pages import CACHED_HEADER
from tests.factories import EditionFactory, ProjectFactory

pytestmark = pytest.mark.django_db

JUNK = "utm_source=x&junk=1"


@pytest.fixture
def edition():
    edition = EditionFactory(number=14, year=2023)
    ProjectFactory(edition=edition, title="Wind farm")
    EditionFactory(number=12, year=2019)
    return edition


def pages(edition) -> list[str]:
    """Public pages with the parameters they know, as visitors' links give them."""
    return [
        reverse("home"),
        reverse("editions:list") + "?sort=-year",
        edition.get_absolute_url(),
        reverse("projects:list") + "?sort=-value&edition=14",
        reverse("comparisons:index") + "?from=12&to=14",
        reverse("comparisons:pair", kwargs={"a": 12, "b": 14}),
    ]


def with_junk(url: str) -> str:
    return f"{url}&{JUNK}" if "?" in url else f"{url}?{JUNK}"


def test_unknown_parameters_after_a_normal_visit_lead_to_the_cached_page(client, edition):
    for url in pages(edition):
        first = client.get(url)
        assert first.status_code == 200, url
        response = client.get(with_junk(url))
        assert response.status_code == 302, url
        assert response["Location"] == url
        again = client.get(response["Location"])
        assert again[CACHED_HEADER] == "hit", url
        assert again.content == first.content


def test_a_loop_of_new_junk_parameters_renders_nothing_and_stores_nothing(client, edition, django_assert_num_queries):
    url = reverse("projects:list") + "?edition=14"
    client.get(url)
    stored = len(cache._cache)
    with django_assert_num_queries(0):
        for number in range(50):
            response = client.get(f"{url}&junk{number}={number}&utm_source=loop")
            assert response.status_code == 302 and response["Location"] == url
    assert len(cache._cache) == stored


def test_the_known_parameters_keep_their_order_and_every_value(client, edition):
    query = urlencode([("utm_source", "mail"), ("sector", "a"), ("q", "风电"), ("junk", "1"), ("sector", "b")])
    response = client.get(reverse("projects:list") + "?" + query)
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:list") + "?" + urlencode(
        [("sector", "a"), ("sector", "b"), ("q", "风电")]
    )


def test_an_address_with_only_unknown_parameters_leads_to_the_bare_address(client, edition):
    response = client.get(reverse("home") + "?" + JUNK)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_a_download_with_unknown_parameters_leads_to_the_same_download(client, edition):
    url = reverse("projects:list") + "?_export=csv&edition=14"
    response = client.get(with_junk(url))
    assert response.status_code == 302 and response["Location"] == url
    download = client.get(response["Location"])
    assert download["Content-Type"].startswith("text/csv")
    assert b"Wind farm" in b"".join(download.streaming_content)
