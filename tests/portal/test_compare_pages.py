"""/en/compare/ and /compare/<a>/<b>/: figures, changes, growth, side by side, exports and bad input."""

import csv
import io
import json
import re
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from core.vocabulary import Qualifier, Stage
from portal.comparison.exports import COLUMNS
from projects.models import Scope
from tests.factories import (
    EditionFactory,
    ProjectFactory,
    ReportedFigureFactory,
    SectorFactory,
    SourceFactory,
    standard_metric,
)

pytestmark = [
    pytest.mark.django_db,
    # whitenoise warns when collectstatic has not run; tests do not need it.
]

MILLION = Decimal(10) ** 6


@pytest.fixture
def expo():
    """Three published editions (2019, 2021, 2023) and a draft, with figures and projects worked out by hand."""
    e12 = EditionFactory(number=12, year=2019)
    e13 = EditionFactory(number=13, year=2021)
    e14 = EditionFactory(number=14, year=2023)
    draft = EditionFactory(number=15, year=2025, draft=True)
    signed, participants = standard_metric("signed_value"), standard_metric("participants")
    source = SourceFactory(key="S42", url="https://news.example.org/closing-14.html")
    ReportedFigureFactory(edition=e12, metric=signed, value=Decimal("55584000000"))
    # The 13th published no signed value: it must show as missing, not zero.
    ReportedFigureFactory(edition=e14, metric=signed, value=Decimal("84475000000"), sources=[source])
    ReportedFigureFactory(edition=e12, metric=participants, value=20000, qualifier=Qualifier.MORE_THAN)
    ReportedFigureFactory(edition=e13, metric=participants, value=25000, qualifier=Qualifier.MORE_THAN)
    ReportedFigureFactory(edition=e14, metric=participants, value=30000, stage=Stage.OPENING)
    ReportedFigureFactory(edition=draft, metric=signed, value=Decimal("99999000000"))

    energy = SectorFactory(name_en="Energy & <Power>", slug="energy")
    farming = SectorFactory(name_en="Farming", slug="farming")
    chips = SectorFactory(name_en="Chips", slug="chips")
    international = {"scope": Scope.INTERNATIONAL}
    ProjectFactory(edition=e12, sector=energy, value=100 * MILLION)
    ProjectFactory(edition=e12, sector=energy, value=300 * MILLION, partner="RU", **international)
    ProjectFactory(edition=e12, sector=farming, value=600 * MILLION, partner="KZ", **international)
    ProjectFactory(edition=e14, sector=energy, value=200 * MILLION)
    ProjectFactory(edition=e14, sector=energy, value=400 * MILLION, partner="RU", **international)
    ProjectFactory(edition=e14, sector=chips, value=2000 * MILLION, partner="JP", is_illustrative=True, **international)
    ProjectFactory(edition=e14, sector=farming, value=50 * MILLION)
    ProjectFactory(edition=draft, sector=chips, value=7000 * MILLION)
    return {"e12": e12, "e13": e13, "e14": e14, "draft": draft}


def compare_url(**query):
    url = reverse("comparisons:index")
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def test_index_shows_every_published_edition_with_figures_and_growth(client, expo):
    response = client.get(compare_url(view="matrix"))
    assert response.status_code == 200
    for label in ("12th", "13th", "14th", "55.584 billion yuan", "84.475 billion yuan", "over 20,000", "over 25,000"):
        assertContains(response, label)
    # 55,584,000,000 -> 84,475,000,000 over 2019 -> 2023: 11.03 % a year.
    assertContains(response, "+11.0% a year")
    assertContains(response, "https://news.example.org/closing-14.html")
    assertContains(response, "(opening)")  # the 14th's participants are an opening figure
    # Growth a year names each row's own first and last edition; no header claims a span.
    assertContains(response, '+11.0% a year <span class="gap">12th (2019) → 14th (2023)</span>', html=False)
    assertNotContains(response, "Growth a year, 2019–2023")


def test_draft_edition_is_absent_from_index_and_exports(client, expo):
    response = client.get(compare_url())
    assertNotContains(response, "15th")
    assertNotContains(response, "99.999 billion")
    assertNotContains(response, "7 billion")
    for file_format in ("csv", "json"):
        body = client.get(compare_url(_export=file_format)).content.decode()
        assert "15th" not in body and "99999000000" not in body


