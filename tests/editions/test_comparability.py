"""The one rule for setting two figures side by side: like for like, approximate (≈) or no change, and why."""

from decimal import Decimal

import pytest

from core.vocabulary import Basis, Qualifier, Stage
from editions.comparability import Measure, compare, measure_of
from tests.factories import MetricFactory, ReportedFigureFactory, standard_metric


def money(metric="signed_value", value="55584000000", basis=Basis.CONTRACT_INVESTMENT, **kwargs) -> Measure:
    return Measure(metric=metric, unit="yuan", value=Decimal(value), basis=basis, **kwargs)


def count(value=20000, **kwargs) -> Measure:
    return Measure(metric="participants", unit="count", value=Decimal(value), **kwargs)


def test_exact_figures_of_one_metric_and_stage_kind_are_exactly_like_for_like():
    verdict = compare(count(20000), count(25000, stage=Stage.RETROSPECTIVE))
    assert (verdict.comparable, verdict.approximate, verdict.reason) == (True, False, "")


def test_total_investment_against_investment_attracted_is_not_like_for_like():
    verdict = compare(
        money(value="196200000000", basis=Basis.TOTAL_INVESTMENT, qualifier=Qualifier.MORE_THAN),
        money(value="84475000000", basis=Basis.INVESTMENT_ATTRACTED),
    )
    assert not verdict.comparable
    assert verdict.reason == "not like for like: total investment including agreements, against investment attracted"


def test_one_basis_under_two_metrics_is_like_for_like_and_a_hedge_makes_it_approximate():
    verdict = compare(money(), money(metric="contract_value", value="117100000000", qualifier=Qualifier.MORE_THAN))
    assert (verdict.comparable, verdict.approximate, verdict.reason) == (True, True, "≈: exactly against over")


def test_two_metrics_without_a_shared_basis_are_not_compared():
    assert not compare(count(), Measure("visits", "count", Decimal(5))).comparable
    unspecified = money(basis=Basis.UNSPECIFIED)
    assert not compare(unspecified, money(metric="contract_value", basis=Basis.UNSPECIFIED)).comparable


def test_a_recorded_basis_against_an_unrecorded_one_is_not_like_for_like():
    verdict = compare(money(), money(basis=""))
    assert verdict.reason == "not like for like: contract investment, against an amount whose basis is not recorded"
    # Figures that are not money have no basis at all.
    assert compare(count(basis=""), count(basis="")).is_exact


def test_two_unstated_bases_give_an_approximate_change():
    verdict = compare(money(basis=Basis.UNSPECIFIED), money(basis=Basis.UNSPECIFIED))
    assert (verdict.comparable, verdict.approximate) == (True, True)
    assert verdict.reason == "≈: neither source states what the amount measures"


def test_a_definition_that_differs_is_named_and_gives_no_change():
    verdict = compare(
        count(46, definition="Foreign officials at vice-minister level or above"),
        count(13, definition="deputy-minister level and above only, attending in person"),
    )
    assert not verdict.comparable
    assert verdict.reason == (
        "not like for like: foreign officials at vice-minister level or above, against deputy-minister level "
        "and above only, attending in person"
    )
    # The same words, whatever the case and spacing, are the same definition.
    assert compare(count(definition="Offline  only"), count(definition="offline only")).is_exact


def test_stages_of_different_kinds_are_approximate_and_named():
    verdict = compare(count(stage=Stage.PRE_EVENT), count(stage=Stage.CLOSING))
    assert (verdict.comparable, verdict.approximate, verdict.reason) == (True, True, "≈: pre-event against closing")
    # Pre-event against opening, or closing against retrospective, is one kind of stage.
    assert compare(count(stage=Stage.PRE_EVENT), count(stage=Stage.OPENING)).is_exact


UNKNOWN_DIRECTION = "no change shown: “%s” against “%s” leaves even its direction unknown"


@pytest.mark.parametrize(
    ("first", "second", "comparable", "reason"),
    [
        (Qualifier.MORE_THAN, Qualifier.MORE_THAN, True, "≈: both figures are hedged (over)"),
        (Qualifier.ABOUT, Qualifier.EXACT, True, "≈: about against exactly"),
        (Qualifier.AT_LEAST, Qualifier.ABOUT, True, "≈: at least against about"),
        (Qualifier.MORE_THAN, Qualifier.NEARLY, False, UNKNOWN_DIRECTION % ("over", "nearly")),
        (Qualifier.NEARLY, Qualifier.AT_LEAST, False, UNKNOWN_DIRECTION % ("nearly", "at least")),
    ],
)  # fmt: skip
def test_qualifiers(first, second, comparable, reason):
    verdict = compare(count(qualifier=first), count(qualifier=second))
    assert (verdict.comparable, verdict.reason) == (comparable, reason)


def test_across_metrics_only_the_figures_own_definitions_count():
    signed = money(metric_definition="The headline value of the signed projects.")
    contract = money(metric="contract_value", metric_definition="The value of the contract projects.")
    assert compare(signed, contract).is_exact
    assert not compare(signed, money(metric="contract_value", definition="Jilin's share only")).comparable
    # Within one metric, the metric's definition stands for a figure without its own.
    assert not compare(count(metric_definition="All visitors."), count(definition="opening day only")).comparable


def test_reasons_add_up_and_read_in_chinese():
    from django.utils import translation

    with translation.override("zh-hans"):
        verdict = compare(
            money(value="196200000000", basis=Basis.TOTAL_INVESTMENT), money(basis=Basis.INVESTMENT_ATTRACTED)
        )
        assert "总投资额（含协议金额）" in verdict.reason and "引资额" in verdict.reason
    both = compare(count(qualifier=Qualifier.ABOUT, stage=Stage.OPENING), count(stage=Stage.CLOSING))
    assert both.reason == "≈: about against exactly; opening against closing"


def test_units_must_match():
    assert not compare(
        Measure("foreign_trade", "usd", Decimal(1)), Measure("foreign_trade", "yuan", Decimal(1))
    ).comparable


@pytest.mark.django_db
def test_a_figure_measures_by_its_own_definition_or_else_its_metrics():
    metric = MetricFactory(definition_en="Officials at vice-minister level or above")
    plain = ReportedFigureFactory(metric=metric)
    own = ReportedFigureFactory(metric=metric, definition_en="deputy-minister level and above only")
    assert compare(measure_of(plain), measure_of(own)).reason == (
        "not like for like: officials at vice-minister level or above, against deputy-minister level and above only"
    )
    assert compare(measure_of(plain), measure_of(ReportedFigureFactory(metric=metric))).is_exact
    signed = ReportedFigureFactory(metric=standard_metric("signed_value"), basis=Basis.TOTAL_INVESTMENT)
    assert (measure_of(signed).unit, measure_of(signed).basis) == ("yuan", "total_investment")
