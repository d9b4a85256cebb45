"""The projects list on a small screen: the filters fold away behind one line that says how many are in use."""

import re

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from tests.factories import EditionFactory, ProjectFactory, SectorFactory

pytestmark = pytest.mark.django_db

LIST = reverse("projects:list")


def panel_tag(response) -> str:
    return re.search(r"<details class=\"filters-panel\"[^>]*>", response.content.decode()).group(0)


@pytest.fixture
def project():
    return ProjectFactory(edition=EditionFactory(number=14), sector=SectorFactory(slug="farming"))


def test_the_filters_are_folded_and_the_results_follow_the_summary(client, project):
    response = client.get(LIST)
    assert "open" not in panel_tag(response)
    page = response.content.decode()
    summary = page.index("<summary>")
    assert summary < page.index('id="filters-heading"') < page.index("</summary>")
    # Everything between the summary and the result count is inside the folded panel.
    assert page.index("</details>") < page.index('class="result-count"')
    assertNotContains(response, "active)")


def test_the_summary_counts_the_filters_in_use(client, project):
    response = client.get(LIST, {"edition": "14", "sector": "farming", "sort": "title", "per_page": "50"})
    assertContains(response, '<span class="filters-active">(2 active)</span>', html=True)
    assert "open" not in panel_tag(response)
    assertContains(client.get(LIST, {"q": "wind"}), "(1 active)")


def test_the_panel_opens_when_a_value_needs_correcting(client, project):
    response = client.get(LIST, {"value_min": "-5"})
    assert response.status_code == 400
    assert " open" in panel_tag(response)
    assertContains(response, 'aria-invalid="true"', status_code=400)


def test_the_filter_form_keeps_its_labels_and_heading(client, project):
    response = client.get(LIST)
    assertContains(response, 'aria-labelledby="filters-heading"')
    for label in ("Search", "Edition", "Sector", "Scope", "Value band", "Apply filters"):
        assertContains(response, label)
