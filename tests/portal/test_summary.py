from decimal import Decimal

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from core.vocabulary import Basis, Qualifier, Stage
from portal.summary import edition_summary
from projects.models import Scope
from tests.factories import (
    EditionFactory,
    ProjectFactory,
    ReportedBandFactory,
    ReportedFigureFactory,
    SectorFactory,
    SourceFactory,
    standard_metric,
)

pytestmark = pytest.mark.django_db

MILLION = Decimal(10) ** 6


@pytest.fixture
def edition():
    edition = EditionFactory(number=14, year=2023)
    energy = SectorFactory(slug="energy", name_en="Energy")
    farming = SectorFactory(slug="farming", name_en="Farming")
    for value in (10, 20, 70):  # under 100 million
        ProjectFactory(edition=edition, sector=farming, value=value * MILLION)
    for value in (100, 400):  # 100-500 million
        ProjectFactory(edition=edition, sector=energy, value=value * MILLION, scope=Scope.INTERNATIONAL, partner="RU")
    ProjectFactory(
        edition=edition, sector=energy, value=2000 * MILLION, scope=Scope.INTERNATIONAL, partner="JP", title="Big one"
    )  # 1-5 billion
    return edition


def rows_by_label(rows):
    return {row.label: (row.count, row.total) for row in rows}


def test_band_table_counts_totals_and_shares(edition):
    summary = edition_summary(edition=edition)
    assert [(row.label, row.count, row.total) for row in summary.bands] == [
        ("under 100 million yuan", 3, 100 * MILLION),
        ("100–500 million yuan", 2, 500 * MILLION),
        ("500 million–1 billion yuan", 0, 0),
        ("1–5 billion yuan", 1, 2000 * MILLION),
        ("5 billion yuan and over", 0, 0),
    ]
    assert summary.recorded_count == 6
    assert summary.recorded_value == 2600 * MILLION
    assert summary.bands[0].share_count == Decimal("50.0")
    assert summary.bands[3].share_value == Decimal("76.9")


def test_band_table_on_the_page_with_total_and_links(client, edition):
    response = client.get(edition.get_absolute_url())
    assertContains(
        response, '<a href="/en/projects/?edition=14&amp;band=under-100m">under 100 million yuan</a>', html=True
    )
    assertContains(response, "2.6 billion yuan")
    assertContains(response, '<td class="number">6</td>', html=True)
    assertContains(response, "50.0%")
    assertContains(response, "76.9%")


def test_breakdowns_by_sector_scope_and_partner_link_to_the_projects(client, edition):
    summary = edition_summary(edition=edition)
    assert rows_by_label(summary.by_sector) == {"Energy": (3, 2500 * MILLION), "Farming": (3, 100 * MILLION)}
    assert rows_by_label(summary.by_scope) == {"international": (3, 2500 * MILLION), "domestic": (3, 100 * MILLION)}
    assert rows_by_label(summary.by_partner) == {"Japan": (1, 2000 * MILLION), "Russia": (2, 500 * MILLION)}
    response = client.get(edition.get_absolute_url())
    assertContains(response, "/en/projects/?edition=14&amp;sector=farming")
    assertContains(response, "/en/projects/?edition=14&amp;scope=international")
    assertContains(response, "/en/projects/?edition=14&amp;partner=RU")


def test_largest_projects_come_first(client, edition):
    summary = edition_summary(edition=edition)
    assert summary.largest[0].title == "Big one"
    assert [project.value for project in summary.largest] == sorted(
        (project.value for project in summary.largest), reverse=True
    )
    assertContains(client.get(edition.get_absolute_url()), "Big one")