def test_approximate_change_is_never_a_precise_percentage(client, expo):
    response = client.get(compare_url())
    # over 20,000 -> over 25,000 (2019 -> 2021), then to an opening-day 30,000 (2023)
    assertContains(response, "≈ +5,000 (≈ +25.0%)")
    assertContains(response, "≈: both figures are hedged (over)")
    assertContains(response, "≈ +5,000 (≈ +20.0%)")
    assertContains(response, "≈: over against exactly; closing against opening")
    assert not re.search(r"(?<!≈ )[+−]2[05]\.0%", response.content.decode())


def test_missing_figure_shows_as_missing_not_zero(client, expo):
    response = client.get(compare_url(view="matrix"))
    assertContains(response, "not reported")
    assertContains(response, "change n/a")
    signed_row = response.content.decode().split('<th scope="row">Total signed value')[1].split("</tr>")[0]
    assert signed_row.count('<span class="missing"') == 1 and "0 yuan" not in signed_row
    # The 13th recorded no projects: its computed figures are missing too, not zero.
    table = client.get(compare_url(_export="json")).json()
    count_13 = next(row for row in table if row["row"] == "projects:count" and row["year"] == 2021)
    assert count_13["value"] is None
    assert count_13["comparable"] is None  # nothing to compare


def test_figures_computed_from_recorded_projects(client, expo):
    response = client.get(compare_url(view="matrix"))
    # 12th: 3 projects, 1 billion yuan, average 333.333 million, median 300 million, 2 of 3 international.
    # 14th: 4 projects, 2.65 billion yuan, average 662.5 million, median (200 + 400) / 2 = 300 million, 2 of 4.
    for text in (
        "1 billion yuan",
        "2.65 billion yuan",
        "333.333 million yuan",
        "662.5 million yuan",
        "300 million yuan",
    ):
        assertContains(response, text)
    assertContains(response, "66.7%")
    assertContains(response, "50%")
    assertContains(response, "illustrative")
    # Sector names are escaped, and link to the filtered projects list.
    assertContains(response, "Energy &amp; &lt;Power&gt;")
    assertNotContains(response, "<Power>")
    assertContains(response, "/en/projects/?edition=14&amp;sector=energy")


def test_range_and_metric_in_the_url(client, expo):
    response = client.get(compare_url(**{"from": 13, "to": 14, "metric": "participants"}))
    assert response.status_code == 200
    assertNotContains(response, "55.584 billion yuan")
    assertContains(response, "13th (2021) → 14th (2023)")
    assertContains(response, '<option value="participants" selected>')


def test_pair_lists_metrics_sectors_bands_and_partners(client, expo):
    response = client.get(reverse("comparisons:pair", kwargs={"a": 12, "b": 14}))
    assert response.status_code == 200
    assertContains(response, "+28.891 billion yuan (+52.0%)")
    assertContains(response, "in 4 years")
    assertContains(response, "4 years apart")
    content = response.content.decode()
    # Partners: Japan new, Russia kept, Kazakhstan gone.
    new, kept, gone = (content.index(f"<h3>{text}") for text in ("New in the 14th", "In both", "In the 12th only"))
    assert new < content.index("Japan") < kept < content.index("Russia") < gone < content.index("Kazakhstan")
    # Sectors: Chips is new; bands side by side.
    assertContains(response, "<strong>new</strong>", html=False)
    assertContains(response, "100–500 million yuan")
    assertContains(response, "5 billion yuan and over")
    # Like for like: sectors in both (Energy, Farming), domestic or partners in both (Russia):
    # 100 + 300 = 400 million -> 200 + 400 + 50 = 650 million: +250 million (+62.5%).
    assertContains(response, "Like for like")
    assertContains(response, "+250 million yuan (+62.5%)")


def test_pair_in_reverse_order_redirects_to_the_earlier_first(client, expo):
    response = client.get(reverse("comparisons:pair", kwargs={"a": 14, "b": 12}))
    assert response.status_code == 302
    assert response["Location"] == reverse("comparisons:pair", kwargs={"a": 12, "b": 14})


