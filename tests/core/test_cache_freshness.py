"""Cached rendered pages: every edit shows at once, in both languages, and a staff preview never mixes in."""

import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains

from core.formatting import format_number
from editions.models import EditionStatus
from portal.comparison.selectors import PROJECT_COUNT, RECORDED_METRICS
from projects.models import Project
from tests.factories import (
    EditionFactory,
    ProjectFactory,
    ReportedFigureFactory,
    SectorFactory,
    SourceFactory,
    standard_metric,
)

pytestmark = pytest.mark.django_db

LANGUAGES = ("en", "zh-hans")
MILLION = Decimal(10) ** 6


@pytest.fixture
def portal():
    editions = [EditionFactory(number=number, year=2000 + number) for number in (1, 2, 3)]
    sector = SectorFactory(slug="energy", name_en="Energy")
    for index, edition in enumerate(editions * 2):
        ProjectFactory(
            edition=edition,
            sector=sector,
            value=(index + 1) * 100 * MILLION,
            title=f"Plant {index}",
            title_zh=f"Plant {index}",
        )
    # One source with a title free of numbers: pages list their sources, and a number there must not pass for a figure.
    source = SourceFactory(key="FRESH", title="Closing release", url="https://example.org/closing")
    figures = [
        ReportedFigureFactory(
            edition=edition, metric=standard_metric("projects_signed"), value=Decimal(100 + index), sources=[source]
        )
        for index, edition in enumerate(editions)
    ]
    return editions, sector, figures


MATRIX = {"view": "matrix"}  # the comparison's full table, every edition's recorded count in its own column


