"""The public page of figures for several editions, its downloads and the section on each edition's page."""

import csv
import datetime
import html
import io
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from core.vocabulary import Basis, DatePrecision, Qualifier, Stage
from tests.factories import EditionFactory, ReportedFigureFactory, SourceFactory, SpanFigureFactory, standard_metric

pytestmark = pytest.mark.django_db

PAGE = reverse("spans:index")


def text(response) -> str:
    """The page's words, without tags and with entities read: what a reader sees."""
    assert response.status_code == 200
    words = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(words))


@pytest.fixture
def statements():
    """Editions 12–14 with their project counts, a draft 15th, and the statements of several editions."""
    projects = standard_metric("projects_signed")
    for number, value in [(12, 93), (13, 111), (14, 99)]:
        ReportedFigureFactory(edition=EditionFactory(number=number), metric=projects, value=Decimal(value))
    ReportedFigureFactory(edition=EditionFactory(number=15, draft=True), metric=projects, value=Decimal("777"))
    release = SourceFactory(key="S4", publisher="Xinhua", url="https://news.example.org/cumulative.html")
    SpanFigureFactory(
        metric=projects, last_edition=12, value=Decimal("2822"), as_of=datetime.date(2021, 9, 13), sources=[release]
    )
    SpanFigureFactory(
        metric=projects,
        last_edition=13,
        value=Decimal("2900"),
        qualifier=Qualifier.MORE_THAN,
        as_of=datetime.date(2023, 8, 23),
        sources=[release],
    )
    SpanFigureFactory(
        metric=projects,
        last_edition=14,
        value=Decimal("3032"),
        as_of=datetime.date(2023, 8, 28),
        sources=[release],
        public_note_en="From 2005 to the 14th edition [S4].",
    )
    SpanFigureFactory(
        metric=standard_metric("fulfilment_rate"),
        first_edition=4,
        last_edition=9,
        value=Decimal("89.44"),
        as_of=datetime.date(2014, 12, 31),
        sources=[release],
    )
    city = {"first_edition": 12, "last_edition": 12, "region_en": "Changchun", "region_zh": "长春"}
    SpanFigureFactory(
        metric=projects, value=Decimal("15"), stage=Stage.OPENING, as_of=datetime.date(2019, 8, 25), **city
    )
    SpanFigureFactory(
        metric=standard_metric("signed_value"),
        first_edition=12,
        last_edition=12,
        region_en="Changchun",
        region_zh="长春",
        value=Decimal("11130000000"),
        basis=Basis.PLANNED_INVESTMENT,
        stage=Stage.OPENING,
        as_of=datetime.date(2019, 8, 25),
        sources=[release],
    )
    # Never public: a draft statement, and one whose last edition is a draft here.
    SpanFigureFactory(metric=projects, last_edition=11, value=Decimal("4444"), draft=True, sources=[release])
    SpanFigureFactory(metric=projects, last_edition=15, value=Decimal("5555"), sources=[release])
    # Published, reaching beyond the editions the portal has: the draft 15th's 777 must not enter its sum.
    SpanFigureFactory(
        metric=projects, last_edition=16, value=Decimal("6666"), as_of=datetime.date(2025, 9, 1), sources=[release]
    )


def test_each_statement_is_set_against_the_editions_with_the_missing_ones_named(client, statements):
    page = text(client.get(PAGE))
    assert "The 1st–11th have no figure here, so the sum, 303, covers 3 of 14 editions." in page
    assert (
        "From an earlier statement: 2,822 (1st–12th editions, stated) + 111 (13th edition) + 99 (14th edition) "
        "= 3,032, the statement reconciles exactly."
    ) in page
    # The hedge of the 1st–13th is shown, and the sum is set against it as such.
    assert "1st–13th editions Projects signed over 2,900 [1] 23 Aug 2023" in page
    assert (
        "From an earlier statement: 2,822 (1st–12th editions, stated) + 111 (13th edition) = 2,933, "
        "in line with the statement, “over 2,900”."
    ) in page
    assert "From 2005 to the 14th edition [1] ." in page
    assert 'href="https://news.example.org/cumulative.html"' in client.get(PAGE).content.decode()


def test_follow_through_rates_show_their_date_and_are_not_summed(client, statements):
    page = text(client.get(PAGE))
    assert "Follow-through rates" in page
    assert "4th–9th editions Fulfilment rate 89.44% [1] end of 2014" in page
    assert "A rate for the editions together, as of end of 2014: not a sum of editions." in page


