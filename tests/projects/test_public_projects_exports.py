"""Downloads of the public projects table: every matching row, in the table's order, in CSV, JSON and XLSX."""

import csv
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

LIST = reverse("projects:list")


def csv_rows(response) -> list[dict]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))


def test_csv_export_of_an_edition_has_exactly_its_rows(client, three_projects):
    ProjectFactory.create_batch(30, edition=three_projects[0].edition)
    response = client.get(LIST, {"edition": "14", "_export": "csv", "per_page": "10"})
    assert response["Content-Disposition"] == 'attachment; filename="projects.csv"'
    assert len(csv_rows(response)) == 32  # every row, not the page


def test_csv_export_has_human_headers_plain_yuan_and_the_illustrative_flag(client, three_projects):
    rows = csv_rows(client.get(LIST, {"_export": "csv"}))
    assert list(rows[0]) == [
        "ID",
        "Title",
        "Title (Chinese)",
        "Value (yuan)",
        "Value band",
        "Edition",
        "Sector",
        "Scope",
        "Partner",
        "Partner code",
        "Signed on",
        "Kind",
        "Status",
        "Signing parties",
        "Source",
        "Illustrative",
    ]
    first = rows[0]
    assert first["Title"] == "Auto parts plant"
    assert first["Value (yuan)"] == "6000000000"
    assert first["Edition"] == "13"
    assert first["Partner"] == "Japan"
    assert first["Partner code"] == "JP"
    assert first["Value band"] == "5 billion yuan and over"
    assert first["Illustrative"] == "yes"
    assert first["Signed on"] == "2022-08-26"
    # Made up: its kind and status are marked, and its source names the release it was generated to match.
    assert (first["Kind"], first["Status"]) == ("contract project (illustrative)", "signed (illustrative)")
    assert first["Source"] == "generated to match the totals published in Closing release with the totals (2023-08-28)"
    assert rows[1]["Illustrative"] == "no"
    assert rows[1]["Source"].startswith("https://") and rows[1]["Kind"] == "contract project"


def test_export_follows_sort_and_filters(client, three_projects):
    rows = csv_rows(client.get(LIST, {"_export": "csv", "sort": "value", "scope": "international"}))
    assert [row["Title"] for row in rows] == ["Wind farm", "Auto parts plant"]


def test_json_and_xlsx_exports_carry_the_same_rows(client, three_projects):
    data = json.loads(client.get(LIST, {"_export": "json", "edition": "14"}).getvalue())
    assert [row["Title"] for row in data] == ["Wind farm", "Seed bank"]
    assert data[0]["Value (yuan)"] == 300000000
    assert data[0]["Illustrative"] == "no"

    response = client.get(LIST, {"_export": "xlsx", "edition": "14"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    rows = list(sheet.values)
    assert rows[0][1] == "Title"
    assert len(rows) == 3
    assert rows[1][3] == 300000000


def test_cents_are_kept_in_exports(client):
    ProjectFactory(value=Decimal("1234.56"))
    rows = csv_rows(client.get(LIST, {"_export": "csv"}))
    assert rows[0]["Value (yuan)"] == "1234.56"


def test_export_links_carry_the_current_view(client, three_projects):
    response = client.get(LIST, {"edition": "14", "sort": "title", "page": "1"})
    assertContains(response, "?edition=14&amp;sort=title&amp;_export=csv")
