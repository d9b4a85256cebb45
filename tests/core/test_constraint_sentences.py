"""Every model constraint has a sentence naming its field (core/constraints.py), and that sentence is what staff
read: in the admin's change forms, in imports, and when the database itself refuses a row. No "CHECK constraint
failed" and no "Constraint … is violated" ever reaches them."""

import datetime
import html
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.urls import reverse

from core.constraints import constraint_field, constraint_message, database_refusal
from core.imports import IMPORT_FORMATS, import_error_lines
from core.models import DerivedRows
from editions.models import Edition, ReportedBand, ReportedFigure, ReportedSector
from projects.models import Project
from projects.resources import ProjectResource
from tests.editions.test_constraints import band_data, edition_data, figure_data, project_data
from tests.factories import (
    EditionFactory,
    MetricFactory,
    ProjectFactory,
    ReportedBandFactory,
    ReportedFigureFactory,
    ReportedSectorFactory,
    SourceFactory,
    SpanFigureFactory,
)
from tests.projects.test_imports import csv_bytes, run_import

pytestmark = pytest.mark.django_db

ILLUSTRATIVE_SOURCE = (
    "An illustrative project was made up: it has no source of its own. Give the release whose totals it matches "
    "as “generated from” instead."
)
SENTENCES = {
    "source_language_valid": "language must be one of: zh, zh-Hant, en, ja, ko, ru.",
    "edition_number_positive": "The edition number must be 1 or more: 14 for the 14th edition.",
    "edition_year_plausible": "The year must be between 1900 and 2200.",
    "edition_ends_after_start": "The end date cannot be before the start date.",
    "edition_status_valid": "status must be one of: draft, published.",
    "metric_unit_valid": "unit must be one of: count, yuan, usd, m2, percent.",
    "one_figure_per_metric_and_stage": "This edition already has a figure for this metric at this stage.",
    "figure_value_not_negative": "A reported figure cannot be negative.",
    "figure_qualifier_valid": "qualifier must be one of: exact, more_than, about, nearly, at_least.",
    "figure_stage_valid": "stage must be one of: pre_event, opening, closing, retrospective.",
    "figure_basis_valid": (
        "basis must be one of: contract_investment, agreement_amount, total_investment, investment_attracted, "
        "from_outside_province, planned_investment, unspecified."
    ),
    "one_reported_band_per_lower_bound": "This edition already has a value band with this lower bound.",
    "reported_band_lower_not_negative": "The lower bound cannot be negative.",
    "reported_band_upper_above_lower": "The upper bound must be above the lower bound.",
    "one_reported_sector_per_edition": "This edition's release already names a sector mapped to this canonical sector.",
    "project_value_positive": "The value must be more than zero yuan.",
    "project_partner_matches_scope": "An international project needs a partner country or region; a domestic one has none.",  # noqa: E501
    "project_scope_valid": "scope must be one of: international, domestic.",
    "project_kind_valid": "kind must be one of: contract, agreement, intent.",
    "project_status_valid": "status must be one of: signed, under_construction, operating, stalled.",
    "illustrative_project_has_no_source": ILLUSTRATIVE_SOURCE,
    "only_illustrative_projects_are_generated": "Only an illustrative project is generated from a source's totals.",
    "one_span_figure_per_metric_basis_and_date": (
        "These editions already have a figure for this metric, basis, region and date."
    ),
    "span_first_edition_positive": "The first edition must be 1 or more.",
    "span_last_not_before_first": "The last edition cannot come before the first.",
    "span_value_not_negative": "A reported figure cannot be negative.",
    "span_qualifier_valid": "qualifier must be one of: exact, more_than, about, nearly, at_least.",
    "span_stage_valid": "stage must be one of: pre_event, opening, closing, retrospective.",
    "span_as_of_precision_valid": "as-of precision must be one of: day, year.",
    "span_status_valid": "status must be one of: draft, published.",
    "span_basis_valid": (
        "basis must be one of: contract_investment, agreement_amount, total_investment, investment_attracted, "
        "from_outside_province, planned_investment, unspecified."
    ),
}
ALL_CONSTRAINTS = {
    constraint.name: (model, constraint)
    for model in apps.get_models()
    if model._meta.app_label in ("editions", "projects") and not issubclass(model, DerivedRows)
    for constraint in model._meta.constraints
}


