"""How the admin's forms show what staff typed: counts and amounts as whole numbers, dates as dates."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from core.forms import DATE_HELP
from tests.factories import (
    EditionFactory,
    ProjectFactory,
    ReportedBandFactory,
    ReportedFigureFactory,
    SourceFactory,
    standard_metric,
)
from tests.staff_helpers import login, role_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    return login(client, role_user(None))


def input_value(page: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', page)
    assert tag, f"no input {name}"
    return re.search(r'value="([^"]*)"', tag.group(0)).group(1)


def test_a_count_shows_as_a_whole_number_on_its_own_page_and_inline(staff):
    figure = ReportedFigureFactory(metric=standard_metric("participants"), value=Decimal("52"))
    page = staff.get(reverse("admin:editions_reportedfigure_change", args=[figure.pk])).text
    assert input_value(page, "value") == "52"
    page = staff.get(reverse("admin:editions_edition_change", args=[figure.edition.pk])).text
    assert input_value(page, "figures-0-value") == "52"


def test_amounts_show_every_digit_grouped_and_no_empty_decimals(staff):
    project = ProjectFactory(value=Decimal("95600000000.00"))
    fen = ProjectFactory(value=Decimal("1234.50"))
    band = ReportedBandFactory(lower_yuan=Decimal("100000000"), upper_yuan=Decimal("500000000.00"))
    assert input_value(staff.get(reverse("admin:projects_project_change", args=[project.pk])).text, "value") == (
        "95,600,000,000"
    )
    assert input_value(staff.get(reverse("admin:projects_project_change", args=[fen.pk])).text, "value") == "1,234.5"
    page = staff.get(reverse("admin:editions_reportedband_change", args=[band.pk])).text
    assert (input_value(page, "lower_yuan"), input_value(page, "upper_yuan")) == ("100,000,000", "500,000,000")


def test_a_whole_number_saves_back_unchanged(staff):
    figure = ReportedFigureFactory(metric=standard_metric("participants"), value=Decimal("52"))
    url = reverse("admin:editions_reportedfigure_change", args=[figure.pk])
    form = staff.get(url).context["adminform"].form
    assert form["value"].value() == "52"


@pytest.mark.parametrize(
    ("url", "fields"),
    [
        (lambda: reverse("admin:editions_edition_add"), ["start_date", "end_date"]),
        (lambda: reverse("admin:editions_source_add"), ["published_on"]),
        (lambda: reverse("admin:projects_project_change", args=[ProjectFactory().pk]), ["signed_on"]),
    ],
)
def test_date_fields_speak_of_dates_not_of_time_zones(staff, url, fields):
    SourceFactory()
    EditionFactory()
    response = staff.get(url())
    form = response.context["adminform"].form
    for name in fields:
        assert form.fields[name].help_text == DATE_HELP
    page = response.text
    assert "A calendar date as the source gives it, such as 2023-08-23; there is no time of day." in page
    assert "timezone" not in str(DATE_HELP).lower()
    # The calendar's time-zone note is left to time fields: this script comes after the one that adds it.
    shortcuts, dates = page.find("admin/js/admin/DateTimeShortcuts.js"), page.find("js/admin-dates.js")
    assert 0 < shortcuts < dates


@pytest.mark.parametrize("typed", ["844.75亿", "84.475 billion", "8,447,500万", "84,475,000,000", "84475000000"])
def test_an_amount_is_typed_as_releases_write_it(staff, typed):
    from core.forms import PlainDecimalField

    field = PlainDecimalField(max_digits=20, decimal_places=2, label="Value")
    assert field.clean(typed) == Decimal("84475000000")


def test_a_figure_saved_with_a_scale_word_stores_yuan(staff):
    figure = ReportedFigureFactory(metric=standard_metric("signed_value"), value=Decimal("1"))
    url = reverse("admin:editions_reportedfigure_change", args=[figure.pk])
    form = staff.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["sources"] = [source.pk for source in figure.sources.all()]
    data["value"] = "844.75亿"
    response = staff.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    figure.refresh_from_db()
    assert figure.value == Decimal("84475000000")
    assert input_value(staff.get(url).text, "value") == "84,475,000,000"


def test_a_word_that_is_no_amount_is_a_sentence_on_its_field(staff):
    from django.core.exceptions import ValidationError

    from core.forms import PlainDecimalField

    field = PlainDecimalField(max_digits=20, decimal_places=2, label="Value")
    with pytest.raises(ValidationError) as refused:
        field.clean("many")
    assert refused.value.messages == ["Value must be a number (got 'many')"]
