"""The admin's pickers: sources by key ("S90 — publisher, date", S1, S2, … S10), editions by number."""

import datetime

import pytest
from django.urls import reverse

from editions.models import Source
from tests.factories import EditionFactory, ProjectFactory, ReportedFigureFactory, SourceFactory
from tests.staff_helpers import login, role_user

pytestmark = pytest.mark.django_db

PICKER_URL = reverse("admin:editions_source_picker")


@pytest.fixture
def staff(client):
    return login(client, role_user(None))


@pytest.fixture
def sources():
    for number in (10, 2, 1, 90, 11, 9):
        SourceFactory(
            key=f"S{number}",
            title="",
            publisher="People's Daily",
            published_on=datetime.date(2023, 8, number % 28 + 1),
        )
    SourceFactory(key="T-projects", publisher="Organisers", published_on=None)


def picked(client, url, params) -> list[str]:
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:300]
    return [row["text"] for row in response.json()["results"]]


@pytest.mark.parametrize(("model", "field"), [("reportedfigure", "sources"), ("project", "source")])
def test_the_source_picker_shows_the_key_publisher_and_date_in_natural_order(staff, sources, model, field):
    app = "projects" if model == "project" else "editions"
    texts = picked(staff, PICKER_URL, {"app_label": app, "model_name": model, "field_name": field, "term": "S"})
    assert texts[:6] == [
        "S1 — People's Daily, 2023-08-02",
        "S2 — People's Daily, 2023-08-03",
        "S9 — People's Daily, 2023-08-10",
        "S10 — People's Daily, 2023-08-11",
        "S11 — People's Daily, 2023-08-12",
        "S90 — People's Daily, 2023-08-07",
    ]


def test_typing_a_key_puts_that_source_first(staff, sources):
    params = {"app_label": "editions", "model_name": "reportedfigure", "field_name": "sources", "term": "s9"}
    assert picked(staff, PICKER_URL, params) == ["S9 — People's Daily, 2023-08-10", "S90 — People's Daily, 2023-08-07"]


def test_a_source_without_a_date_shows_its_key_and_publisher(staff, sources):
    params = {"app_label": "editions", "model_name": "reportedfigure", "field_name": "sources", "term": "T-pro"}
    assert picked(staff, PICKER_URL, params) == ["T-projects — Organisers"]


def test_the_picker_answers_in_a_few_queries(staff, sources, django_assert_max_num_queries):
    params = {"app_label": "editions", "model_name": "reportedfigure", "field_name": "sources", "term": "S"}
    with django_assert_max_num_queries(6):
        picked(staff, PICKER_URL, params)


def test_the_forms_pickers_ask_the_source_picker_and_show_chosen_sources_by_key(staff, sources):
    figure = ReportedFigureFactory(sources=[Source.objects.get(key="S90")])
    page = staff.get(reverse("admin:editions_reportedfigure_change", args=[figure.pk])).text
    assert f'data-ajax--url="{PICKER_URL}"' in page
    assert "S90 — People&#x27;s Daily, 2023-08-07</option>" in page
    project = ProjectFactory(source=Source.objects.get(key="S2"))
    page = staff.get(reverse("admin:projects_project_change", args=[project.pk])).text
    assert "S2 — People&#x27;s Daily, 2023-08-03</option>" in page


def test_the_source_list_sorts_keys_naturally(staff, sources):
    response = staff.get(reverse("admin:editions_source_changelist"))
    keys = [source.key for source in response.context["cl"].result_list]
    assert keys == ["S1", "S2", "S9", "S10", "S11", "S90", "T-projects"]


def test_data_entry_may_use_the_source_picker(client, sources):
    login(client, role_user("Data entry"))
    params = {"app_label": "editions", "model_name": "reportedfigure", "field_name": "sources", "term": "S1"}
    assert picked(client, PICKER_URL, params)[0] == "S1 — People's Daily, 2023-08-02"


def test_typing_an_editions_number_puts_that_edition_first(staff):
    for number, year in ((9, 2014), (12, 2019), (19, 2029), (10, 2015)):
        EditionFactory(number=number, year=year)
    params = {"app_label": "projects", "model_name": "project", "field_name": "edition", "term": "9"}
    texts = picked(staff, reverse("admin:autocomplete"), params)
    assert texts[0] == "9th edition (2014)"
    assert set(texts[1:]) == {"12th edition (2019)", "19th edition (2029)"}
    params["term"] = "第9届"
    assert picked(staff, reverse("admin:autocomplete"), params)[0] == "9th edition (2014)"
