"""The home page leads with the latest edition with results, and its charts say what each bar is worth."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from core.vocabulary import Qualifier, Stage
from tests.factories import EditionFactory, ProjectFactory, ReportedFigureFactory, standard_metric

pytestmark = pytest.mark.django_db


@pytest.fixture
def editions():
    """The 10th and the 13th with results (the 11th and 12th not in the portal), and the 14th still to come."""
    signed = standard_metric("signed_value")
    tenth = EditionFactory(number=10, year=2015)
    thirteenth = EditionFactory(number=13, year=2021)
    coming = EditionFactory(number=14, year=2023)
    ReportedFigureFactory(edition=tenth, metric=signed, value=Decimal("55584000000"))
    ReportedFigureFactory(
        edition=thirteenth,
        metric=signed,
        value=Decimal("196200000000"),
        qualifier=Qualifier.MORE_THAN,
        public_note_en="Staff checked this against the Jilin Daily.",
    )
    ReportedFigureFactory(edition=coming, metric=standard_metric("participants"), value=14000, stage=Stage.PRE_EVENT)
    ProjectFactory(edition=thirteenth)
    return tenth, thirteenth, coming


def test_home_leads_with_the_latest_edition_with_results(client, editions):
    response = client.get(reverse("home"))
    assertContains(response, "Latest results: the 13th edition (2021)")
    assertContains(response, '<a href="/en/compare/10/13/">Compared with the 10th</a>', html=True)
    assertContains(
        response,
        'Results not yet published: <a href="/en/editions/14/">14th edition (2023)</a>',
    )
    assertNotContains(response, "Latest results: the 14th")


def test_home_figures_carry_no_notes(client, editions):
    response = client.get(reverse("home"))
    assertContains(response, '<span class="value">over 196.2 billion yuan</span>', html=True)
    assertNotContains(response, "Staff checked this")


def test_home_charts_label_every_bar_in_the_unit_of_their_caption_and_mark_the_gap(client, editions):
    html = client.get(reverse("home")).content.decode()
    chart = html.split("<figcaption>Total signed value")[1].split("</figure>")[0]
    assert chart.startswith(' <span class="unit">(billion yuan)</span></figcaption>')
    labels = re.findall(r'<text class="value[^"]*"[^>]*>([^<]*)</text>', chart)
    assert labels == ["55.58", "over 196.2"]  # to two decimals; the table below gives every digit
    assert "<title>11th–12th: not in the portal</title>" in chart


def test_home_charts_of_counts_have_no_unit(client, editions):
    html = client.get(reverse("home")).content.decode()
    chart = html.split("<figcaption>Participants")[1].split("</figure>")[0]
    assert chart.startswith("</figcaption>")
    assert re.findall(r'<text class="value[^"]*"[^>]*>([^<]*)</text>', chart) == ["14,000"]


def test_without_any_results_the_newest_edition_leads(client):
    EditionFactory(number=1, year=2005)
    response = client.get(reverse("home"))
    assertContains(response, "Latest: the 1st edition (2005)")
    assertNotContains(response, "Results not yet published")


def test_home_charts_in_chinese_write_money_in_yi_yuan(client, editions):
    html = client.get("/zh-hans/").content.decode()
    chart = html.split("<figcaption>签约总额")[1].split("</figure>")[0]
    assert chart.startswith(' <span class="unit">(亿元)</span></figcaption>')
    assert re.findall(r'<text class="value[^"]*"[^>]*>([^<]*)</text>', chart) == ["555.84", "超过1962"]
