"""An edition's city, venue and notes and a source's title and publisher have Chinese fields; a Chinese page
shows them, and marks English left in for want of Chinese with lang="en" (and the other way round)."""

import datetime

import pytest
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains

from core.formatting import localized_html, localized_with_language
from tests.factories import EditionFactory, ProjectFactory, ReportedFigureFactory, SectorFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_outside_requests():
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def edition():
    source = SourceFactory(key="S7", title="", publisher="CNR (cnr.cn)", publisher_zh="央广网", language="zh")
    edition = EditionFactory(
        number=14,
        year=2023,
        start_date=datetime.date(2023, 8, 23),
        end_date=datetime.date(2023, 8, 27),
        city="Changchun",
        city_zh="长春",
        venue="Changchun International Convention & Exhibition Center",
        venue_zh="长春国际会展中心",
        theme_zh="",
        theme_en="Join Hands with Northeast Asia",
        notes="Dates per S7.",
        notes_zh="日期据S7。",
    )
    ReportedFigureFactory(edition=edition, sources=[source, SourceFactory(key="S1", publisher="Xinhua")])
    return edition


def test_a_chinese_field_is_read_on_a_chinese_page_and_english_elsewhere(edition):
    assert localized_with_language(edition, "city") == ("Changchun", "en")
    assert localized_with_language(edition, "city", "zh-hans") == ("长春", "zh-Hans")
    assert localized_with_language(edition, "theme", "zh-hans") == ("Join Hands with Northeast Asia", "en")
    assert localized_with_language(edition, "notes", "zh-hans") == ("日期据S7。", "zh-Hans")


def test_text_in_the_other_language_is_marked_with_its_language(edition):
    with translation.override("zh-hans"):
        assert localized_html(edition, "city") == "长春"
        assert localized_html(edition, "theme") == '<span lang="en">Join Hands with Northeast Asia</span>'
    edition.city = ""
    assert localized_html(edition, "city") == '<span lang="zh-Hans">长春</span>'
    edition.city = "<b>Changchun</b>"
    assert localized_html(edition, "city") == "&lt;b&gt;Changchun&lt;/b&gt;"


def test_the_chinese_summary_names_the_city_venue_and_publishers_in_chinese(client, edition):
    response = client.get("/zh-hans/editions/14/")
    assertContains(response, "长春")
    assertContains(response, "长春国际会展中心")
    assertContains(response, "央广网")
    assertNotContains(response, "Changchun")
    assertNotContains(response, "CNR (cnr.cn)")
    # What has no Chinese stays, marked as English.
    assertContains(response, '<span lang="en">Join Hands with Northeast Asia</span>', html=True)
    assertContains(response, '<span lang="en">Xinhua</span>', html=True)


def test_the_english_summary_keeps_the_english_fields(client, edition):
    response = client.get("/en/editions/14/")
    assertContains(response, "Changchun International Convention &amp; Exhibition Center")
    assertContains(response, "CNR (cnr.cn)")
    assertNotContains(response, "长春国际会展中心")
    assertNotContains(response, "央广网")


def test_the_editions_table_and_home_page_name_the_city_in_chinese(client, edition):
    for path in ("/zh-hans/editions/", "/zh-hans/"):
        response = client.get(path)
        assertContains(response, "长春")
        assertNotContains(response, "Changchun")


def test_a_city_without_chinese_is_marked_english_on_a_chinese_page(client):
    EditionFactory(number=3, year=2007, city="Changchun", city_zh="")
    assertContains(client.get("/zh-hans/editions/"), '<span lang="en">Changchun</span>', html=True)


def test_a_project_title_and_sector_without_chinese_are_marked_english(client):
    project = ProjectFactory(title="Solar park", title_zh="", sector=SectorFactory(name_en="Solar", name_zh=""))
    listing = client.get("/zh-hans/projects/")
    assertContains(
        listing, f'<a href="/zh-hans/projects/{project.pk}/"><span lang="en">Solar park</span></a>', html=True
    )
    assertContains(listing, '<span lang="en">Solar</span>', html=True)
    detail = client.get(f"/zh-hans/projects/{project.pk}/")
    assertContains(detail, '<span lang="en">Solar park</span>', html=True)


def test_staff_enter_the_chinese_fields_in_the_admin(staff_client, edition):
    source = edition.figures.get().sources.get(key="S7")
    page = staff_client.get(f"/admin/editions/edition/{edition.pk}/change/")
    for name in ("city_zh", "venue_zh", "notes_zh"):
        assertContains(page, f'name="{name}"')
    page = staff_client.get(f"/admin/editions/source/{source.pk}/change/")
    for name in ("title_zh", "publisher_zh"):
        assertContains(page, f'name="{name}"')
    assertContains(staff_client.get("/admin/editions/source/?q=央广网"), "S7")
