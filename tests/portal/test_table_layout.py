"""The projects and editions tables stand in the page (their header row then sticks to the top of the screen) and
carry each column's name on every cell, for the cards a phone shows; other tables scroll in a labelled region."""

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from tests.factories import EditionFactory

pytestmark = pytest.mark.django_db


def cells_and_labels(response) -> tuple[list[str], list[str]]:
    page = response.content.decode()
    table = page[page.index('<table class="data-table stack-table') : page.index("</table>")]
    headers = [
        " ".join(re.sub(r"<[^>]+>|[↕▲▼]", " ", th).split()) for th in re.findall(r"<th [^>]*>(.*?)</th>", table, re.S)
    ]
    body = table[table.index("<tbody") :]
    labels = re.findall(r'<td [^>]*data-label="([^"]*)"', body)
    cells = re.findall(r"<td ", body)
    return headers, labels, len(cells)


def test_the_projects_table_stands_in_the_page_with_each_cell_labelled(client, three_projects):
    response = client.get(reverse("projects:list"))
    assertContains(response, '<div class="table-stack">')
    assertNotContains(response, 'class="table-container"')
    headers, labels, cells = cells_and_labels(response)
    assert headers == ["Title", "Value (yuan)", "Value band", "Edition", "Sector", "Scope", "Partner", "Signed on"]
    assert cells == len(labels) == 3 * len(headers)
    assert labels[: len(headers)] == headers


def test_the_editions_table_shows_the_dates_in_one_column_and_exports_them_in_two(client):
    EditionFactory(number=14, year=2023, start_date=datetime.date(2023, 8, 23), end_date=datetime.date(2023, 8, 27))
    EditionFactory(number=8, year=2012, start_date=datetime.date(2012, 9, 6), end_date=None)
    response = client.get(reverse("editions:list"))
    headers, labels, cells = cells_and_labels(response)
    assert headers[:3] == ["Edition", "Dates", "City"]
    assert "Year" not in headers and "Opened" not in headers
    assertContains(response, '<td class="nowrap" data-label="Dates">23–27 Aug 2023</td>', html=True)
    assertContains(response, '<td class="nowrap" data-label="Dates">6 Sep 2012</td>', html=True)

    rows = list(
        csv.DictReader(
            io.StringIO(client.get(reverse("editions:list"), {"_export": "csv"}).content.decode("utf-8-sig"))
        )
    )
    assert [(row["Year"], row["Opened"], row["Closed"]) for row in rows] == [
        ("2023", "2023-08-23", "2023-08-27"),
        ("2012", "2012-09-06", ""),
    ]
    assert "Dates" not in rows[0]
    assert [row["Edition"] for row in csv.DictReader(io.StringIO(
        client.get(reverse("editions:list"), {"_export": "csv", "sort": "dates"}).content.decode("utf-8-sig")
    ))] == ["8", "14"]  # fmt: skip


def test_a_summary_table_scrolls_sideways_in_a_labelled_region(client):
    edition = EditionFactory(number=14)
    assertContains(
        client.get(edition.get_absolute_url()),
        '<div class="table-container" role="region" aria-labelledby="comparison-caption" tabindex="0">',
    )
