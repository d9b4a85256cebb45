"""The browser's language on the first visit: every language has its prefix (/en/, /zh-hans/)."""

import re

import pytest
from django.utils import translation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_outside_requests():
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.mark.parametrize(
    ("accept_language", "target"),
    [
        ("zh-CN,zh;q=0.9,en;q=0.8", "/zh-hans/"),
        ("zh-Hans", "/zh-hans/"),
        ("en-GB,en;q=0.9", "/en/"),
        ("fr-FR,fr;q=0.9", "/en/"),
        ("", "/en/"),
    ],
)
def test_first_visit_goes_to_the_browsers_language(client, accept_language, target):
    response = client.get("/", headers={"accept-language": accept_language})
    assert response.status_code == 302
    assert response["Location"] == target


def test_first_visit_keeps_the_path_and_query(client):
    response = client.get("/projects/?sort=-value&sector=new-energy", headers={"accept-language": "zh-CN"})
    assert response["Location"] == "/zh-hans/projects/?sort=-value&sector=new-energy"


def test_a_language_chosen_before_wins_over_the_browser(client):
    client.cookies["django_language"] = "en"
    response = client.get("/", headers={"accept-language": "zh-CN"})
    assert response["Location"] == "/en/"


def test_switcher_links_between_prefixed_urls(client):
    response = client.get("/en/projects/?sort=title", headers={"accept-language": "en"})
    assert response.status_code == 200
    assert re.search(r'href="/zh-hans/projects/\?sort=title" hreflang="zh-hans"', response.content.decode())
    response = client.get("/zh-hans/projects/?sort=title")
    assert re.search(r'href="/en/projects/\?sort=title" hreflang="en"', response.content.decode())