def test_nothing_unpublished_reaches_the_page_or_a_sum(client, statements):
    page = text(client.get(PAGE))
    for hidden in ("4,444", "5,555", "777"):
        assert hidden not in page
    # The draft 15th is named among the editions without a figure, and its count is not summed.
    assert "The 1st–11th and 15th–16th have no figure here, so the sum, 303, covers 3 of 16 editions." in page
    rows = list(csv.DictReader(io.StringIO(client.get(PAGE, {"_export": "csv"}).content.decode("utf-8-sig"))))
    assert {row["value"] for row in rows} >= {"2822", "3032", "6666"}
    assert not {"4444", "5555"} & {row["value"] for row in rows}
    assert next(row for row in rows if row["value"] == "6666")["sum"] == "303"


def test_the_page_stays_within_a_few_queries(client, statements, django_assert_max_num_queries):
    # The page's own four (the spans, their sources, the editions' figures, the sources their notes cite) and
    # the data token that keys the page cache, made on a first visit.
    with django_assert_max_num_queries(11):
        client.get(PAGE)


def test_the_chinese_page_words_editions_dates_and_hedges_in_chinese(client, statements):
    page = text(client.get(reverse("spans:index").replace("/en/", "/zh-hans/")))
    assert "第一届至第十三届 签约项目 超过2900 [1] 2023年8月23日" in page
    assert "第四届至第九届 履约率 89.44% [1] 2014年底" in page
    assert "第一届至第十一届在此没有数据，因此合计303只涵盖14届中的3届。" in page


def test_the_download_gives_each_statement_and_its_reconciliation_in_plain_numbers(client, statements):
    response = client.get(PAGE, {"_export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    total = next(row for row in rows if row["last_edition"] == "14")
    assert (total["value"], total["verdict"], total["editions_summed"], total["sum"]) == (
        "3032",
        "partial",
        "12 13 14",
        "303",
    )
    assert (total["earlier_statement_sum"], total["earlier_statement_verdict"]) == ("3032", "matches")
    assert total["sources"] == "https://news.example.org/cumulative.html"
    rate = next(row for row in rows if row["metric"] == "fulfilment_rate")
    assert (rate["value"], rate["as_of"], rate["verdict"]) == ("89.44", "2014-12-31", "not_a_sum")
    chinese = client.get("/zh-hans/spans/", {"_export": "json"})
    listed = json.loads(chinese.content)
    assert next(row for row in listed if row["last_edition"] == 14)["editions"] == "第一届至第十四届"


def test_a_download_format_that_does_not_exist_is_a_clear_400(client, statements):
    response = client.get(PAGE, {"_export": "pdf"})
    assert response.status_code == 400
    assert "Downloads are CSV, XLSX or JSON" in response.content.decode()


def test_each_edition_page_lists_the_spans_that_include_it(client, statements):
    page = text(client.get(reverse("editions:detail", kwargs={"number": 14})))
    assert "1st–14th editions: Projects signed, 3,032, as of 28 Aug 2023." in page
    assert "1st–13th editions" not in page  # it does not include the 14th
    twelfth = text(client.get(reverse("editions:detail", kwargs={"number": 12})))
    assert (
        "Reported for one city: Changchun, 12th edition: Projects signed 15; Total signed value 11.13 billion yuan "
        "(planned investment), as of 25 Aug 2019."
    ) in twelfth
    chinese = text(client.get("/zh-hans/editions/12/"))
    assert (
        "单个城市的数据：长春，第十二届：签约项目15；签约总额111.3亿元（计划投资金额），截至2019年8月25日。" in chinese
    )


def test_a_year_only_date_is_shown_as_the_year(client):
    EditionFactory(number=8)
    SpanFigureFactory(
        metric=standard_metric("contract_projects"),
        last_edition=8,
        value=Decimal("1838"),
        as_of=datetime.date(2013, 1, 1),
        as_of_precision=DatePrecision.YEAR,
    )
    assert "1st–8th editions Contract projects 1,838 [1] 2013 No edition of the span" in text(client.get(PAGE))


def test_the_comparison_pages_never_use_a_span_as_an_editions_figure(client, statements):
    for url in (reverse("comparisons:index"), reverse("comparisons:pair", kwargs={"a": 13, "b": 14})):
        page = text(client.get(url))
        assert "3,032" not in page and "2,822" not in page and "89.44%" not in page
