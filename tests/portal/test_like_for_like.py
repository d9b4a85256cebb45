"""Comparisons that do not mislead, on factory data: like for like by basis, marked approximations, reasons
in words, gaps named, definitions kept, every source listed."""

import re
from decimal import Decimal
from html import unescape

import pytest
from django.utils.html import strip_tags
from pytest_django.asserts import assertContains, assertNotContains

from core.vocabulary import Basis, Qualifier, Stage
from editions.models import Sector
from tests.factories import (
    EditionFactory,
    MetricFactory,
    ProjectFactory,
    ReportedBandFactory,
    ReportedFigureFactory,
    ReportedSectorFactory,
    SectorFactory,
    SourceFactory,
    standard_metric,
)

pytestmark = pytest.mark.django_db

YI = Decimal(10) ** 8  # 亿


def text_of(response) -> str:
    """The page as a reader sees it: tags dropped (a line break or a cell's end is a space), white space collapsed."""
    html = re.sub(r"<br>|</(td|th|li|p|h\d|caption)>", " ", response.content.decode())
    return " ".join(unescape(strip_tags(html)).split())


@pytest.fixture
def expo():
    return make_expo()


def make_expo():
    """The 8th, 12th, 13th and 14th editions (the 9th to 11th missing) with the published figures the pages compare."""
    years = {8: 2012, 12: 2019, 13: 2021, 14: 2023}
    editions = {number: EditionFactory(number=number, year=year) for number, year in years.items()}
    signed, contract = standard_metric("signed_value"), standard_metric("contract_value")
    release = {number: SourceFactory(key=f"R{number}", title=f"Closing release {number}") for number in editions}

    def figure(number, metric, value, **kwargs):
        edition, sources = editions[number], [release[number]]
        return ReportedFigureFactory(edition=edition, metric=metric, value=value, sources=sources, **kwargs)

    more = {"qualifier": Qualifier.MORE_THAN}
    contract_words = {
        "basis": Basis.CONTRACT_INVESTMENT,
        "wording_zh": "合同引资额",
        "wording_en": "contract investment",
    }
    figure(12, signed, Decimal("555.84") * YI, **contract_words)
    figure(13, signed, 1962 * YI, basis=Basis.TOTAL_INVESTMENT, wording_zh="总投资额", **more)
    figure(13, contract, 1171 * YI, basis=Basis.CONTRACT_INVESTMENT, wording_zh="合同引资额", **more)
    attracted = {"basis": Basis.INVESTMENT_ATTRACTED, "wording_zh": "引资额", "wording_en": "investment attracted"}
    figure(14, signed, Decimal("844.75") * YI, **attracted)
    countries = standard_metric("countries_regions")
    figure(8, countries, 109)
    figure(12, countries, 109)
    officials = standard_metric("senior_officials")
    figure(13, officials, 46)
    figure(14, officials, 13, definition_en="deputy-minister level and above only, attending in person")
    participants = standard_metric("participants")
    figure(13, participants, 20000, qualifier=Qualifier.MORE_THAN)
    figure(14, participants, 14000, qualifier=Qualifier.MORE_THAN, stage=Stage.PRE_EVENT)
    return editions


def pair(client, a, b, language="en"):
    response = client.get(f"/{language}/compare/{a}/{b}/")
    assert response.status_code == 200
    return response


def test_contract_investment_12th_to_13th_is_like_for_like_across_metrics(client, expo):
    text = text_of(pair(client, 12, 13))
    assert (
        "Like for like Contract investment (合同引资额): 12th 55.584 billion yuan[1] → "
        "13th over 117.1 billion yuan[2]: "
        "≈ +61.516 billion yuan (≈ +110.7%) ≈: exactly against over in 2 years "
        "Like for like: the same basis, published as the 12th’s “Total signed value” and the 13th’s “Contract value”."
    ) in text
    json_row = next(
        row for row in client.get("/en/compare/12/13/?_export=json").json()
        if row["row"] == "basis:contract_investment" and row["edition"] == 13
    )  # fmt: skip
    assert (json_row["metric"], json_row["previous_metric"]) == ("contract_value", "signed_value")
    assert (json_row["comparable"], json_row["approximate"], json_row["change_percent"]) == (True, True, 110.67)
    assert (json_row["basis"], json_row["wording"], json_row["previous_basis"]) == (
        "contract_investment", "合同引资额", "contract_investment",
    )  # fmt: skip