def test_figures_with_qualifiers_and_sources_on_the_page(client, edition):
    source = SourceFactory(
        title="Expo closes",
        publisher="Xinhua",
        url="https://news.example.org/closing-14.html",
        published_on="2023-08-28",
    )
    ReportedFigureFactory(
        edition=edition,
        metric=standard_metric("participants"),
        value=Decimal("20000"),
        qualifier=Qualifier.MORE_THAN,
        sources=[source],
    )
    response = client.get(edition.get_absolute_url())
    assertContains(response, "over 20,000")
    assertContains(response, 'href="https://news.example.org/closing-14.html"')
    assertContains(response, "Xinhua")
    assertContains(response, "2023-08-28")
    assertContains(response, "Expo closes")


def test_closing_figure_is_preferred_and_other_stages_are_named(client, edition):
    participants = standard_metric("participants")
    ReportedFigureFactory(edition=edition, metric=participants, value=Decimal("15000"), stage=Stage.OPENING)
    ReportedFigureFactory(edition=edition, metric=participants, value=Decimal("21000"), stage=Stage.CLOSING)
    ReportedFigureFactory(
        edition=edition, metric=standard_metric("visits"), value=Decimal("90000"), stage=Stage.PRE_EVENT
    )
    response = client.get(edition.get_absolute_url())
    assertContains(response, "21,000")
    # The opening figure is not the headline, but it can still be reached.
    assertContains(response, "Also reported: 15,000 participants at the opening or during the expo")
    assertContains(response, "90,000")
    assertContains(response, "as reported at the pre-event stage", count=1)


def test_reported_vs_recorded_equal(client, edition):
    ReportedFigureFactory(edition=edition, metric=standard_metric("projects_signed"), value=Decimal(6))
    ReportedFigureFactory(edition=edition, metric=standard_metric("signed_value"), value=2600 * MILLION)
    summary = edition_summary(edition=edition)
    assert [comparison.difference for comparison in summary.comparisons] == [0, 0]
    response = client.get(edition.get_absolute_url())
    assertContains(response, '<td class="number">equal</td>', count=2, html=True)
    assertContains(response, "100.0%", count=2)


def test_reported_vs_recorded_shows_the_difference(client, edition):
    ReportedFigureFactory(
        edition=edition, metric=standard_metric("projects_signed"), value=Decimal(10), qualifier=Qualifier.MORE_THAN
    )
    ReportedFigureFactory(edition=edition, metric=standard_metric("signed_value"), value=3000 * MILLION)
    summary = edition_summary(edition=edition)
    assert [comparison.difference for comparison in summary.comparisons] == [-4, -400 * MILLION]
    response = client.get(edition.get_absolute_url())
    assertContains(response, "over 10")
    assertContains(response, "4 fewer recorded")
    assertContains(response, "400 million yuan fewer recorded")
    assertContains(response, "60.0%")  # 6 of 10
    assertContains(response, "86.7%")  # 2.6 of 3 billion


def test_reported_vs_recorded_without_published_figures(client, edition):
    response = client.get(edition.get_absolute_url())
    assertContains(response, "not published", count=2)


def test_published_nested_bands_beside_recorded_in_the_same_edges(client, edition):
    source = SourceFactory(url="https://news.example.org/bands.html")
    ReportedBandFactory(
        edition=edition, lower_yuan=100 * MILLION, upper_yuan=None, count=3, is_nested=True, sources=[source]
    )
    ReportedBandFactory(
        edition=edition, lower_yuan=1000 * MILLION, upper_yuan=None, count=2, is_nested=True, sources=[source]
    )
    summary = edition_summary(edition=edition)
    assert [(row.band.count, row.recorded_count, row.difference) for row in summary.published_bands] == [
        (3, 3, 0),
        (2, 1, -1),
    ]
    assert summary.published_bands_nested
    response = client.get(edition.get_absolute_url())
    # Worded as the release words "超1亿元": over, never "and over" or "to under".
    assertContains(response, "over 100 million yuan")
    assertContains(response, "over 1 billion yuan")
    assertContains(response, "nested counts")
    assertContains(response, "https://news.example.org/bands.html")
    assertContains(response, "/en/projects/?edition=14&amp;value_min=1000000000")