def test_every_constraint_has_its_sentence():
    assert sorted(ALL_CONSTRAINTS) == sorted(SENTENCES)


@pytest.mark.parametrize("name", sorted(SENTENCES))
def test_each_sentence_names_its_field(name):
    model, constraint = ALL_CONSTRAINTS[name]
    assert constraint_message(model, constraint) == SENTENCES[name]
    assert constraint_field(constraint) is not None, "the sentence goes next to a field"


# -- the database's own refusals ----------------------------------------------------------------------------------


def _duplicate_figure():
    figure = ReportedFigureFactory()
    ReportedFigureFactory(edition=figure.edition, metric=figure.metric, stage=figure.stage)


def _duplicate_band():
    band = ReportedBandFactory()
    ReportedBandFactory(edition=band.edition, lower_yuan=band.lower_yuan, upper_yuan=None)


def _duplicate_span():
    span = SpanFigureFactory()
    SpanFigureFactory(metric=span.metric, as_of=span.as_of)


def _duplicate_sector():
    named = ReportedSectorFactory()
    ReportedSectorFactory(edition=named.edition, sector=named.sector)


BROKEN_ROWS = {
    "source_language_valid": lambda: SourceFactory(language="xx"),
    "edition_number_positive": lambda: EditionFactory(number=0),
    "edition_year_plausible": lambda: EditionFactory(year=1850),
    "edition_ends_after_start": lambda: EditionFactory(
        start_date=datetime.date(2023, 8, 27), end_date=datetime.date(2023, 8, 23)
    ),
    "edition_status_valid": lambda: EditionFactory(status="bogus"),
    "metric_unit_valid": lambda: MetricFactory(unit="kg"),
    "one_figure_per_metric_and_stage": _duplicate_figure,
    "figure_value_not_negative": lambda: ReportedFigureFactory(value=Decimal(-1)),
    "figure_qualifier_valid": lambda: ReportedFigureFactory(qualifier="bogus"),
    "figure_stage_valid": lambda: ReportedFigureFactory(stage="bogus"),
    "figure_basis_valid": lambda: ReportedFigureFactory(basis="bogus"),
    "one_reported_band_per_lower_bound": _duplicate_band,
    "reported_band_lower_not_negative": lambda: ReportedBandFactory(lower_yuan=Decimal(-1), upper_yuan=None),
    "reported_band_upper_above_lower": lambda: ReportedBandFactory(lower_yuan=Decimal(100), upper_yuan=Decimal(50)),
    "one_reported_sector_per_edition": _duplicate_sector,
    "project_value_positive": lambda: ProjectFactory(value=Decimal(0)),
    "project_partner_matches_scope": lambda: ProjectFactory(scope="international", partner=""),
    "project_scope_valid": lambda: ProjectFactory(scope="bogus"),
    "project_kind_valid": lambda: ProjectFactory(kind="bogus"),
    "project_status_valid": lambda: ProjectFactory(status="bogus"),
    "illustrative_project_has_no_source": lambda: ProjectFactory(is_illustrative=True, source=SourceFactory()),
    "only_illustrative_projects_are_generated": lambda: ProjectFactory(generated_from=SourceFactory()),
    "one_span_figure_per_metric_basis_and_date": _duplicate_span,
    "span_first_edition_positive": lambda: SpanFigureFactory(first_edition=0),
    "span_last_not_before_first": lambda: SpanFigureFactory(first_edition=5, last_edition=3),
    "span_value_not_negative": lambda: SpanFigureFactory(value=Decimal(-1)),
    "span_qualifier_valid": lambda: SpanFigureFactory(qualifier="bogus"),
    "span_stage_valid": lambda: SpanFigureFactory(stage="bogus"),
    "span_as_of_precision_valid": lambda: SpanFigureFactory(as_of_precision="hour"),
    "span_status_valid": lambda: SpanFigureFactory(status="bogus"),
    "span_basis_valid": lambda: SpanFigureFactory(basis="bogus"),
}


@pytest.mark.parametrize("name", sorted(SENTENCES))
def test_a_database_refusal_is_told_as_the_constraints_sentence(name):
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        BROKEN_ROWS[name]()
    __, constraint = ALL_CONSTRAINTS[name]
    told = {f"{constraint_field(constraint)}: {SENTENCES[name]}"}
    if name == "project_scope_valid":
        # No partner matches a scope that is neither: the database may report either rule first.
        told.add(f"partner: {SENTENCES['project_partner_matches_scope']}")
    assert database_refusal(refused.value) in told