def test_contract_investment_line_in_chinese(client, expo):
    text = text_of(pair(client, 12, 13, "zh-hans"))
    assert "555.84亿元" in text and "超过1171亿元" in text
    assert "≈ +110.7%" in text


def test_total_investment_against_investment_attracted_gets_no_unmarked_percentage(client, expo):
    response = pair(client, 13, 14)
    text = text_of(response)
    row = text[text.index("Total signed value (yuan)") :]
    row = row[: row.index("(yuan)", len("Total signed value (yuan)"))]
    assert "over 196.2 billion yuan" in row and "84.475 billion yuan" in row
    assert "not like for like: total investment including agreements, against investment attracted" in row
    assert "%" not in row
    json_row = next(
        row for row in client.get("/en/compare/13/14/?_export=json").json()
        if row["row"] == "signed_value" and row["edition"] == 14
    )  # fmt: skip
    assert (json_row["comparable"], json_row["change"], json_row["change_percent"]) == (False, None, None)
    assert (
        json_row["reason"] == "not like for like: total investment including agreements, against investment attracted"
    )
    assert (json_row["basis"], json_row["previous_basis"]) == ("investment_attracted", "total_investment")
    assert (json_row["value"], json_row["previous_value"], json_row["previous_qualifier"]) == (
        84475000000, 196200000000, "more_than",
    )  # fmt: skip


def test_a_definition_that_differs_is_named_and_gives_no_change(client, expo):
    text = text_of(pair(client, 13, 14))
    assert "counts deputy-minister level and above only, attending in person" in text
    assert "not like for like: counted without a stated definition, against deputy-minister level and above" in text
    assert "−71.7%" not in text


def test_a_pre_event_figure_against_a_closing_one_is_marked(client, expo):
    text = text_of(pair(client, 13, 14))
    assert "≈ −6,000 (≈ −30.0%) ≈: both figures are hedged (over); closing against pre-event" in text


def test_a_change_across_a_gap_names_its_ends_and_the_missing_editions(client, expo):
    response = client.get("/en/compare/?view=matrix")
    text = text_of(response)
    assert "9th–11th not in the portal" in text  # the gap's own column
    assert "the 9th–11th are not in the portal" in text
    assert "109[2] ±0 (±0.0%) 8th (2012) → 12th (2019), 7 years; the 9th–11th are not in the portal" in text
    assert "8th → 12th" not in text
    pair_text = text_of(pair(client, 8, 12))
    assert "The 9th–11th are not in the portal." in pair_text
    # The chart draws the gap as a gap.
    assertContains(response, "9th–11th: not in the portal")


def test_growth_a_year_names_each_rows_own_span(client, expo):
    text = text_of(client.get("/en/compare/?view=matrix"))
    assert "Growth a year, from the row’s first figure to its last" in text
    assert "±0.0% a year 8th (2012) → 12th (2019)" in text
    assert "2012–2023" not in text


def test_every_cited_source_is_listed_with_its_title_and_no_reference_is_bare(client, expo):
    for url, title in (
        ("/en/compare/", "Closing release 13"),
        ("/en/compare/?view=matrix", "Closing release 13"),
        ("/en/compare/12/13/", "Closing release 13"),
        ("/en/editions/13/", "Closing release 13"),
        ("/en/", "Closing release 14"),
    ):
        response = client.get(url)
        text = text_of(response)
        numbers = {
            int(number) for number in re.findall(r'class="citation" href="#source-(\d+)"', response.content.decode())
        }
        for number in numbers:
            assertContains(response, f'<li id="source-{number}" value="{number}">')
        assert title in text, url
        assert not re.search(r"\bR1[234]\b", text), url  # the sources' references never reach a reader


def test_published_bands_show_without_projects_on_the_edition_and_the_pair_page(client, expo):
    ReportedBandFactory(edition=expo[14], lower_yuan=1 * YI, upper_yuan=5 * YI, count=59)
    ReportedBandFactory(edition=expo[14], lower_yuan=5 * YI, upper_yuan=None, count=4)
    text = text_of(client.get("/en/editions/14/"))
    assert "Value bands as the release published them" in text
    assert "over 100 million yuan 59" in text and "over 500 million yuan 4" in text
    assert "The sources do not say whether a band’s edges are included." in text
    assert "Recorded in the same edges" not in text
    pair_text = text_of(pair(client, 13, 14))
    assert "59 over 100 million yuan" in pair_text and "4 over 500 million yuan" in pair_text
    assert "The release published no value bands." in pair_text  # the 13th
    assertNotContains(pair(client, 13, 14), "Neither edition has recorded projects or published value bands")