def test_pair_picker_redirects(client, expo):
    response = client.get(compare_url(a=12, b=13))
    assert response.status_code == 302
    assert response["Location"] == reverse("comparisons:pair", kwargs={"a": 12, "b": 13})


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/en/compare/12/99/", 404, "There is no published edition number 99."),
        ("/en/compare/12/15/", 404, "There is no published edition number 15."),  # a draft
        ("/en/compare/12/12/", 400, "Choose two different editions"),
        ("/en/compare/?from=1&to=5", 400, "No published edition lies in that range."),
        ("/en/compare/?from=14&to=12", 400, "The range starts after it ends"),
        ("/en/compare/?from=abc", 400, "“from” must be an edition number"),
        ("/en/compare/?to=-3", 400, "“to” must be an edition number"),
        ("/en/compare/?from=%C2%B2", 400, "“from” must be an edition number"),  # a superscript two
        ("/en/compare/12/99999999999999999999/", 404, "There is no published edition number 99999999999999999999."),
        ("/en/compare/?metric=nope", 400, "There is no metric “nope”."),
        ("/en/compare/?metric=<script>", 400, "There is no metric “&lt;script&gt;”."),
        ("/en/compare/?_export=pdf", 400, "Downloads are available as CSV, XLSX or JSON"),
        ("/en/compare/12/14/?_export=pdf", 400, "Downloads are available as CSV, XLSX or JSON"),
        ("/en/compare/?a=12&b=x", 400, "“b” must be an edition number"),
    ],
)
def test_bad_input_gets_a_clear_message(client, expo, url, status, message):
    response = client.get(url)
    assert response.status_code == status
    assertContains(response, message, status_code=status)


def test_no_published_editions_is_not_an_error(client):
    EditionFactory(draft=True)
    response = client.get(compare_url())
    assert response.status_code == 200
    assertContains(response, "No edition has been published yet")


def test_csv_export_has_stable_columns_and_plain_numbers(client, expo):
    response = client.get(compare_url(_export="csv"))
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="expo-comparison-12-14.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert list(rows[0]) == COLUMNS
    assert list(rows[0])[:8] == ["section", "row", "metric", "metric_name", "unit", "edition", "year", "value"]
    signed = {row["year"]: row for row in rows if row["row"] == "signed_value"}
    assert signed["2019"]["value"] == "55584000000"
    assert signed["2021"]["value"] == ""  # missing, not zero
    assert signed["2023"]["growth_percent_a_year"] == "11.03"
    assert (signed["2023"]["growth_from_edition"], signed["2023"]["growth_to_edition"]) == ("12", "14")
    participants = {row["year"]: row for row in rows if row["row"] == "participants"}
    assert participants["2021"]["qualifier"] == "more_than"
    assert participants["2021"]["previous_qualifier"] == "more_than"
    assert participants["2021"]["change"] == "5000"
    assert (participants["2021"]["comparable"], participants["2021"]["approximate"]) == ("True", "True")
    assert participants["2021"]["reason"] == "≈: both figures are hedged (over)"


