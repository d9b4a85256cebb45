"""Figures for several editions: the model's rules, the publish gate, the staff roles and the import."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from core.imports import IMPORT_FORMATS, import_error_lines
from core.vocabulary import Basis, DatePrecision, Qualifier
from editions.models import Edition, Metric, SpanFigure
from editions.span_reconciliation import Verdict, reconcile
from editions.span_resources import SpanFigureResource
from tests.factories import EditionFactory, ReportedFigureFactory, SourceFactory, SpanFigureFactory, standard_metric
from tests.projects.test_imports import csv_bytes, run_import
from tests.staff_helpers import login, role_user

pytestmark = pytest.mark.django_db

AS_OF_13TH = datetime.date(2023, 8, 23)

HEADERS = [
    "first_edition", "last_edition", "region_en", "region_zh", "metric", "value", "qualifier", "stage", "as_of",
    "basis", "wording_zh", "wording_en", "sources", "public_note_en", "public_note_zh", "research_note",
]  # fmt: skip


def test_the_two_follow_through_rates_are_metrics_in_per_cent():
    rates = Metric.objects.filter(code__in=["fulfilment_rate", "funds_in_place_rate"]).order_by("position")
    assert [(metric.name_en, metric.name_zh, metric.unit) for metric in rates] == [
        ("Fulfilment rate", "履约率", "percent"),
        ("Funds-in-place rate", "引资到位率", "percent"),
    ]


def test_the_last_edition_cannot_come_before_the_first():
    with pytest.raises(IntegrityError), transaction.atomic():
        SpanFigureFactory(first_edition=9, last_edition=4)


def test_a_span_reads_as_its_editions_metric_and_value():
    span = SpanFigureFactory(
        first_edition=4,
        last_edition=9,
        metric=standard_metric("fulfilment_rate"),
        value=Decimal("89.44"),
        as_of=datetime.date(2014, 12, 31),
    )
    assert str(span) == "4th–9th editions, Fulfilment rate: 89.44%"
    assert span.display_as_of == "end of 2014"
    year_only = SpanFigureFactory(as_of=datetime.date(2013, 1, 1), as_of_precision=DatePrecision.YEAR)
    assert year_only.display_as_of == "2013"


def test_a_span_is_public_once_published_by_an_editor_unless_its_last_edition_is_a_draft_here():
    EditionFactory(number=13)
    EditionFactory(number=14, draft=True)
    public = SpanFigureFactory(first_edition=1, last_edition=13)
    SpanFigureFactory(first_edition=1, last_edition=14)  # its last edition is a draft here
    SpanFigureFactory(first_edition=1, last_edition=12, draft=True)  # not published
    # An edition the portal does not have does not hold a published statement back.
    beyond = SpanFigureFactory(first_edition=4, last_edition=9)
    assert set(SpanFigure.objects.published()) == {public, beyond}


def span_form_data(span, **changes):
    data = {
        "first_edition": span.first_edition,
        "last_edition": span.last_edition,
        "region_en": "",
        "region_zh": "",
        "metric": span.metric_id,
        "value": str(span.value),
        "qualifier": span.qualifier,
        "stage": span.stage,
        "as_of": span.as_of.isoformat(),
        "as_of_precision": span.as_of_precision,
        "status": span.status,
        "basis": "",
        "wording_zh": "",
        "wording_en": "",
        "primary_source": "",
        "sources": [source.pk for source in span.sources.all()],
        "public_note_en": "",
        "public_note_zh": "",
        "research_note": "",
    }
    return {**data, **changes}


def test_data_entry_changes_a_draft_span_but_neither_publishes_one_nor_changes_a_published_one(client):
    draft_span = SpanFigureFactory(first_edition=1, last_edition=14, value=Decimal("3032"), draft=True)
    published_span = SpanFigureFactory(first_edition=1, last_edition=13, value=Decimal("2900"))
    login(client, role_user("Data entry"))

    url = reverse("admin:editions_spanfigure_change", args=[draft_span.pk])
    response = client.post(url, span_form_data(draft_span, value="3033"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    draft_span.refresh_from_db()
    assert draft_span.value == Decimal("3033")

    response = client.post(url, span_form_data(draft_span, status="published"))
    assert response.status_code == 200
    assert "Only editors can publish a figure for several editions." in str(response.context["adminform"].form.errors)
    draft_span.refresh_from_db()
    assert not draft_span.is_published

    url = reverse("admin:editions_spanfigure_change", args=[published_span.pk])
    assert client.post(url, span_form_data(published_span, value="1", status="draft")).status_code == 403
    delete = reverse("admin:editions_spanfigure_delete", args=[published_span.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    published_span.refresh_from_db()
    assert (published_span.value, published_span.status) == (Decimal("2900"), "published")


def test_an_editor_publishes_and_changes_a_span(client):
    span = SpanFigureFactory(first_edition=1, last_edition=13, value=Decimal("2900"), draft=True)
    login(client, role_user("Editors"))
    url = reverse("admin:editions_spanfigure_change", args=[span.pk])
    response = client.post(url, span_form_data(span, value="2901", status="published"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    span.refresh_from_db()
    assert (span.value, span.status) == (Decimal("2901"), "published")
    assert span.history.latest().value == Decimal("2901")  # kept in the history, as every staff change


def test_an_import_reads_a_span_with_its_region_basis_year_and_primary_source():
    for key in ("S210", "S50"):
        SourceFactory(key=key)
    rows = [
        [
            12, 12, "Changchun", "长春", "signed_value", "111.3亿", "exact", "opening", "2019-08-25",
            "计划投资金额", "计划投资金额", "", "S210", "", "", "",
        ],
        [1, 8, "", "", "contract_projects", "1838", "", "", "2013", "", "", "", "S50", "", "", ""],
    ]  # fmt: skip
    result = run_import(SpanFigureResource, csv_bytes(HEADERS, rows), IMPORT_FORMATS[0], dry_run=False)
    assert result.totals["new"] == 2, import_error_lines(result)
    city = SpanFigure.objects.get(region_en="Changchun")
    assert (city.value, city.basis, city.region_zh, city.as_of) == (
        Decimal("11130000000"),
        Basis.PLANNED_INVESTMENT,
        "长春",
        datetime.date(2019, 8, 25),
    )
    assert city.primary_source.key == "S210"
    early = SpanFigure.objects.get(first_edition=1)
    assert (early.as_of_precision, early.qualifier, early.stage) == (
        DatePrecision.YEAR,
        Qualifier.EXACT,
        "retrospective",
    )
    exported = SpanFigureResource().export(queryset=SpanFigure.objects.filter(pk=early.pk))
    assert (exported.dict[0]["as_of"], exported.dict[0]["sources"]) == ("2013", "S50")


def test_an_import_by_data_entry_may_add_drafts_but_not_publish_or_change_a_published_span():
    SourceFactory(key="S4")
    SpanFigureFactory(first_edition=1, last_edition=13, metric=standard_metric("projects_signed"), as_of=AS_OF_13TH)
    cells = ["", "", "projects_signed"]
    rows = [
        [1, 14, *cells, "3032", "exact", "", "2023-08-28", "", "", "", "S4", "", "", "", "published"],
        [1, 13, *cells, "1", "exact", "", "2023-08-23", "", "", "", "S4", "", "", "", "draft"],
    ]  # fmt: skip
    user = role_user("Data entry")
    headers = [*HEADERS, "status"]
    result = run_import(SpanFigureResource, csv_bytes(headers, rows), IMPORT_FORMATS[0], dry_run=False, user=user)
    assert SpanFigure.objects.get().value == Decimal("300")
    errors = " ".join(import_error_lines(result))
    assert errors.count("only editors can publish a figure for several editions or change a published one") == 2
    draft = [1, 14, "", "", "projects_signed", "3032", "exact", "", "2023-08-28", "", "", "", "S4", "", "", ""]
    result = run_import(SpanFigureResource, csv_bytes(HEADERS, [draft]), IMPORT_FORMATS[0], dry_run=False, user=user)
    assert result.totals["new"] == 1, import_error_lines(result)
    assert SpanFigure.objects.get(last_edition=14).status == "draft"


def test_an_import_refuses_a_span_that_ends_before_it_starts():
    SourceFactory(key="S4")
    row = [9, 4, "", "", "projects_signed", "10", "exact", "", "2015-04-02", "", "", "", "S4", "", "", ""]
    result = run_import(SpanFigureResource, csv_bytes(HEADERS, [row]), IMPORT_FORMATS[0], dry_run=False)
    assert SpanFigure.objects.count() == 0
    assert "The last edition cannot come before the first." in " ".join(import_error_lines(result))


# -- reconciliation with the editions' figures ---------------------------------------------------------------


def counts(values: dict[int, int], metric=None, **kwargs):
    """Published editions with a closing project count each; returns the metric."""
    metric = metric or standard_metric("projects_signed")
    for number, value in values.items():
        edition = Edition.objects.filter(number=number).first() or EditionFactory(number=number, **kwargs)
        ReportedFigureFactory(edition=edition, metric=metric, value=Decimal(value))
    return metric


def reconciled(**span_fields):
    span = SpanFigureFactory(**span_fields)
    return next(
        result for result in reconcile(list(SpanFigure.objects.published().for_display())) if result.span == span
    )


def test_an_exact_statement_that_the_editions_add_up_to_reconciles():
    metric = counts({1: 100, 2: 120, 3: 80})
    result = reconciled(metric=metric, value=Decimal("300"))
    assert result.verdict == Verdict.MATCHES and result.difference == 0
    assert result.sentences == ["The editions' figures add up to 300: the statement reconciles exactly."]


def test_a_statement_the_editions_do_not_add_up_to_shows_the_difference():
    metric = counts({1: 100, 2: 120, 3: 80})
    result = reconciled(metric=metric, value=Decimal("310"))
    assert result.verdict == Verdict.DIFFERS and result.difference == 10
    assert result.sentences == [
        "The editions' figures add up to 300: the statement is 10 more than the sum, so it does not reconcile."
    ]


def test_editions_without_a_figure_are_named_and_the_sum_is_not_called_a_mismatch():
    metric = counts({1: 100, 2: 120, 3: 80, 4: 50, 5: 60, 6: 70, 7: 10, 8: 20, 12: 30})
    EditionFactory(number=10)  # published, but without a project count
    result = reconciled(metric=metric, first_edition=1, last_edition=12, value=Decimal("2822"))
    assert result.verdict == Verdict.PARTIAL and result.difference is None
    assert result.missing == [9, 10, 11]
    assert result.sentences == ["The 9th–11th have no figure here, so the sum, 540, covers 9 of 12 editions."]


def test_a_figure_of_another_basis_is_not_summed_and_the_page_says_so():
    value = standard_metric("signed_value")
    for number, basis in [(1, Basis.TOTAL_INVESTMENT), (2, Basis.CONTRACT_INVESTMENT)]:
        ReportedFigureFactory(
            edition=EditionFactory(number=number), metric=value, value=Decimal("5000000000"), basis=basis
        )
    result = reconciled(
        metric=value, first_edition=1, last_edition=2, value=Decimal("10000000000"), basis=Basis.TOTAL_INVESTMENT
    )
    assert result.verdict == Verdict.PARTIAL
    assert [figure.edition.number for figure in result.other_basis] == [2]
    assert result.sentences == [
        "The 2nd has no figure of this basis here, so the sum, 5 billion yuan, covers 1 of 2 editions.",
        "The 2nd edition's figure, 5 billion yuan, is contract investment, not total investment including "
        "agreements: it is not summed.",
    ]


def test_a_statement_nested_inside_another_reconciles_the_editions_between():
    metric = counts({13: 111, 14: 99})
    EditionFactory(number=12)
    for last, value, qualifier in [(12, 2822, Qualifier.EXACT), (13, 2900, Qualifier.MORE_THAN)]:
        SpanFigureFactory(metric=metric, first_edition=1, last_edition=last, value=Decimal(value), qualifier=qualifier)
    SpanFigureFactory(metric=metric, first_edition=1, last_edition=14, value=Decimal("3032"))
    results = {result.span.last_edition: result for result in reconcile(list(SpanFigure.objects.published()))}
    over = results[13]
    assert over.chain_verdict == Verdict.IN_LINE
    assert over.sentences[-1] == (
        "From an earlier statement: 2,822 (1st–12th editions, stated) + 111 (13th edition) = 2,933, "
        "in line with the statement, “over 2,900”."
    )
    # The exact earlier statement is preferred to the hedged one, however longer the hedged one is.
    assert results[14].chain_verdict == Verdict.MATCHES
    assert results[14].sentences[-1] == (
        "From an earlier statement: 2,822 (1st–12th editions, stated) + 111 (13th edition) + 99 (14th edition) "
        "= 3,032, the statement reconciles exactly."
    )


def test_a_draft_editions_figures_never_enter_a_sum():
    metric = counts({1: 100, 3: 80})
    counts({2: 120}, metric=metric, draft=True)
    result = reconciled(metric=metric, value=Decimal("300"))
    assert [part.value for part in result.summed.parts] == [Decimal("100"), Decimal("80")]
    assert result.sentences == ["The 2nd has no figure here, so the sum, 180, covers 2 of 3 editions."]


def test_a_rate_is_not_summed_and_shows_its_date():
    EditionFactory(number=9)
    result = reconciled(
        metric=standard_metric("fulfilment_rate"),
        first_edition=4,
        last_edition=9,
        value=Decimal("89.44"),
        as_of=datetime.date(2014, 12, 31),
    )
    assert result.verdict == Verdict.NOT_A_SUM
    assert result.sentences == ["A rate for the editions together, as of end of 2014: not a sum of editions."]


def test_data_entry_cannot_publish_a_span_by_reverting_to_a_published_version(client):
    span = SpanFigureFactory(value=Decimal("300"))
    span.status = "draft"
    span.save()
    published_version = span.history.filter(status="published").order_by("history_id").last()
    login(client, role_user("Data entry"))
    url = reverse("admin:editions_spanfigure_simple_history", args=[span.pk, published_version.history_id])
    response = client.post(url, span_form_data(span, status="published"))
    assert response.status_code == 403
    span.refresh_from_db()
    assert span.status == "draft"