def url(name: str, language: str, **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def page(client, name: str, language: str, query: dict | None = None, **kwargs) -> str:
    response = client.get(url(name, language, **kwargs), query or {})
    assert response.status_code == 200
    return response.content.decode()


def shown(number: int, language: str) -> str:
    return format_number(Decimal(number), language)


def recorded_count(html: str, language: str, column: int) -> str:
    """The text of the "Projects recorded" cell in this column (0 = the first edition shown)."""
    with translation.override(language):
        label = str(RECORDED_METRICS[PROJECT_COUNT][0])
    row = re.search(rf'<th scope="row">{re.escape(label)} <span class="unit">.*?</tr>', html, re.S).group(0)
    cells = re.findall(r'<td class="number[^"]*">(.*?)</td>', row, re.S)
    return re.sub(r"<[^>]+>", "", cells[column].split("<br>")[0]).strip()


PAGES_WITH_FIGURES = [
    ("home", {}),
    ("editions:detail", {"number": 3}),
    ("comparisons:index", {}),
    ("comparisons:pair", {"a": 1, "b": 3}),
]


@pytest.mark.parametrize(("name", "kwargs"), PAGES_WITH_FIGURES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_an_edited_figure_shows_at_once_on_a_cached_page(client, portal, name, kwargs, language):
    _editions, _sector, figures = portal
    assert shown(102, language) in page(client, name, language, **kwargs)
    assert shown(102, language) in page(client, name, language, **kwargs)  # now from the cache
    figures[2].value = Decimal(123457)
    figures[2].save()
    html = page(client, name, language, **kwargs)
    assert shown(123457, language) in html
    assert shown(102, language) not in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_new_figure_source_shows_on_the_cached_summary(client, portal, language):
    from tests.factories import SourceFactory

    _editions, _sector, figures = portal
    page(client, "editions:detail", language, number=3)
    source = SourceFactory(url="https://example.org/closing-release")
    figures[2].sources.add(source)
    assert "https://example.org/closing-release" in page(client, "editions:detail", language, number=3)


@pytest.mark.parametrize("language", LANGUAGES)
def test_edited_projects_show_at_once_on_the_cached_summary_and_comparisons(client, portal, language):
    editions, sector, _figures = portal
    assert "Plant 5" in page(client, "editions:detail", language, number=3)
    assert recorded_count(page(client, "comparisons:pair", language, a=1, b=3), language, 1) == shown(2, language)
    assert recorded_count(page(client, "comparisons:index", language, MATRIX), language, 2) == shown(2, language)

    ProjectFactory(
        edition=editions[2], sector=sector, value=9000 * MILLION, title="Fresh tower", title_zh="Fresh tower"
    )
    assert "Fresh tower" in page(client, "editions:detail", language, number=3)
    assert recorded_count(page(client, "comparisons:pair", language, a=1, b=3), language, 1) == shown(3, language)
    assert recorded_count(page(client, "comparisons:index", language, MATRIX), language, 2) == shown(3, language)

    Project.objects.get(title="Fresh tower").delete()
    assert "Fresh tower" not in page(client, "editions:detail", language, number=3)
    assert recorded_count(page(client, "comparisons:pair", language, a=1, b=3), language, 1) == shown(2, language)
    assert recorded_count(page(client, "comparisons:index", language, MATRIX), language, 2) == shown(2, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_cached_projects_table_and_facets_follow_edits(client, portal, language):
    editions, sector, _figures = portal
    query = {"sort": "-value", "edition": "3"}
    html = page(client, "projects:list", language, query)
    assert "Plant 5" in html
    project = Project.objects.get(title="Plant 5")
    project.title = project.title_zh = "Renamed plant"
    project.save()
    html = page(client, "projects:list", language, query)
    assert "Renamed plant" in html and "Plant 5" not in html
    ProjectFactory(edition=editions[2], sector=sector, value=MILLION, title="Small shed", title_zh="Small shed")
    html = page(client, "projects:list", language, {"sort": "-value"})
    assert "Small shed" in html
    # The facet panel counts the new project: edition 3 now has three.
    edition_options = html[html.index('<select name="edition"') :]
    option = re.search(r'<option value="3">[^<]*\((\d+)\)</option>', edition_options).group(1)
    assert option == shown(3, language) == "3"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_cached_table_differs_by_query(client, portal, language):
    by_value = page(client, "projects:list", language, {"sort": "-value", "per_page": "10"})
    by_title = page(client, "projects:list", language, {"sort": "title", "per_page": "10"})
    assert by_value.index("Plant 5") < by_value.index("Plant 0")
    assert by_title.index("Plant 0") < by_title.index("Plant 5")


def test_both_languages_are_cached_apart(client, portal):
    english = page(client, "editions:detail", "en", number=3)
    chinese = page(client, "editions:detail", "zh-hans", number=3)
    assert 'lang="en"' in english and 'lang="zh-hans"' in chinese
    assert "Headline figures" in english
    assert "/zh-hans/projects/" in chinese and "/en/projects/" not in chinese
    assert "/en/projects/" in english and "/zh-hans/projects/" not in english


def test_a_withdrawn_edition_leaves_the_cached_pages_even_without_a_signal(client, portal):
    editions, _sector, _figures = portal
    assertContains(client.get(url("home", "en")), "3rd")
    assertContains(client.get(url("comparisons:index", "en")), "3rd")
    type(editions[2]).objects.filter(pk=editions[2].pk).update(status=EditionStatus.DRAFT)
    assertNotContains(client.get(url("comparisons:index", "en")), "3rd")
    assertNotContains(client.get(url("projects:list", "en"), {"sort": "-value"}), "Plant 5")
    # Open data too: the API and the data package are keyed by the same token.
    assert [edition["number"] for edition in client.get("/api/v1/editions").json()] == [1, 2]
    assert "Plant 5" not in client.get("/api/v1/projects").content.decode()
    assert client.get("/api/v1/editions/3").status_code == 404
    assert "Plant 5" not in package_text(client)


def package_text(client) -> str:
    response = client.get(reverse("data_package"))
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return "\n".join(archive.read(name).decode("utf-8-sig") for name in archive.namelist())


def preview_client(client):
    from tests.factories import SuperuserFactory

    user = SuperuserFactory()
    user.save()
    client.force_login(user)
    return client


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_draft_preview_never_leaks_into_public_pages_and_back(client, portal, language):
    editions, sector, _figures = portal
    draft = EditionFactory(number=4, year=2004, status=EditionStatus.DRAFT)
    ProjectFactory(
        edition=draft, sector=sector, value=5 * MILLION, title="Draft-only project", title_zh="Draft-only project"
    )
    ReportedFigureFactory(edition=draft, metric=standard_metric("projects_signed"), value=Decimal(777777))
    public_before = {name: page(client, name, language, **kwargs) for name, kwargs in PAGES_WITH_FIGURES}

    staff = preview_client(client)
    preview = staff.get(url("editions:preview", language, number=4))
    assert preview.status_code == 200
    assert "Draft-only project" in preview.content.decode()
    assert shown(777777, language) in preview.content.decode()
    # Preview the published 3rd edition too: it must render live, not the cached public body.
    assert staff.get(url("editions:preview", language, number=3)).status_code == 200
    staff.logout()

    for name, kwargs in PAGES_WITH_FIGURES:
        html = page(client, name, language, **kwargs)
        assert "Draft-only project" not in html
        assert shown(777777, language) not in html
        assert html == public_before[name]
    assert client.get(url("editions:detail", language, number=4)).status_code == 404
    assert "Draft-only project" not in page(client, "projects:list", language, {"sort": "-value"})
    # Nor into open data: the API and the data package after the preview.
    assert client.get("/api/v1/editions/4").status_code == 404
    for text in (client.get("/api/v1/projects").content.decode(), client.get("/api/v1/figures").content.decode()):
        assert "Draft-only project" not in text and "777777" not in text
    assert "Draft-only project" not in package_text(client) and "777777" not in package_text(client)


def test_a_preview_shows_the_edit_a_public_cache_has_not_seen(client, portal):
    """The preview renders live: it shows the current data even while a public copy is cached."""
    _editions, _sector, figures = portal
    page(client, "editions:detail", "en", number=3)
    ReportedFigureFactory._meta.model.objects.filter(pk=figures[2].pk).update(value=Decimal(555555))  # no signal
    staff = preview_client(client)
    assertContains(staff.get(url("editions:preview", "en", number=3)), "555,555")
    staff.logout()
    assertNotContains(client.get(url("editions:detail", "en", number=3)), "555,555")
