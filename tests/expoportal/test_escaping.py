"""Untrusted text is inert: markup in data is shown as text on every page and in the admin."""

import pytest
from django.contrib import admin
from django.urls import reverse

from editions.models import Edition, Sector, Source
from projects.models import Project
from tests.factories import EditionFactory, ProjectFactory, SectorFactory, SourceFactory

pytestmark = pytest.mark.django_db

# Each payload would run or change the page if it were not escaped.
PAYLOADS = {
    "script": "<script>alert('xss-script')</script>",
    "svg": "<svg onload=alert('xss-svg')><circle r=9></circle></svg>",
    "attribute": "\"><img src=x onerror=alert('xss-img')>",
    "title": "</title><script>alert('xss-title')</script>",
    "style": "<style>body{display:none}</style><a href=javascript:alert('xss-href')>x</a>",
    "template": "{{ settings.SECRET_KEY }}{% debug %}",
}
# Unicode tricks: right-to-left override, zero-width joiner, a lookalike "<" (U+FF1C), a NUL-free control.
UNICODE_TRICKS = "Wind\u202efarm \u200dphase \uff1cscript\uff1e \u0007end"

RAW_MARKERS = ["<script>alert", "<svg onload", "<img src=x", "<style>body", "<a href=javascript:"]


def assert_inert(html: str):
    for marker in RAW_MARKERS:
        assert marker not in html, f"unescaped {marker!r} in the page"
    assert "test-only-secret-key" not in html


@pytest.fixture
def hostile_records():
    source = SourceFactory(title=PAYLOADS["title"], publisher=PAYLOADS["attribute"])
    edition = EditionFactory(
        name_en=PAYLOADS["script"],
        name_zh=PAYLOADS["svg"],
        theme_en=PAYLOADS["style"],
        theme_zh=PAYLOADS["template"],
        venue=PAYLOADS["attribute"],
        city=UNICODE_TRICKS,
        notes=PAYLOADS["script"],
    )
    sector = SectorFactory(name_en=PAYLOADS["svg"], name_zh=PAYLOADS["script"])
    project = ProjectFactory(
        edition=edition,
        sector=sector,
        source=source,
        title=PAYLOADS["script"],
        title_zh=PAYLOADS["svg"],
        parties=PAYLOADS["attribute"],
        parties_zh=PAYLOADS["title"],
        location=PAYLOADS["style"],
        description=PAYLOADS["svg"] + PAYLOADS["template"],
        description_zh=PAYLOADS["style"],
    )
    tricky = ProjectFactory(edition=edition, title=UNICODE_TRICKS)
    return {"edition": edition, "project": project, "tricky": tricky, "source": source, "sector": sector}


def public_urls(records) -> list[str]:
    edition, project = records["edition"], records["project"]
    urls = [
        "/",
        reverse("editions:list"),
        edition.get_absolute_url(),
        reverse("projects:list"),
        project.get_absolute_url(),
        records["tricky"].get_absolute_url(),
        f"{reverse('projects:list')}?q={PAYLOADS['script']}&sort={PAYLOADS['attribute']}",
    ]
    return urls + [f"/zh-hans{url}" for url in urls]


def test_markup_in_data_is_escaped_on_every_public_page(client, hostile_records):
    for url in public_urls(hostile_records):
        response = client.get(url)
        assert response.status_code < 500, url
        assert_inert(response.content.decode())


def test_project_page_shows_the_hostile_title_as_text(client, hostile_records):
    html = client.get(hostile_records["project"].get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(&#x27;xss-script&#x27;)&lt;/script&gt;" in html
    assert_inert(html)


def test_edition_page_shows_the_hostile_name_as_text(client, hostile_records):
    html = client.get(hostile_records["edition"].get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(&#x27;xss-script&#x27;)&lt;/script&gt;" in html
    assert_inert(html)


def test_unicode_tricks_render_without_error(client, hostile_records):
    response = client.get(hostile_records["tricky"].get_absolute_url())
    assert response.status_code == 200
    assert "\u202e" in response.content.decode()


@pytest.mark.parametrize("model", [Project, Edition, Source, Sector])
def test_markup_in_data_is_escaped_in_the_admin(staff_client, hostile_records, model):
    if not admin.site.is_registered(model):
        pytest.skip(f"{model.__name__} is not in the admin yet")
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    instance = {Project: "project", Edition: "edition", Source: "source", Sector: "sector"}[model]
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[hostile_records[instance].pk])
    for url in (changelist, f"{changelist}?q={PAYLOADS['script']}", change):
        response = staff_client.get(url)
        assert response.status_code == 200, url
        assert_inert(response.content.decode())