def test_json_and_xlsx_exports(client, expo):
    data = client.get(compare_url(_export="json")).json()
    total_14 = next(row for row in data if row["row"] == "projects:total" and row["year"] == 2023)
    assert total_14["value"] == 2650000000
    assert total_14["change"] is None  # the 13th recorded no projects
    response = client.get(compare_url(_export="xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    assert header == COLUMNS
    values = {(row[1], row[6]): row[7] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values[("signed_value", 2023)] == 84475000000


def test_pair_export(client, expo):
    data = json.loads(client.get("/en/compare/12/14/?_export=json").content)
    assert {row["year"] for row in data} == {2019, 2023}


def _editions_with_projects(count: int, projects_each: int):
    signed = standard_metric("signed_value")
    sectors = [SectorFactory() for _ in range(3)]
    for index in range(count):
        edition = EditionFactory(number=40 + index, year=2005 + 2 * index)
        ReportedFigureFactory(edition=edition, metric=signed, value=(index + 1) * 1000)
        for number in range(projects_each):
            ProjectFactory(
                edition=edition,
                sector=sectors[number % 3],
                value=(number + 1) * 10 * MILLION,
                **({"scope": Scope.INTERNATIONAL, "partner": "RU"} if number % 2 else {}),
            )


@pytest.mark.parametrize(("editions", "projects_each"), [(2, 3), (6, 12)])
def test_query_count_does_not_grow_with_editions_or_projects(
    client, django_assert_max_num_queries, django_assert_num_queries, editions, projects_each
):
    _editions_with_projects(editions, projects_each)
    # A first visit renders the page (one of its queries is the page cache's draft list; three find the latest
    # edition with results and compare its published figures with the one before) ...
    with django_assert_max_num_queries(13):
        assert client.get(compare_url()).status_code == 200
    with django_assert_max_num_queries(13):
        assert client.get(compare_url(view="matrix")).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(compare_url(_export="csv")).status_code == 200
    with django_assert_max_num_queries(11):
        assert client.get(reverse("comparisons:pair", kwargs={"a": 40, "b": 41})).status_code == 200
    # ... and the next reads the data token with the draft list (one query), then the whole page from the cache.
    with django_assert_num_queries(1):
        assert client.get(compare_url()).status_code == 200
    with django_assert_num_queries(1):
        assert client.get(reverse("comparisons:pair", kwargs={"a": 40, "b": 41})).status_code == 200


def test_a_new_portal_with_projects_but_no_reported_figures_still_compares(client):
    from editions.models import Metric

    Metric.objects.all().delete()
    ProjectFactory(edition=EditionFactory(number=1, year=2005))
    ProjectFactory(edition=EditionFactory(number=2, year=2006))
    assert client.get("/en/compare/").status_code == 200


def _row(html: str, label: str) -> str:
    """The cells of the table row headed `label`, as text."""
    row = html.split(f'<th scope="row">{label} ')[1].split("</tr>")[0]
    return " ".join(re.sub(r"<[^>]+>", " ", row).split())


def test_default_view_answers_how_the_latest_results_compare_with_the_one_before(client, expo):
    future = EditionFactory(number=16, year=2027)  # published, with a plan only: no results yet
    ReportedFigureFactory(edition=future, metric=standard_metric("participants"), value=50000, stage=Stage.PRE_EVENT)
    ReportedFigureFactory(edition=expo["e13"], metric=standard_metric("signed_value"), value=Decimal("70000000000"))
    response = client.get(compare_url())
    html = response.content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert (
        "The latest results, the 14th edition (2023). Compared with the 13th edition (2021): total signed value "
        "+14.475 billion yuan (+20.7%). The 13th and the 14th side by side"
    ) in text
    assertContains(response, '<a href="/en/compare/13/14/">The 13th and the 14th side by side</a>', html=True)
    # The side-by-side picker starts at the two latest editions with results, and the range ends at the latest.
    pickers = {name: html.split(f'name="{name}"')[1].split("</select>")[0] for name in ("a", "b", "to")}
    assert '<option value="13" selected>' in pickers["a"] and '<option value="14" selected>' in pickers["b"]
    assert '<option value="14" selected>' in pickers["to"] and "selected" not in pickers["to"].split('"16"')[1]
    # The chart comes first, then each metric from its first to its last figure.
    assert html.index('id="chart-metric"') < html.index('id="spans-caption"')
    assert _row(html, "Total signed value") == (
        # Sources are numbered as the page first cites them: the chart's (participants) come first.
        "(yuan) 55.584 billion yuan [4] 12th (2019) 84.475 billion yuan [5] 14th (2023) "
        "+28.891 billion yuan +52.0% 4 years +11.0% a year yes"
    )
    assert "50,000" not in _row(html, "Participants")  # the 16th's plan is outside the default range
    assertNotContains(response, 'id="chart-sectors"')  # the share charts are part of the full table's view


def test_default_view_leaves_out_metrics_without_figures_in_the_range(client, expo):
    response = client.get(compare_url(**{"from": 13, "to": 14}))
    html = response.content.decode()
    assert 'scope="row">Participants ' in html
    # The 13th has no signed value: one figure in the range gives no start and end, so it is only named.
    assert 'scope="row">Total signed value ' not in html
    assertContains(response, "Reported for one edition of the range only: Total signed value")


def test_the_full_table_is_its_own_view_in_a_labelled_scroll_region(client, expo):
    html = client.get(compare_url()).content.decode()
    assert 'class="table-container comparison-table"' not in html
    assertContains(client.get(compare_url()), '<a href="?view=matrix">Every figure, edition by edition</a>', html=True)
    matrix = client.get(compare_url(view="matrix"))
    assertContains(
        matrix,
        '<div class="table-container comparison-table" role="region" aria-labelledby="comparison-caption" '
        'tabindex="0">',
    )
    assertContains(matrix, 'id="chart-sectors"')
    bad = client.get(compare_url(view="wide"))
    assert bad.status_code == 400
    assertContains(bad, "“view” is “matrix” for every figure, edition by edition, or left out.", status_code=400)
