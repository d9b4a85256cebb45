import csv
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from core.vocabulary import Qualifier, Stage
from tests.factories import EditionFactory, ProjectFactory, ReportedFigureFactory, SourceFactory, standard_metric

pytestmark = pytest.mark.django_db

LIST = reverse("editions:list")


def numbers(response) -> list[int]:
    return [row.record.number for row in response.context["table"].paginated_rows]


def csv_rows(response) -> list[dict]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def editions():
    participants = standard_metric("participants")
    signed_value = standard_metric("signed_value")
    older = EditionFactory(number=12, year=2019, city="Changchun")
    newer = EditionFactory(number=13, year=2022, city="Harbin")
    # 9,000 < 20,000: a text sort would put "9,000" last.
    ReportedFigureFactory(edition=older, metric=participants, value=Decimal("20000"), qualifier=Qualifier.MORE_THAN)
    ReportedFigureFactory(edition=newer, metric=participants, value=Decimal("9000"), qualifier=Qualifier.ABOUT)
    ReportedFigureFactory(edition=older, metric=signed_value, value=Decimal("84475000000"))
    ReportedFigureFactory(
        edition=newer,
        metric=signed_value,
        value=Decimal("60000000000"),
        stage=Stage.OPENING,
        qualifier=Qualifier.NEARLY,
    )
    ProjectFactory.create_batch(2, edition=older, value=Decimal("1000000000"))
    return older, newer


# The table


def test_list_shows_main_figures_with_qualifiers(client, editions):
    response = client.get(LIST)
    assertContains(response, "over 20,000")
    assertContains(response, "about 9,000")
    assertContains(response, "84.475 billion yuan")
    assertContains(response, 'nearly 60 billion yuan <span class="stage">(opening)</span>', html=True)
    assertContains(response, "<caption>")
    assertContains(response, '<a href="/en/editions/12/">12th</a>', html=True)


def test_list_shows_recorded_projects(client, editions):
    response = client.get(LIST)
    row = next(row for row in response.context["table"].paginated_rows if row.record.number == 12)
    assert row.record.recorded_count == 2
    assert row.record.recorded_value == Decimal("2000000000")
    assertContains(response, "2 billion yuan")


def test_newest_edition_comes_first(client, editions):
    response = client.get(LIST)
    assert numbers(response) == [13, 12]
    assertContains(response, 'aria-sort="descending"')


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("participants", [13, 12]),  # 9,000 before 20,000: numeric, not text
        ("-participants", [12, 13]),
        ("signed_value", [13, 12]),
        ("number", [12, 13]),
        ("-year", [13, 12]),
        ("city", [12, 13]),
        ("-recorded_count", [12, 13]),
        ("recorded_value", [12, 13]),  # editions without projects sort last
        ("no-such-column", [13, 12]),
    ],
)
def test_every_column_sorts(client, editions, sort, expected):
    response = client.get(LIST, {"sort": sort})
    assert response.status_code == 200
    assert numbers(response) == expected


def test_every_visible_column_is_sortable(client, editions):
    table = client.get(LIST).context["table"]
    assert all(column.orderable for column in table.columns if column.visible)


def test_csv_export_has_plain_numbers_and_human_headers(client, editions):
    rows = csv_rows(client.get(LIST, {"_export": "csv", "sort": "number"}))
    assert len(rows) == 2
    first = rows[0]
    assert first["Edition"] == "12"
    assert first["Year"] == "2019"
    assert first["Opened"] == "2019-08-23"
    assert first["Participants"] == "20000"
    assert first["Participants: qualifier"] == "over"
    assert first["Participants: stage"] == "closing"
    assert first["Total signed value (yuan)"] == "84475000000"
    assert first["Recorded projects"] == "2"
    assert first["Recorded project value (yuan)"] == "2000000000"
    assert rows[1]["Total signed value: stage"] == "opening"


def test_json_and_xlsx_exports(client, editions):
    data = json.loads(client.get(LIST, {"_export": "json"}).content)
    assert [row["Edition"] for row in data] == [13, 12]
    assert data[1]["Participants"] == 20000
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(LIST, {"_export": "xlsx"}).content)).active
    rows = list(sheet.values)
    assert len(rows) == 3
    assert rows[0][0] == "Edition"


