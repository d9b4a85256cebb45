"""Growth arithmetic, checked against numbers worked out by hand."""

from decimal import Decimal

from portal.comparison.growth import (
    PERCENT,
    Quantity,
    change_between,
    compound_annual_growth,
    first_and_last,
    format_absolute_change,
    format_change_percent,
    format_growth,
)


def q(value, qualifier="exact"):
    return Quantity(Decimal(value), qualifier)


def test_change_between_two_exact_figures():
    # 84,475,000,000 - 55,584,000,000 = 28,891,000,000; 28,891 / 55,584 = 0.519772 -> 51.98 %
    change = change_between(q("55584000000"), q("84475000000"), years=4)
    assert change.absolute == Decimal("28891000000")
    assert change.percent.quantize(Decimal("0.01")) == Decimal("51.98")
    assert change.years == 4
    assert not change.is_approximate
    assert format_absolute_change(change, "yuan") == "+28.891 billion yuan"
    assert format_change_percent(change, "yuan") == "+52.0%"


def test_compound_growth_per_calendar_year_over_the_span():
    # (84,475 / 55,584) ** (1/4) = 1.519772 ** 0.25 = 1.110311 -> 11.03 % a year over 2019 -> 2023
    growth = compound_annual_growth(q("55584000000"), q("84475000000"), years=4)
    assert growth.percent.quantize(Decimal("0.01")) == Decimal("11.03")
    assert abs((1 + growth.percent / 100) ** 4 - Decimal(84475) / Decimal(55584)) < Decimal("1e-20")
    assert format_growth(growth) == "+11.0% a year"


def test_compound_growth_round_numbers():
    # 100 -> 121 in two years is 10 % a year; 1,000 -> 1,331 in three years is 10 % a year.
    assert compound_annual_growth(q(100), q(121), years=2).percent.quantize(Decimal("0.000001")) == Decimal("10")
    assert compound_annual_growth(q(1000), q(1331), years=3).percent.quantize(Decimal("0.000001")) == Decimal("10")
    # 200 -> 100 in one year is -50 %.
    assert compound_annual_growth(q(200), q(100), years=1).percent == Decimal("-50")
    assert format_growth(compound_annual_growth(q(200), q(100), years=1)) == "−50.0% a year"


def test_change_between_qualified_figures_is_approximate():
    # "over 20,000" -> "over 25,000": 5,000 more, 25 %, but only approximately.
    change = change_between(q(20000, "more_than"), q(25000, "more_than"), years=2)
    assert change.is_approximate
    assert change.percent == Decimal(25)
    assert format_absolute_change(change, "count") == "≈ +5,000"
    assert format_change_percent(change, "count") == "≈ +25.0%"
    growth = compound_annual_growth(q(20000, "about"), q(25000), years=2)
    assert growth.is_approximate
    assert format_growth(growth) == "≈ +11.8% a year"  # 1.25 ** 0.5 = 1.1180 -> about 11.8 %


def test_missing_figure_gives_no_change_and_no_growth():
    assert change_between(None, q(10), years=2) is None
    assert change_between(q(10), None, years=2) is None
    assert compound_annual_growth(None, q(10), years=2) is None
    assert format_growth(None) == "—"


def test_growth_needs_a_positive_start_and_years_between():
    assert compound_annual_growth(q(0), q(10), years=2) is None
    assert compound_annual_growth(q(10), q(20), years=0) is None
    change = change_between(q(0), q(10), years=1)
    assert change.percent is None
    assert format_change_percent(change, "count") == "—"


def test_first_and_last_skip_missing_figures():
    series = [(2017, None), (2019, q(5)), (2021, None), (2023, q(9)), (2025, None)]
    assert first_and_last(series) == ((2019, q(5)), (2023, q(9)))
    assert first_and_last([(2019, q(5)), (2021, None)]) is None


def test_shares_change_in_percentage_points():
    change = change_between(q("66.666"), q("50"), years=4)
    assert format_absolute_change(change, PERCENT) == "−16.7 pp"
    assert format_change_percent(change, PERCENT) == "—"
