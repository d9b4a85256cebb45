"""Every rule is kept twice: the database refuses the bad row, and the admin form says why in a sentence."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from pytest_django.asserts import assertContains

from editions.models import Edition, Metric, ReportedBand, ReportedFigure, ReportedSector, Source
from projects.models import Project
from tests.factories import (
    EditionFactory,
    MetricFactory,
    ProjectFactory,
    ReportedBandFactory,
    ReportedFigureFactory,
    ReportedSectorFactory,
    SectorFactory,
    SourceFactory,
)

pytestmark = [
    pytest.mark.django_db,
]


def refused_by_database(factory, **fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**fields)


def add_url(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")


def inline_management(*prefixes, total=0, initial=0):
    data = {}
    for prefix in prefixes:
        data |= {
            f"{prefix}-TOTAL_FORMS": str(total if prefix == prefixes[0] else 0),
            f"{prefix}-INITIAL_FORMS": str(initial if prefix == prefixes[0] else 0),
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    return data


def edition_data(**changes):
    data = {
        "number": "15",
        "year": "2025",
        "start_date": "2025-08-23",
        "end_date": "2025-08-27",
        "name_zh": "中国—东北亚博览会",
        "name_en": "China-Northeast Asia Expo",
        "theme_zh": "",
        "theme_en": "",
        "city": "Changchun",
        "venue": "",
        "status": "draft",
        "notes": "",
        **inline_management("figures", "reported_bands", "reported_sectors"),
    }
    return data | changes


def figure_data(**changes):
    edition = changes.pop("edition", None) or EditionFactory()
    metric = changes.pop("metric", None) or MetricFactory()
    data = {
        "edition": edition.pk,
        "metric": metric.pk,
        "value": "20000",
        "qualifier": "more_than",
        "stage": "closing",
        "sources": [SourceFactory().pk],
        "research_note": "",
    }
    return data | changes


def band_data(**changes):
    data = {
        "edition": EditionFactory().pk,
        "lower_yuan": "100000000",
        "upper_yuan": "500000000",
        "count": "59",
        "sources": [SourceFactory().pk],
        "research_note": "",
    }
    return data | changes


def project_data(**changes):
    data = {
        "edition": EditionFactory().pk,
        "title": "Grain terminal",
        "title_zh": "",
        "sector": SectorFactory().pk,
        "kind": "contract",
        "status": "signed",
        "scope": "domestic",
        "partner": "",
        "parties": "",
        "parties_zh": "",
        "location": "",
        "value": "250000000",
        "signed_on": "2023-08-24",
        "description": "",
        "description_zh": "",
        "source": "",
    }
    return data | changes


# Editions


def test_database_refuses_an_edition_ending_before_it_starts():
    refused_by_database(EditionFactory, start_date=datetime.date(2023, 8, 27), end_date=datetime.date(2023, 8, 23))


def test_admin_explains_an_edition_ending_before_it_starts(admin_client):
    response = admin_client.post(add_url(Edition), edition_data(start_date="2025-08-27", end_date="2025-08-23"))
    assertContains(response, "The end date cannot be before the start date.")
    assert not Edition.objects.exists()


def test_an_edition_with_only_a_start_date_is_fine():
    EditionFactory(start_date=datetime.date(2005, 9, 2), end_date=None).full_clean()


@pytest.mark.parametrize("number", [0])
def test_database_refuses_edition_number_zero(number):
    refused_by_database(EditionFactory, number=number)


def test_admin_explains_edition_number_zero(admin_client):
    response = admin_client.post(add_url(Edition), edition_data(number="0"))
    assertContains(response, "The edition number must be 1 or more: 14 for the 14th edition.")
    assert "is violated" not in response.text
    assert not Edition.objects.exists()


def test_database_refuses_an_implausible_year():
    refused_by_database(EditionFactory, year=1850)


def test_admin_explains_an_implausible_year(admin_client):
    response = admin_client.post(add_url(Edition), edition_data(year="1850"))
    assertContains(response, "The year must be between 1900 and 2200.")
    assert not Edition.objects.exists()


def test_database_refuses_a_second_edition_with_the_same_number():
    EditionFactory(number=14)
    refused_by_database(EditionFactory, number=14)


def test_admin_explains_a_second_edition_with_the_same_number(admin_client):
    EditionFactory(number=15)
    response = admin_client.post(add_url(Edition), edition_data(number="15"))
    assertContains(response, "Edition with this Number already exists.")
    assert Edition.objects.count() == 1


# Reported figures


def test_database_refuses_a_negative_figure():
    refused_by_database(ReportedFigureFactory, value=Decimal("-1"))


def test_admin_explains_a_negative_figure(admin_client):
    response = admin_client.post(add_url(ReportedFigure), figure_data(value="-1"))
    assertContains(response, "A reported figure cannot be negative.")
    assert not ReportedFigure.objects.exists()


def test_edition_form_explains_a_negative_figure_inline(admin_client):
    edition, metric, source = EditionFactory(number=15), MetricFactory(), SourceFactory()
    data = edition_data(status="published", loaded_version=edition.version) | inline_management(
        "figures", "reported_bands", "reported_sectors", total=1
    )
    data |= {
        "figures-0-metric": metric.pk,
        "figures-0-value": "-20000",
        "figures-0-qualifier": "exact",
        "figures-0-stage": "closing",
        "figures-0-sources": [source.pk],
        "figures-0-research_note": "",
    }
    url = reverse("admin:editions_edition_change", args=[edition.pk])
    response = admin_client.post(url, data)
    assertContains(response, "A reported figure cannot be negative.")
    assert not ReportedFigure.objects.exists()


def test_database_refuses_two_figures_for_one_metric_at_one_stage():
    figure = ReportedFigureFactory()
    refused_by_database(ReportedFigureFactory, edition=figure.edition, metric=figure.metric, stage=figure.stage)


def test_the_same_metric_may_be_reported_at_another_stage():
    figure = ReportedFigureFactory(stage="closing")
    ReportedFigureFactory(edition=figure.edition, metric=figure.metric, stage="opening")
    assert ReportedFigure.objects.count() == 2


def test_admin_explains_two_figures_for_one_metric_at_one_stage(admin_client):
    figure = ReportedFigureFactory(stage="closing")
    response = admin_client.post(
        add_url(ReportedFigure), figure_data(edition=figure.edition, metric=figure.metric, stage="closing")
    )
    assertContains(response, "This edition already has a figure for this metric at this stage.")
    assert ReportedFigure.objects.count() == 1


def test_edition_form_explains_two_figures_for_one_metric_at_one_stage_inline(admin_client):
    figure = ReportedFigureFactory(stage="closing", value=Decimal("1006"))
    edition = figure.edition
    data = edition_data(
        number=str(edition.number), year=str(edition.year), loaded_version=edition.version
    ) | inline_management("figures", "reported_bands", "reported_sectors", total=2, initial=1)
    row = {"metric": figure.metric.pk, "qualifier": "exact", "stage": "closing", "research_note": ""}
    source = figure.sources.get().pk
    data |= {f"figures-0-{k}": v for k, v in row.items()} | {
        "figures-0-id": figure.pk,
        "figures-0-edition": edition.pk,
        "figures-0-value": "1006",
        "figures-0-sources": [source],
    }
    data |= {f"figures-1-{k}": v for k, v in row.items()} | {
        "figures-1-edition": edition.pk,
        "figures-1-value": "1100",
        "figures-1-sources": [source],
    }
    response = admin_client.post(reverse("admin:editions_edition_change", args=[edition.pk]), data)
    assert response.status_code == 200
    assertContains(response, "This edition already has a figure for this metric at this stage.")
    assert ReportedFigure.objects.count() == 1


# Reported bands


@pytest.mark.parametrize("upper", ["100000000", "99999999.99"])
def test_database_refuses_a_band_whose_upper_bound_is_not_above_its_lower(upper):
    refused_by_database(ReportedBandFactory, lower_yuan=Decimal("100000000"), upper_yuan=Decimal(upper))


@pytest.mark.parametrize("upper", ["100000000", "50000000"])
def test_admin_explains_a_band_whose_upper_bound_is_not_above_its_lower(admin_client, upper):
    response = admin_client.post(add_url(ReportedBand), band_data(lower_yuan="100000000", upper_yuan=upper))
    assertContains(response, "The upper bound must be above the lower bound.")
    assert not ReportedBand.objects.exists()


def test_an_open_ended_band_needs_no_upper_bound(admin_client):
    response = admin_client.post(add_url(ReportedBand), band_data(lower_yuan="5000000000", upper_yuan=""))
    assert response.status_code == 302
    assert ReportedBand.objects.get().upper_yuan is None


def test_database_refuses_a_negative_lower_bound():
    refused_by_database(ReportedBandFactory, lower_yuan=Decimal("-1"), upper_yuan=None)


def test_admin_explains_a_negative_lower_bound(admin_client):
    response = admin_client.post(add_url(ReportedBand), band_data(lower_yuan="-1"))
    assertContains(response, "The lower bound cannot be negative.")
    assert not ReportedBand.objects.exists()


def test_database_refuses_two_bands_with_one_lower_bound():
    band = ReportedBandFactory()
    refused_by_database(ReportedBandFactory, edition=band.edition, upper_yuan=Decimal("900000000"))


def test_database_refuses_naming_a_sector_twice_for_one_edition():
    named = ReportedSectorFactory()
    refused_by_database(ReportedSectorFactory, edition=named.edition, sector=named.sector)


def test_admin_explains_naming_a_sector_twice_for_one_edition(admin_client):
    named = ReportedSectorFactory()
    data = {"edition": named.edition.pk, "sector": named.sector.pk, "position": "2", "sources": []}
    response = admin_client.post(add_url(ReportedSector), data)
    assertContains(response, "This edition&#x27;s release already names a sector mapped to this canonical sector.")
    assert ReportedSector.objects.count() == 1


# Projects


@pytest.mark.parametrize("value", ["0", "-0.01", "-250000000"])
def test_database_refuses_a_project_worth_nothing_or_less(value):
    refused_by_database(ProjectFactory, value=Decimal(value))


@pytest.mark.parametrize("value", ["0", "-250000000"])
def test_admin_explains_a_project_worth_nothing_or_less(admin_client, value):
    response = admin_client.post(add_url(Project), project_data(value=value))
    assertContains(response, "The value must be more than zero yuan.")
    assert not Project.objects.exists()


def test_a_project_worth_a_fen_is_allowed():
    assert ProjectFactory(value=Decimal("0.01")).pk


PARTNER_MESSAGE = "An international project needs a partner country or region; a domestic one has none."


@pytest.mark.parametrize(("scope", "partner"), [("international", ""), ("domestic", "RU")])
def test_database_refuses_a_partner_that_does_not_match_the_scope(scope, partner):
    refused_by_database(ProjectFactory, scope=scope, partner=partner)


@pytest.mark.parametrize(("scope", "partner"), [("international", ""), ("domestic", "RU")])
def test_admin_explains_a_partner_that_does_not_match_the_scope(admin_client, scope, partner):
    response = admin_client.post(add_url(Project), project_data(scope=scope, partner=partner))
    assertContains(response, PARTNER_MESSAGE)
    assert not Project.objects.exists()


@pytest.mark.parametrize(("scope", "partner"), [("international", "KR"), ("international", "HK"), ("domestic", "")])
def test_admin_saves_a_partner_that_matches_the_scope(admin_client, scope, partner):
    response = admin_client.post(add_url(Project), project_data(scope=scope, partner=partner))
    assert response.status_code == 302
    assert Project.objects.get().partner == partner


# Choices are kept by the database too, not only by the forms


@pytest.mark.parametrize(
    ("factory", "field"),
    [
        (EditionFactory, "status"),
        (SourceFactory, "language"),
        (MetricFactory, "unit"),
        (ReportedFigureFactory, "qualifier"),
        (ReportedFigureFactory, "stage"),
        (ProjectFactory, "scope"),
        (ProjectFactory, "kind"),
        (ProjectFactory, "status"),
    ],
)
def test_database_refuses_a_value_outside_the_choices(factory, field):
    refused_by_database(factory, **{field: "bogus"})


@pytest.mark.parametrize(
    ("model", "data", "field"),
    [
        # An edition's status is not in its form: it changes only by publishing (tests/editions/test_publishing.py).
        (ReportedFigure, figure_data, "qualifier"),
        (ReportedFigure, figure_data, "stage"),
        (Project, project_data, "scope"),
        (Project, project_data, "kind"),
        (Project, project_data, "status"),
    ],
)
def test_admin_explains_a_value_outside_the_choices(admin_client, model, data, field):
    response = admin_client.post(add_url(model), data(**{field: "bogus"}))
    assertContains(response, "Select a valid choice. bogus is not one of the available choices.")
    assert not model.objects.exists()


def test_admin_explains_a_source_language_outside_the_choices(admin_client):
    data = {"key": "S1", "title": "", "publisher": "Organisers", "url": "https://example.org/", "language": "xx"}
    response = admin_client.post(add_url(Source), data)
    assertContains(response, "Select a valid choice. xx is not one of the available choices.")
    assert not Source.objects.exists()


def test_admin_explains_a_metric_unit_outside_the_choices(admin_client):
    data = {"code": "online_visitors", "name_en": "Online visitors", "unit": "kg", "position": "5"}
    response = admin_client.post(add_url(Metric), data)
    assertContains(response, "Select a valid choice. kg is not one of the available choices.")
    assert not Metric.objects.filter(code="online_visitors").exists()