def test_a_unique_field_refused_by_the_database_is_told_in_words():
    EditionFactory(number=14)
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        EditionFactory(number=14)
    assert database_refusal(refused.value) == "number: Edition with this Number already exists."


# -- the admin's change forms -------------------------------------------------------------------------------------


def _add(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")


def _existing_figure():
    figure = ReportedFigureFactory(stage="closing")
    return figure_data(edition=figure.edition, metric=figure.metric, stage="closing")


def _existing_band():
    band = ReportedBandFactory(lower_yuan=Decimal("100000000"))
    return band_data(edition=band.edition.pk, lower_yuan="100000000", upper_yuan="")


def _existing_sector():
    named = ReportedSectorFactory()
    return {"edition": named.edition.pk, "sector": named.sector.pk, "position": "2", "sources": []}


FORM_CASES = {
    "edition_number_positive": (Edition, lambda: edition_data(number="0")),
    "edition_year_plausible": (Edition, lambda: edition_data(year="1850")),
    "edition_ends_after_start": (Edition, lambda: edition_data(start_date="2025-08-27", end_date="2025-08-23")),
    "one_figure_per_metric_and_stage": (ReportedFigure, _existing_figure),
    "figure_value_not_negative": (ReportedFigure, lambda: figure_data(value="-1")),
    "one_reported_band_per_lower_bound": (ReportedBand, _existing_band),
    "reported_band_lower_not_negative": (ReportedBand, lambda: band_data(lower_yuan="-1")),
    "reported_band_upper_above_lower": (ReportedBand, lambda: band_data(lower_yuan="100", upper_yuan="50")),
    "one_reported_sector_per_edition": (ReportedSector, _existing_sector),
    "project_value_positive": (Project, lambda: project_data(value="0")),
    "project_partner_matches_scope": (Project, lambda: project_data(scope="international")),
    "illustrative_project_has_no_source": (
        Project,
        lambda: project_data(is_illustrative="on", source=SourceFactory().pk),
    ),
    "only_illustrative_projects_are_generated": (Project, lambda: project_data(generated_from=SourceFactory().pk)),
}
# The other constraints keep a value among its field's choices: the form's select refuses any other value first
# ("Select a valid choice."), and the import's words do (tests/editions/test_qualifier_words.py).


@pytest.mark.parametrize("name", sorted(FORM_CASES))
def test_the_change_form_says_the_constraints_sentence_next_to_its_field(admin_client, name):
    model, make_data = FORM_CASES[name]
    data = make_data()
    before = model.objects.count()
    response = admin_client.post(_add(model), data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    __, constraint = ALL_CONSTRAINTS[name]
    field = constraint_field(constraint)
    assert SENTENCES[name] in form.errors.get(field, form.non_field_errors()), form.errors
    page = html.unescape(response.text)
    assert SENTENCES[name] in page
    assert "is violated" not in page and "constraint" not in page.lower()
    assert model.objects.count() == before


# -- imports ------------------------------------------------------------------------------------------------------

IMPORT_CASES = {
    "project_partner_matches_scope": ({"scope": "international", "partner": ""}, "partner"),
    "illustrative_project_has_no_source": ({"is_illustrative": "yes", "source": "S1"}, "source"),
    "only_illustrative_projects_are_generated": ({"generated_from": "S1"}, "generated_from"),
}


@pytest.mark.parametrize("name", sorted(IMPORT_CASES))
def test_an_import_row_breaking_a_constraint_says_its_sentence_with_the_column(name):
    SourceFactory(key="S1")
    EditionFactory(number=14, draft=True)
    cells, column = IMPORT_CASES[name]
    row = {"edition": 14, "title": "Grain terminal", "sector": "New energy", "value": "1.5亿", "source": "S1"}
    row |= cells
    result = run_import(ProjectResource, csv_bytes(list(row), [list(row.values())]), IMPORT_FORMATS[0], dry_run=False)
    assert import_error_lines(result, ProjectResource()) == [f"Row 2: {column}: {SENTENCES[name]}"]
    assert not Project.objects.exists()