def test_published_exclusive_bands_count_within_both_edges(edition):
    ReportedBandFactory(edition=edition, lower_yuan=0, upper_yuan=100 * MILLION, count=3)
    ReportedBandFactory(edition=edition, lower_yuan=100 * MILLION, upper_yuan=500 * MILLION, count=2)
    ProjectFactory(edition=edition, value=500 * MILLION)  # on the upper edge: outside
    summary = edition_summary(edition=edition)
    assert [(row.label, row.recorded_count, row.difference) for row in summary.published_bands] == [
        ("under 100 million yuan", 3, 0),
        ("over 100 million yuan", 2, 0),
    ]
    assert not summary.published_bands_nested


def test_edition_without_projects_says_so(client):
    edition = EditionFactory()
    response = client.get(edition.get_absolute_url())
    assert response.status_code == 200
    assertContains(response, "No projects have been recorded for this edition yet.")
    assertNotContains(response, "Projects by value")


def test_previous_and_next_skip_drafts(client):
    EditionFactory(number=11)
    EditionFactory(number=12, draft=True)
    middle = EditionFactory(number=13)
    EditionFactory(number=14, draft=True)
    EditionFactory(number=15)
    response = client.get(middle.get_absolute_url())
    assertContains(response, 'href="/en/editions/11/" rel="prev"')
    assertContains(response, 'href="/en/editions/15/" rel="next"')
    assertNotContains(response, "/en/editions/12/")


def test_summary_leaves_out_other_editions(edition):
    ProjectFactory(edition=EditionFactory(number=15), value=9000 * MILLION)
    assert edition_summary(edition=edition).recorded_count == 6


def test_illustrative_projects_are_marked_in_the_largest_list(client):
    project = ProjectFactory(is_illustrative=True, title="Made-up mill")
    assertContains(
        client.get(project.edition.get_absolute_url()),
        'Made-up mill</a> <span class="illustrative-badge">illustrative</span>',
    )


@pytest.mark.parametrize("count", [5, 50])
def test_summary_runs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, django_assert_num_queries, count
):
    edition = EditionFactory()
    sectors = SectorFactory.create_batch(4)
    for index in range(count):
        ProjectFactory(
            edition=edition,
            sector=sectors[index % 4],
            value=(index + 1) * 37 * MILLION,
            scope=Scope.INTERNATIONAL,
            partner=["RU", "JP", "KR", "MN", "DE"][index % 5],
        )
    for code in ("participants", "projects_signed", "signed_value"):
        ReportedFigureFactory(edition=edition, metric=standard_metric(code), value=Decimal(count))
    ReportedBandFactory(edition=edition, lower_yuan=100 * MILLION, upper_yuan=None, count=3, is_nested=True)
    with django_assert_max_num_queries(14):
        response = client.get(edition.get_absolute_url())
    assert response.status_code == 200
    assert reverse("projects:list") in response.content.decode()
    with django_assert_num_queries(1):  # the data token with the draft list, then the page from the cache
        again = client.get(edition.get_absolute_url())
    assert again.content == response.content


def test_published_band_with_the_sites_edges_links_to_that_band(client, edition):
    ReportedBandFactory(edition=edition, lower_yuan=100 * MILLION, upper_yuan=500 * MILLION, count=2)
    ReportedBandFactory(edition=edition, lower_yuan=5000 * MILLION, upper_yuan=None, count=0)
    summary = edition_summary(edition=edition)
    assert [row.query for row in summary.published_bands] == ["edition=14&band=100m-500m", "edition=14&band=5b-plus"]


def _signed(edition, count, value, *, basis="", qualifier=Qualifier.EXACT, stage=Stage.CLOSING):
    ReportedFigureFactory(edition=edition, metric=standard_metric("projects_signed"), value=Decimal(count), stage=stage)
    ReportedFigureFactory(
        edition=edition,
        metric=standard_metric("signed_value"),
        value=Decimal(value),
        qualifier=qualifier,
        basis=basis,
        stage=stage,
    )


