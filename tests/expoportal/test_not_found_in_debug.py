"""With DEBUG on (`make run`), a missing page is the portal's own 404 page, not Django's list of URL patterns."""

import pytest
from pytest_django.asserts import assertContains, assertNotContains, assertTemplateUsed

from tests.factories import EditionFactory

pytestmark = pytest.mark.django_db

OWN_PAGE = "There is no page at this address."


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


@pytest.mark.parametrize(
    "path",
    [
        "/en/no-such-page/",  # no URL pattern matches
        "/en/editions/999/",  # the pattern matches, the view finds no edition
        "/en/projects/999999/",
        "/zh-hans/editions/999/",
    ],
)
def test_a_missing_page_shows_the_portals_404_page_with_debug_on(client, debug, path):
    response = client.get(path)
    assert response.status_code == 404
    assertTemplateUsed(response, "404.html")
    assertNotContains(response, "URLconf", status_code=404)
    assertNotContains(response, "Raised by", status_code=404)
    if path.startswith("/zh-hans/"):
        assertContains(response, "<h1>页面未找到</h1>", status_code=404)
    else:
        assertContains(response, OWN_PAGE, status_code=404)


def test_a_draft_edition_is_a_plain_404_with_debug_on(client, debug):
    draft = EditionFactory(draft=True)
    response = client.get(draft.get_absolute_url())
    assertContains(response, OWN_PAGE, status_code=404)


def test_a_path_without_a_language_is_still_redirected_with_debug_on(client, debug):
    response = client.get("/editions/", headers={"accept-language": "en"})
    assert response.status_code == 302
    assert response["Location"] == "/en/editions/"


def test_a_missing_slash_is_still_added_with_debug_on(client, debug):
    response = client.get("/en/editions")
    assert response.status_code == 301
    assert response["Location"] == "/en/editions/"
