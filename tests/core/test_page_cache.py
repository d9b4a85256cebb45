"""Whole public pages from the cache (core/caching/pages.py): served again unchanged, never stale, never personal."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from core.caching.pages import CACHED_HEADER
from editions.models import Edition, EditionStatus
from projects.models import Project
from tests.factories import EditionFactory, ProjectFactory, SuperuserFactory

pytestmark = pytest.mark.django_db

MILLION = Decimal(10) ** 6


@pytest.fixture
def edition():
    edition = EditionFactory(number=14, year=2023)
    ProjectFactory(edition=edition, title="Wind farm", value=300 * MILLION)
    ProjectFactory(edition=edition, title="Rail depot", value=800 * MILLION)
    return edition


def public_urls(edition) -> list[str]:
    return [
        reverse("home"),
        reverse("editions:list"),
        edition.get_absolute_url(),
        reverse("projects:list") + "?sort=-value&edition=14",
        reverse("comparisons:index"),
    ]


def test_a_second_visit_is_the_same_page_from_the_cache(client, edition, django_assert_num_queries):
    for url in public_urls(edition):
        first = client.get(url)
        assert first.status_code == 200, url
        assert CACHED_HEADER not in first
        with django_assert_num_queries(1):  # the tokens
            second = client.get(url)
        assert second.status_code == 200
        assert second[CACHED_HEADER] == "hit"
        assert second.content == first.content, url
        # The middleware's headers are added to the cached page as to any other.
        assert second["Content-Language"] == "en"
        assert "Content-Security-Policy" in second
        assert second["Content-Type"] == first["Content-Type"]


def test_each_language_has_its_own_cached_page(client, edition):
    english = client.get(edition.get_absolute_url())
    with translation.override("zh-hans"):
        chinese_url = edition.get_absolute_url()
    client.get(chinese_url)
    chinese = client.get(chinese_url)
    assert chinese[CACHED_HEADER] == "hit"
    assert "第十四届" in chinese.content.decode()
    assert "第十四届" not in english.content.decode()


def test_an_edited_project_shows_at_once(client, edition):
    url = reverse("projects:list") + "?edition=14"
    assert "Wind farm" in client.get(url).content.decode()
    assert client.get(url)[CACHED_HEADER] == "hit"
    project = Project.objects.get(title="Wind farm")
    project.title = "Solar park"
    project.save()
    response = client.get(url)
    assert CACHED_HEADER not in response
    assert "Solar park" in response.content.decode()
    assert "Wind farm" not in response.content.decode()


def test_an_edition_withdrawn_by_a_bare_update_is_gone_at_once(client, edition):
    url = edition.get_absolute_url()
    client.get(url)
    assert client.get(url)[CACHED_HEADER] == "hit"
    Edition.objects.filter(pk=edition.pk).update(
        status=EditionStatus.DRAFT
    )  # no signal: the queryset replaces the token
    assert client.get(url).status_code == 404
    listing = client.get(reverse("projects:list"))
    assert "Wind farm" not in listing.content.decode()


def test_signed_in_staff_get_a_page_rendered_for_them(client, edition):
    url = edition.get_absolute_url()
    client.get(url)
    client.get(url)  # cached now for anonymous visitors
    client.force_login(SuperuserFactory())
    response = client.get(url)
    assert response.status_code == 200
    assert CACHED_HEADER not in response


def test_a_visitor_with_pending_messages_gets_a_page_rendered_for_them(client, edition):
    url = edition.get_absolute_url()
    client.get(url)
    client.cookies["messages"] = "anything"
    assert CACHED_HEADER not in client.get(url)


@pytest.mark.parametrize(("query", "known"), [("?utm_source=mail", ""), ("?sort=-value&tracking=1", "?sort=-value")])
def test_a_query_parameter_the_page_does_not_know_is_never_cached(client, edition, query, known):
    url = reverse("projects:list") + query
    client.get(url)
    response = client.get(url)
    # It leads to the address without it, which is cached as any other (tests/core/test_page_cache_params.py).
    assert response.status_code == 302 and response["Location"] == reverse("projects:list") + known
    assert CACHED_HEADER not in response


def test_downloads_and_errors_are_never_cached(client, edition):
    csv_url = reverse("projects:list") + "?_export=csv"
    client.get(csv_url)
    download = client.get(csv_url)
    assert CACHED_HEADER not in download
    assert download["Content-Type"].startswith("text/csv")
    bad = reverse("projects:list") + "?edition=x"
    client.get(bad)
    response = client.get(bad)
    assert response.status_code == 400
    assert CACHED_HEADER not in response


def test_the_tokens_are_created_again_after_the_token_table_is_emptied(client, edition):
    from core.caching.tokens import current
    from core.models import DataVersion

    url = edition.get_absolute_url()
    client.get(url)
    DataVersion.objects.all().delete()  # as after a restore into an empty database
    assert CACHED_HEADER not in client.get(url)  # new tokens: the page is rendered afresh
    assert current().site == current().site
    assert client.get(url)[CACHED_HEADER] == "hit"


def test_each_host_has_its_own_cached_page(client, edition, settings):
    settings.ALLOWED_HOSTS = ["expo.example.org", "www.expo.example.org"]
    url = edition.get_absolute_url()
    client.get(url, HTTP_HOST="expo.example.org")
    assert client.get(url, HTTP_HOST="expo.example.org")[CACHED_HEADER] == "hit"
    assert CACHED_HEADER not in client.get(url, HTTP_HOST="www.expo.example.org")


def _counting_view(calls: list, body):
    from django.http import HttpResponse

    from core.caching.pages import cache_public_page

    @cache_public_page()
    def view(request):
        calls.append(request)
        body(request)
        return HttpResponse("<p>page</p>")

    return view


def test_a_page_holding_a_csrf_token_is_never_cached(rf):
    from django.middleware.csrf import get_token

    calls = []
    view = _counting_view(calls, get_token)
    view(rf.get("/en/form/"))
    response = view(rf.get("/en/form/"))
    assert len(calls) == 2 and CACHED_HEADER not in response


def test_a_page_that_queued_a_message_is_never_cached(rf):
    from django.contrib import messages
    from django.contrib.messages.storage.cookie import CookieStorage

    def tell(request):
        messages.info(request, "Saved.")

    calls = []
    view = _counting_view(calls, tell)
    for _ in range(2):
        request = rf.get("/en/told/")
        request._messages = CookieStorage(request)
        view(request)
    assert len(calls) == 2


def test_a_plain_page_is_rendered_once(rf):
    calls = []
    view = _counting_view(calls, lambda request: None)
    view(rf.get("/en/plain/"))
    assert view(rf.get("/en/plain/"))[CACHED_HEADER] == "hit"
    assert len(calls) == 1
