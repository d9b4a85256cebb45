"""The demo's 14th edition reads correctly in both languages."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import translation
from pytest_django.asserts import assertContains

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _demo_loaded_once(django_db_setup, django_db_blocker):
    """The demo loaded once for the module, in a transaction rolled back at the end."""
    with django_db_blocker.unblock():
        module_atomic = transaction.atomic()
        module_atomic.__enter__()
        call_command("load_demo", stdout=io.StringIO())
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        module_atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def demo(_demo_loaded_once, db):
    translation.activate("en")
    yield
    translation.deactivate()


def test_the_14th_edition_in_chinese(client):
    response = client.get("/zh-hans/editions/14/")
    assertContains(response, "第十四届中国—东北亚博览会（2023年）")
    assertContains(response, "本届收录的全部99个项目")
    assertContains(response, "844.75亿元")
    assertContains(response, "超过2万")
    assertContains(response, "2023年8月23日至27日")
    assertContains(response, "签约项目数")


def test_the_14th_edition_in_english(client):
    response = client.get("/en/editions/14/")
    assertContains(response, "China-Northeast Asia Expo: 14th edition (2023)")
    assertContains(response, "All 99 recorded projects")
    assertContains(response, "84.475 billion yuan")
    assertContains(response, "over 20,000")
    assertContains(response, "23–27 Aug 2023")


def test_home_and_tables_of_the_demo_in_chinese(client):
    response = client.get("/zh-hans/")
    # The latest edition with results leads; the 15th, still without results, is named as such.
    assertContains(response, "最新成果：第十四届（2023年）")
    assertContains(
        response, '成果尚未公布： <a href="/zh-hans/editions/15/">第十五届（2025年）</a> · 2025年8月27日至31日'
    )
    assertContains(response, "844.75亿元")
    response = client.get("/zh-hans/editions/")
    assertContains(response, "第十四届")
    response = client.get("/zh-hans/projects/", {"edition": 14})
    assertContains(response, "共99个项目符合条件")
    assertContains(response, "新能源")