def test_summary_opens_with_what_was_signed_and_the_change_like_for_like(client, edition):
    _signed(EditionFactory(number=13, year=2021), 111, 79 * 10**9, basis=Basis.INVESTMENT_ATTRACTED)
    _signed(edition, 99, 84_475_000_000, basis=Basis.INVESTMENT_ATTRACTED)
    response = client.get(edition.get_absolute_url())
    assertContains(
        response,
        '<div class="summary-lead"><p>99 projects worth 84.475 billion yuan of investment attracted were signed at the '
        "14th edition (2023).</p><p>Compared with the 13th edition (2021): projects signed −12 (−10.8%); total signed "
        "value +5.475 billion yuan (+6.9%).</p></div>",
        html=True,
    )


def test_summary_never_gives_a_change_between_unlike_bases(client, edition):
    _signed(
        EditionFactory(number=13, year=2021),
        111,
        196_200_000_000,
        basis=Basis.TOTAL_INVESTMENT,
        qualifier=Qualifier.MORE_THAN,
    )
    _signed(edition, 99, 84_475_000_000, basis=Basis.INVESTMENT_ATTRACTED)
    lead = edition_summary(edition=edition).lead
    assert lead[1].startswith("Compared with the 13th edition (2021): projects signed −12 (−10.8%); total signed ")
    assert "over 196.2 billion yuan, then 84.475 billion yuan (not like for like: " in lead[1]
    assert "−111" not in lead[1] and "%)." not in lead[1]


def test_summary_in_chinese_says_it_in_chinese(client, edition):
    _signed(EditionFactory(number=13, year=2021), 111, 79 * 10**9, basis=Basis.INVESTMENT_ATTRACTED)
    _signed(edition, 99, 84_475_000_000, basis=Basis.INVESTMENT_ATTRACTED)
    response = client.get("/zh-hans/editions/14/")
    assertContains(response, "第十四届（2023年）签约项目99个，金额844.75亿元（引资额）。")
    assertContains(response, "与第十三届（2021年）相比：签约项目−12（−10.8%）；签约总额+54.75亿元（+6.9%）。")


def test_summary_of_an_edition_without_results_says_so(client):
    edition = EditionFactory(number=15, year=2025)
    ReportedFigureFactory(edition=edition, metric=standard_metric("participants"), stage=Stage.PRE_EVENT)
    response = client.get(edition.get_absolute_url())
    assertContains(
        response,
        "The results of the 15th edition (2025) are not yet published: its figures below were reported before or "
        "during the expo.",
    )
    assertNotContains(response, "Compared with")


def test_prev_and_next_name_the_editions_and_link_to_the_pair_pages(client):
    EditionFactory(number=13, year=2021)
    middle = EditionFactory(number=14, year=2023)
    EditionFactory(number=15, year=2025)
    response = client.get(middle.get_absolute_url())
    assertContains(response, '<a href="/en/editions/13/" rel="prev">← 13th edition (2021)</a>', html=True)
    assertContains(response, '<a href="/en/editions/15/" rel="next">15th edition (2025) →</a>', html=True)
    assertContains(response, '<a href="/en/compare/13/14/">Compare with the 13th</a>', html=True)
    assertContains(response, '<a href="/en/compare/14/15/">Compare with the 15th</a>', html=True)


def test_headline_figures_are_compact_with_their_notes_folded(client, edition):
    ReportedFigureFactory(
        edition=edition,
        metric=standard_metric("participants"),
        value=Decimal(20000),
        qualifier=Qualifier.MORE_THAN,
        public_note_en="Offline merchants.",
    )
    response = client.get(edition.get_absolute_url())
    content = response.content.decode()
    assertContains(response, '<span class="value">over 20,000</span>', html=True)
    folded = content.index('<details class="figure-notes">')
    assert content.index("Offline merchants.") > folded
    assert content.index('id="sources"') > content.index('id="largest"')  # the footnotes close the page