def test_sectors_named_differently_are_one_canonical_sector_with_each_published_name(client, expo):
    healthcare = Sector.objects.get(slug="healthcare")
    ReportedSectorFactory(edition=expo[13], sector=healthcare, published_name_en="medical and elderly care")
    ReportedSectorFactory(edition=expo[14], sector=healthcare, published_name_en="healthcare")
    ProjectFactory(edition=expo[13], sector=healthcare, value=2 * YI)
    ProjectFactory(edition=expo[14], sector=healthcare, value=3 * YI)
    text = text_of(pair(client, 13, 14))
    assert (
        "Healthcare medical and elderly care healthcare 1 200 million yuan 1 300 million yuan +100 million yuan" in text
    )
    assert "kept" in text and "new" not in text.split("Sectors", 1)[1].split("Value bands")[0]


def test_the_home_charts_draw_missing_editions_as_a_gap(client, expo):
    response = client.get("/en/")
    assertContains(response, '<g class="gap"><title>9th–11th: not in the portal</title>', count=3)
    text = text_of(response)
    assert "9th–11th: not in the portal" in text  # the table under the charts has the gap as a row
    # Bars of different bases are not joined as one series.
    assertContains(response, '<line class="unlike"')


def test_an_exact_amount_reads_exactly_on_the_page_in_both_languages(client, expo):
    ReportedFigureFactory(edition=expo[14], metric=standard_metric("domestic_trade"), value=Decimal("2249310000"))
    assert "Domestic-trade deals 2.24931 billion yuan" in text_of(client.get("/en/editions/14/"))
    assert "22.4931亿元" in text_of(client.get("/zh-hans/editions/14/"))
    assertNotContains(client.get("/en/editions/14/"), "2.249 billion")


def test_the_recorded_like_for_like_line_sets_only_kinds_of_project_both_editions_have(client, expo):
    energy = Sector.objects.get(slug="new-energy")
    ProjectFactory(edition=expo[13], sector=energy, value=3 * YI, kind="contract")
    ProjectFactory(edition=expo[13], sector=energy, value=2 * YI, kind="agreement")
    ProjectFactory(edition=expo[14], sector=energy, value=4 * YI, kind="contract")
    text = text_of(pair(client, 13, 14))
    assert (
        "Recorded projects of the kinds both editions have (contract project) in the 1 sector present in both, "
        "domestic or with one of the 0 partners present in both: 300 million yuan → 400 million yuan: "
        "+100 million yuan (+33.3%) in 2 years"
    ) in text


def _more_of_everything(editions, count: int) -> None:
    """`count` more metrics with notes citing sources, bands and named sectors with projects, per edition."""
    metrics = [MetricFactory(code=f"extra_{index}") for index in range(count)]
    sectors = [SectorFactory(slug=f"extra-{index}") for index in range(count)]
    for number in (13, 14):
        edition = editions[number]
        for index in range(count):
            cited = SourceFactory(key=f"N{number}-{index}")
            ReportedFigureFactory(
                edition=edition,
                metric=metrics[index],
                value=index + 1,
                public_note_en=f"Also {index} in another report [{cited.key}].",
            )
            ReportedBandFactory(edition=edition, lower_yuan=(index + 1) * YI, upper_yuan=None, is_nested=True, count=1)
            ReportedSectorFactory(edition=edition, sector=sectors[index], published_name_en=f"extra {index}")
            ProjectFactory(edition=edition, sector=sectors[index], value=YI)


@pytest.mark.parametrize("count", [1, 6])
def test_the_comparison_and_edition_pages_run_a_fixed_number_of_queries(client, expo, count):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _more_of_everything(expo, count)
    # Measured with 1 and with 6 of everything: the same. Notes' sources, bands and named sectors are one query each;
    # the edition page's opening sentence, and the comparison's, read two editions' figures and their sources (two
    # more), and the comparison and home pages find the latest edition with results (one); the edition page also
    # reads the figures for several editions that include it (one).
    limits = {
        "/en/compare/": 12,
        "/en/compare/?view=matrix": 12,
        "/en/compare/13/14/": 11,
        "/en/editions/14/": 17,
        "/en/": 7,
    }
    for url, limit in limits.items():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert len(queries) <= limit, (url, len(queries))
