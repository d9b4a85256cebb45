"""Row errors of an import are sentences naming the column, in row order, on SQLite and PostgreSQL alike:
the database's own words ("CHECK constraint failed", "numeric field overflow") never reach staff."""

import pytest
from django.db import IntegrityError

from core.constraints import database_refusal
from core.imports import IMPORT_FORMATS, import_error_lines
from editions.models import ReportedFigure
from editions.resources import ReportedFigureResource
from projects.models import Project
from projects.resources import ProjectResource
from tests.factories import EditionFactory, MetricFactory, SourceFactory
from tests.projects.test_imports import csv_bytes, run_import

pytestmark = pytest.mark.django_db

HEADERS = ["edition", "title", "sector", "value", "scope", "partner"]
PARTNER = "Row %d: partner: An international project needs a partner country or region; a domestic one has none."


@pytest.fixture(autouse=True)
def edition():
    SourceFactory(key="S1")
    return EditionFactory(number=14, draft=True)


def rows(count: int) -> list[list]:
    return [[14, f"Project {n}", "New energy", "5000000", "domestic", ""] for n in range(1, count + 1)]


def errors_of(data_rows, *, dry_run=True, headers=HEADERS, resource=ProjectResource) -> list[str]:
    result = run_import(resource, csv_bytes(headers, data_rows), IMPORT_FORMATS[0], dry_run=dry_run)
    return import_error_lines(result, resource())


@pytest.mark.parametrize("dry_run", [True, False])
def test_a_scope_without_its_partner_is_a_sentence_naming_the_partner_column(dry_run):
    data = rows(10)
    data[8][4] = "international"  # spreadsheet row 10, no partner
    data[3][5] = "Russia"  # row 5: a partner, but marked domestic
    assert errors_of(data, dry_run=dry_run) == [PARTNER % 5, PARTNER % 10]
    assert Project.objects.count() == 0


def test_a_value_of_zero_names_the_value_column():
    data = rows(3)
    data[1][3] = "0"
    assert errors_of(data) == ["Row 3: value: The value must be more than zero yuan."]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("9999999999999999", "value is too large: at most 15 digits before the decimal point (got '9999999999999999')"),
        ("100000000万亿", "value is too large: at most 15 digits before the decimal point (got '100000000万亿')"),
        ("1234.567", "value has more than 2 decimal places (got '1234.567')"),
    ],
)
def test_a_value_the_column_cannot_hold_is_refused_before_the_database_sees_it(value, message):
    data = rows(2)
    data[0][3] = value
    assert errors_of(data, dry_run=False) == [f"Row 2: {message}"]
    assert Project.objects.count() == 0


def test_the_largest_value_the_column_holds_is_imported():
    data = rows(1)
    data[0][3] = "999999999999999"  # 15 digits (SQLite keeps no more than 15 exactly)
    assert errors_of(data, dry_run=False) == []
    assert Project.objects.get().value == 999999999999999


def test_a_figure_too_large_for_its_column_is_a_sentence():
    MetricFactory(code="visitors")
    headers = ["edition", "metric", "value", "sources"]
    lines = errors_of(
        [[14, "visitors", "1" + "0" * 18, "S1"]], headers=headers, resource=ReportedFigureResource, dry_run=False
    )
    assert lines == [
        "Row 2: value is too large: at most 18 digits before the decimal point (got '1000000000000000000')"
    ]
    assert ReportedFigure.objects.count() == 0


def test_row_errors_come_in_row_order_whatever_their_kind():
    data = rows(12)
    data[9][4] = "international"  # row 11
    data[1][3] = "lots"  # row 3
    data[5][2] = "Renewables"  # row 7
    data[11][1] = data[10][1]  # row 13 repeats row 12
    assert errors_of(data) == [
        "Row 3: value must be a number in yuan (got 'lots')",
        "Row 7: unknown sector 'Renewables' — did you mean 'New energy'?",
        PARTNER % 11,
        "Row 13: same edition and title as row 12; each may appear only once in a file",
    ]


@pytest.mark.parametrize(
    "raw",
    [
        "CHECK constraint failed: project_partner_matches_scope",
        'new row for relation "projects_project" violates check constraint "project_partner_matches_scope"\n'
        "DETAIL:  Failing row contains (1, Wind farm, , international, , ...).",
    ],
)
def test_the_database_refusing_a_constraint_is_told_as_the_constraint_sentence(raw):
    assert database_refusal(IntegrityError(raw)) == (
        "partner: An international project needs a partner country or region; a domestic one has none."
    )


@pytest.mark.parametrize(
    "raw",
    [
        "numeric field overflow\nDETAIL:  A field with precision 17, scale 2 must round to an absolute value "
        "less than 10^15.",
        "value too long for type character varying(300)",
        "something else entirely",
    ],
)
def test_other_database_refusals_are_a_sentence_without_the_database_text(raw):
    message = database_refusal(IntegrityError(raw))
    assert message == "The database refused a value of this row (too long, too large or not allowed)."


def test_a_refusal_the_checks_missed_still_reaches_staff_as_a_sentence(monkeypatch):
    # As if the checks before the database missed a rule: the database's refusal is worded all the same.
    monkeypatch.setattr("core.imports.check_constraints", lambda instance, **kwargs: None)
    data = rows(3)
    data[1][4] = "international"
    lines = errors_of(data, dry_run=False)
    assert len(lines) == 1
    assert "An international project needs a partner country or region" in lines[0]
    assert "CHECK" not in lines[0] and "constraint" not in lines[0]
    assert Project.objects.count() == 0


@pytest.mark.parametrize(("cell", "number"), [("１４", None), ("²", 2), ("第14届", None)])
def test_an_edition_written_in_other_digits_is_read_or_refused_in_words(cell, number):
    data = rows(1)
    data[0][0] = cell
    lines = errors_of(data)
    if number is None:
        assert lines == []
    else:
        assert lines == [f"Row 2: unknown edition {number}: add the edition in the admin first"]
