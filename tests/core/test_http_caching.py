"""HTTP caching of public pages and downloads (core/caching/http.py): ETag from the data token, public
Cache-Control, Vary: Cookie and 304s for visitors without a session; nothing shareable for anyone else."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from core.caching.http import MAX_AGE_SECONDS, STALE_WHILE_REVALIDATE_SECONDS
from editions.models import EditionStatus
from editions.services import publish_edition
from projects.models import Project
from tests.factories import (
    EditionFactory,
    ProjectFactory,
    ReportedFigureFactory,
    SuperuserFactory,
    standard_metric,
)

pytestmark = pytest.mark.django_db

MILLION = Decimal(10) ** 6


@pytest.fixture
def edition():
    edition = EditionFactory(number=14, year=2023)
    ProjectFactory(edition=edition, title="Wind farm", value=300 * MILLION)
    ProjectFactory(edition=edition, title="Rail depot", value=800 * MILLION)
    ReportedFigureFactory(edition=edition, metric=standard_metric("signed_value"), value=Decimal("84475000000"))
    EditionFactory(number=13, year=2022)
    return edition


def public_urls() -> list[str]:
    projects = reverse("projects:list")
    return [
        reverse("home"),
        reverse("editions:list"),
        reverse("editions:list") + "?_export=csv",
        reverse("editions:detail", args=[14]),
        projects + "?sort=-value&edition=14",
        projects + "?q=wind",
        projects + "?_export=csv",
        projects + "?_export=json&sector=x",
        reverse("comparisons:index"),
        reverse("comparisons:pair", args=[13, 14]),
    ]


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def vary(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}


def assert_public(response):
    assert response["ETag"].startswith('W/"'), response.get("ETag")
    assert cache_control(response) == {
        "public",
        f"max-age={MAX_AGE_SECONDS}",
        f"stale-while-revalidate={STALE_WHILE_REVALIDATE_SECONDS}",
    }
    assert "cookie" in vary(response)
    # The language is in the path; the same address is the same page whatever the browser prefers.
    assert "accept-language" not in vary(response)


def assert_not_shared(response):
    assert "public" not in cache_control(response)
    assert "max-age=60" not in cache_control(response)
    assert "ETag" not in response


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_public_pages_and_downloads_can_be_kept_by_any_cache(client, edition, language):
    with translation.override(language):
        urls = public_urls()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_public(response)


def test_a_repeat_visit_with_the_etag_is_a_304_from_one_query(client, edition, django_assert_max_num_queries):
    for url in public_urls():
        first = client.get(url)
        if first.streaming:
            b"".join(first.streaming_content)
        with django_assert_max_num_queries(1):  # the tokens: nothing is read from the cache or rendered
            again = client.get(url, headers={"if-none-match": first["ETag"]})
        assert again.status_code == 304, url
        assert again.content == b""
        assert again["ETag"] == first["ETag"]
        assert_public(again)
        # Without the ETag the same version is served with the same one.
        assert client.get(url)["ETag"] == first["ETag"]


def test_an_etag_among_several_or_a_stale_one(client, edition):
    url = reverse("editions:detail", args=[14])
    tag = client.get(url)["ETag"]
    assert client.get(url, headers={"if-none-match": f'W/"old", {tag}'}).status_code == 304
    assert client.get(url, headers={"if-none-match": tag.removeprefix("W/")}).status_code == 304  # weak comparison
    # "Any version" is no version of this page: a page answers it in full, and an address that does not exist 404s.
    assert client.get(url, headers={"if-none-match": "*"}).status_code == 200
    assert client.get(reverse("editions:detail", args=[99]), headers={"if-none-match": "*"}).status_code == 404
    # If-Match guards writes; a page answers as if it were absent.
    assert client.get(url, headers={"if-match": 'W/"other"'}).status_code == 200
    stale = client.get(url, headers={"if-none-match": 'W/"0123456789abcdef"'})
    assert stale.status_code == 200
    assert stale["ETag"] == tag


def test_each_address_and_language_has_its_own_etag(client, edition):
    with translation.override("zh-hans"):
        chinese = public_urls()
    english = public_urls()
    tags = [client.get(url)["ETag"] for url in english + chinese]
    assert len(set(tags)) == len(tags)
    # The English page's ETag does not stand for the Chinese page.
    english_tag = client.get(english[3])["ETag"]
    response = client.get(chinese[3], headers={"if-none-match": english_tag})
    assert response.status_code == 200
    assert "第十四届" in response.content.decode()


def test_an_edit_of_a_published_project_gives_a_new_etag_and_the_new_page(client, edition):
    url = reverse("projects:list") + "?edition=14"
    old = client.get(url)["ETag"]
    project = Project.objects.get(title="Wind farm")
    project.title = "Solar park"
    project.save()
    response = client.get(url, headers={"if-none-match": old})
    assert response.status_code == 200
    assert response["ETag"] != old
    assert "Solar park" in response.content.decode()
    assert client.get(url, headers={"if-none-match": response["ETag"]}).status_code == 304


def test_an_edit_of_a_published_figure_gives_a_new_etag(client, edition):
    url = reverse("editions:detail", args=[14])
    old = client.get(url)["ETag"]
    figure = edition.figures.get()
    figure.value = Decimal("90000000000")
    figure.save()
    response = client.get(url, headers={"if-none-match": old})
    assert response.status_code == 200
    assert response["ETag"] != old
    assert "90 billion yuan" in response.content.decode()
    assert "84.475 billion yuan" not in response.content.decode()


def test_publishing_an_edition_gives_every_page_a_new_etag(client, edition):
    draft = EditionFactory(number=15, year=2024, status=EditionStatus.DRAFT)
    ProjectFactory(edition=draft, title="Hydrogen hub", value=500 * MILLION)
    before = {url: client.get(url)["ETag"] for url in public_urls()}
    assert client.get(reverse("editions:detail", args=[15])).status_code == 404
    publish_edition(edition=draft, user=SuperuserFactory())
    for url, tag in before.items():
        response = client.get(url, headers={"if-none-match": tag})
        assert response.status_code == 200, url
        assert response["ETag"] != tag
    assert "Hydrogen hub" in client.get(reverse("projects:list")).content.decode()


def test_a_draft_edition_is_a_404_that_no_cache_keeps(client, edition):
    EditionFactory(number=15, year=2024, status=EditionStatus.DRAFT)
    response = client.get(reverse("editions:detail", args=[15]))
    assert response.status_code == 404
    assert_not_shared(response)


def test_a_signed_in_staff_member_gets_private_pages_and_no_304(client, edition):
    url = reverse("editions:detail", args=[14])
    tag = client.get(url)["ETag"]
    client.force_login(SuperuserFactory())
    for address in public_urls():
        response = client.get(address)
        assert response.status_code == 200, address
        assert_not_shared(response)
        assert "private" in cache_control(response)
        assert "cookie" in vary(response)
    # The public copy's ETag must not let a staff member keep the public page (it lacks their edit links).
    assert client.get(url, headers={"if-none-match": tag}).status_code == 200


def test_a_visitor_with_messages_waiting_gets_a_private_page(client, edition):
    client.cookies["messages"] = "anything"
    response = client.get(reverse("editions:detail", args=[14]))
    assert_not_shared(response)
    assert "private" in cache_control(response)


def test_the_staff_preview_and_the_admin_are_never_public(client, edition):
    EditionFactory(number=15, year=2024, status=EditionStatus.DRAFT)
    client.force_login(SuperuserFactory())
    preview = client.get(reverse("editions:preview", args=[15]))
    assert preview.status_code == 200
    assert cache_control(preview) == {"private", "no-store"}
    assert "ETag" not in preview
    for url in (reverse("admin:index"), reverse("admin:projects_project_changelist")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_not_shared(response)
        assert "private" in cache_control(response)


def test_posts_errors_and_redirects_are_never_public(client, edition):
    post = client.post(reverse("editions:detail", args=[14]), {"anything": "1"})
    assert_not_shared(post)
    bad_filter = client.get(reverse("projects:list") + "?edition=x")
    assert bad_filter.status_code == 400
    assert_not_shared(bad_filter)
    unknown = client.get(reverse("projects:list") + "?utm_source=mail")
    assert unknown.status_code == 302
    assert_not_shared(unknown)
    missing = client.get(reverse("editions:detail", args=[99]))
    assert missing.status_code == 404
    assert_not_shared(missing)


def test_a_head_request_gets_the_same_etag_and_a_304(client, edition):
    url = reverse("editions:detail", args=[14])
    tag = client.get(url)["ETag"]
    head = client.head(url)
    assert head.status_code == 200
    assert head["ETag"] == tag
    assert client.head(url, headers={"if-none-match": tag}).status_code == 304


def test_a_new_release_gives_a_new_etag(client, edition, settings):
    url = reverse("editions:detail", args=[14])
    old = client.get(url)["ETag"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "KEY_PREFIX": "r2"}}
    response = client.get(url, headers={"if-none-match": old})
    assert response.status_code == 200
    assert response["ETag"] != old


def test_the_max_age_is_the_setting(client, edition, settings):
    settings.PUBLIC_MAX_AGE_SECONDS = 5
    response = client.get(reverse("editions:detail", args=[14]))
    assert "max-age=5" in cache_control(response)
    assert client.get("/api/v1/editions")["Cache-Control"] == "public, max-age=5"
