"""load_demo names every sector in Chinese and every standard metric properly, even without the seeded rows."""

import io

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.text import slugify
from pytest_django.asserts import assertContains, assertNotContains

from demo.data import DATA_DIR, read_demo_data
from demo.loading import load_demo
from demo.names import SECTOR_NAMES_ZH, STANDARD_SECTORS
from editions.models import Metric, Sector

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_afterwards():
    # A request to a /zh-hans/ page leaves Chinese active in this thread; later tests expect English.
    yield
    translation.activate("en")
    translation.deactivate()


def load() -> str:
    """The command's output; the whole demo, illustrative projects included."""
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def load_facts() -> str:
    """The published facts only (the names these tests check), without generating the projects."""
    lines = []
    load_demo(projects=False, report=lines.append)
    return "\n".join(lines)


def test_every_sector_of_the_demo_has_a_chinese_name():
    load_facts()
    assert list(Sector.objects.filter(name_zh="").values_list("name_en", flat=True)) == []
    assert Sector.objects.get(slug="light-industry-and-textiles").name_zh == "轻工纺织"


def test_a_chinese_name_set_by_staff_is_kept_and_a_rerun_changes_nothing():
    load_facts()
    Sector.objects.filter(slug="metallurgy-and-building-materials").update(name_zh="冶金和建材")
    Sector.objects.filter(slug="light-industry-and-textiles").update(name_zh="")
    output = load_facts()
    assert "Sectors: 0 created, 1 updated" in output
    assert Sector.objects.get(slug="metallurgy-and-building-materials").name_zh == "冶金和建材"
    assert Sector.objects.get(slug="light-industry-and-textiles").name_zh == "轻工纺织"
    assert "Sectors: 0 created, 0 updated" in load()  # the command, with its projects, changes nothing either


def test_without_the_seeded_rows_standard_metrics_and_sectors_keep_their_names(client):
    Metric.objects.all().delete()
    Sector.objects.all().delete()
    load()
    countries = Metric.objects.get(code="countries_regions")
    assert (countries.name_en, countries.name_zh, countries.is_main) == ("Countries and regions", "国家和地区", True)
    assert Sector.objects.get(slug="electronics-and-high-tech").name_en == "Electronics and high tech"
    response = client.get("/en/compare/13/14/")
    assertContains(response, "Countries and regions")
    assertNotContains(response, "Countries regions")
    chinese = client.get("/zh-hans/projects/")
    assertContains(chinese, "轻工纺织")
    assertNotContains(chinese, "Light industry and textiles")


def test_the_chinese_sector_names_cover_the_standard_sectors_and_the_data_file():

    named = {slugify(row.name_en) for row in read_demo_data(DATA_DIR).sectors}
    assert (named | set(STANDARD_SECTORS)) - set(SECTOR_NAMES_ZH) == set()
    assert all(SECTOR_NAMES_ZH.values())


def test_a_metric_named_from_its_code_by_an_earlier_run_gets_its_proper_name():
    load_facts()
    Metric.objects.filter(code="countries_regions").update(name_en="Countries regions", name_zh="")
    assert "Metrics: 0 created, 1 updated" in load_facts()
    countries = Metric.objects.get(code="countries_regions")
    assert (countries.name_en, countries.name_zh) == ("Countries and regions", "国家和地区")
    assert "Metrics: 0 created, 0 updated" in load_facts()