def test_export_links_on_the_page(client, editions):
    assertContains(client.get(LIST, {"sort": "city"}), "?sort=city&amp;_export=csv")


# Drafts and 404s


def test_draft_edition_appears_in_no_table_or_export(client, editions):
    draft = EditionFactory(number=15, year=2024, city="Secret City", draft=True)
    ReportedFigureFactory(edition=draft, metric=standard_metric("participants"), value=Decimal("77777"))
    response = client.get(LIST)
    assertNotContains(response, "Secret City")
    assertNotContains(response, "77,777")
    assert 15 not in numbers(response)
    assert "Secret City" not in client.get(LIST, {"_export": "csv"}).content.decode()
    assert "Secret City" not in client.get(LIST, {"_export": "json"}).content.decode()
    home = client.get(reverse("home"))
    assertNotContains(home, "Secret City")
    assertNotContains(home, "77,777")
    assertNotContains(home, "/en/editions/15/")


def test_draft_edition_page_is_404(client):
    assert client.get(EditionFactory(draft=True).get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    "path", ["/en/editions/999/", "/en/editions/0/", "/en/editions/99999999999999999999/", "/en/editions/x/"]
)
def test_unknown_edition_is_404(client, path):
    assert client.get(path).status_code == 404


# Home


def test_home_shows_latest_figures_with_sources_and_the_trend(client, editions):
    older, newer = editions
    source = SourceFactory(publisher="Jilin Daily", url="https://news.example.org/13-closing.html")
    ReportedFigureFactory(
        edition=newer, metric=standard_metric("exhibitors"), value=Decimal("1500"), qualifier=Qualifier.AT_LEAST,
        sources=[source],
    )  # fmt: skip
    response = client.get(reverse("home"))
    assertContains(response, "Latest results: the 13th edition (2022)")
    assertContains(response, "at least 1,500")
    assertContains(response, "https://news.example.org/13-closing.html")
    assertContains(response, "Jilin Daily")
    assertContains(response, "as reported at the opening stage")
    # The trend table carries every edition's main figures.
    assertContains(response, "over 20,000")
    assertContains(response, "<svg", count=3)  # participants, exhibitors, signed value
    assertContains(response, "<title>12th (2019): over 20,000</title>", html=True)
    assertContains(response, reverse("editions:list"))
    assertContains(response, reverse("projects:list"))


def test_home_without_editions_says_so(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assertContains(response, "No edition has been published yet.")


# Query counts


@pytest.mark.parametrize("count", [5, 50])
def test_pages_run_a_fixed_number_of_queries(client, django_assert_max_num_queries, django_assert_num_queries, count):
    participants = standard_metric("participants")
    for number in range(1, count + 1):
        edition = EditionFactory(number=number, year=1990 + number)
        ReportedFigureFactory(edition=edition, metric=participants, value=Decimal(number * 1000))
        ProjectFactory(edition=edition)
    # 7: the recorded counts are read once per change to an edition's projects (the cache is empty here),
    # in one query for every edition missing from the cache, then cached edition by edition.
    with django_assert_max_num_queries(7):
        assert client.get(LIST).status_code == 200
    with django_assert_max_num_queries(8):  # and one to find the latest edition with results
        assert client.get(reverse("home")).status_code == 200
    # Then the whole page comes from the cache: the data token with the draft list is all that is read.
    with django_assert_num_queries(1):
        assert client.get(LIST).status_code == 200
    with django_assert_num_queries(1):
        assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize("export_format", ["csv", "xlsx", "json"])
def test_an_edition_without_dates_exports_with_empty_dates(client, export_format):
    EditionFactory(number=8, year=2012, start_date=None, end_date=None)
    response = client.get("/en/editions/", {"_export": export_format})
    assert response.status_code == 200
    if export_format == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        header, row = rows[0], rows[1]
        assert row[header.index("Closed")] == ""
