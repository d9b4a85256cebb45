"""How figures read: qualifier, unit and scale, in English and Chinese."""

from decimal import Decimal

import pytest
from django.utils import translation

from core.formatting import format_number, format_quantity, format_yuan
from core.vocabulary import Qualifier, Unit
from tests.factories import MetricFactory, ReportedFigureFactory


@pytest.mark.parametrize(
    ("value", "unit", "qualifier", "language", "shown"),
    [
        # English
        (20000, "count", "more_than", "en", "over 20,000"),
        (1006, "count", "exact", "en", "1,006"),
        (123, "count", "about", "en", "about 123"),
        (40, "count", "nearly", "en", "nearly 40"),
        (60000, "count", "at_least", "en", "at least 60,000"),
        (84475000000, "yuan", "exact", "en", "84.475 billion yuan"),
        (Decimal("117100000000"), "yuan", "exact", "en", "117.1 billion yuan"),
        (Decimal("250000000.00"), "yuan", "exact", "en", "250 million yuan"),
        (Decimal("1234567890123"), "yuan", "exact", "en", "1,234,567,890,123 yuan"),
        (Decimal("999999.99"), "yuan", "exact", "en", "999,999.99 yuan"),
        (Decimal("100"), "yuan", "more_than", "en", "over 100 yuan"),
        (75000, "m2", "about", "en", "about 75,000 m²"),
        (Decimal("1200000000"), "usd", "exact", "en", "US$1.2 billion"),
        (Decimal("350000"), "usd", "nearly", "en", "nearly US$350,000"),
        # Chinese
        (20000, "count", "more_than", "zh", "超过2万"),
        (60000, "count", "more_than", "zh-hans", "超过6万"),
        (1006, "count", "exact", "zh", "1006"),
        (123, "count", "about", "zh", "约123"),
        (40, "count", "nearly", "zh", "近40"),
        (20000, "count", "at_least", "zh", "至少2万"),
        (84475000000, "yuan", "exact", "zh", "844.75亿元"),
        (Decimal("79100000000"), "yuan", "exact", "zh", "791亿元"),
        (Decimal("250000000"), "yuan", "exact", "zh", "2.5亿元"),
        (Decimal("30000000"), "yuan", "exact", "zh", "3000万元"),
        (75000, "m2", "about", "zh", "约7.5万平方米"),
        (Decimal("1200000000"), "usd", "exact", "zh", "12亿美元"),
    ],
)
def test_figures_read_with_qualifier_and_unit(value, unit, qualifier, language, shown):
    assert format_quantity(value, unit, qualifier, language=language) == shown


def test_exact_figures_carry_no_qualifier_word():
    assert format_quantity(20000, "count") == "20,000"
    assert format_quantity(20000, "count", None) == "20,000"


def test_a_missing_figure_is_a_dash():
    assert format_quantity(None, "count", "more_than") == "—"


def test_language_defaults_to_the_active_one():
    with translation.override("zh-hans"):
        assert format_quantity(20000, "count", "more_than") == "超过2万"
    with translation.override("en"):
        assert format_quantity(20000, "count", "more_than") == "over 20,000"


@pytest.mark.parametrize(
    ("value", "english", "chinese"),
    [
        (Decimal("2249310000"), "2.24931 billion yuan", "22.4931亿元"),
        (Decimal("84475000000"), "84.475 billion yuan", "844.75亿元"),
        (Decimal("55584000000"), "55.584 billion yuan", "555.84亿元"),
        (Decimal("728670000"), "728.67 million yuan", "7.2867亿元"),
        (Decimal("50690000"), "50.69 million yuan", "5069万元"),
        # No scale shows it exactly in a few decimals: the whole number, never a rounded one.
        (Decimal("2249310001"), "2,249,310,001 yuan", "224931.0001万元"),
        (Decimal("999999999.99"), "999,999,999.99 yuan", "999999999.99元"),
    ],
)
def test_exact_amounts_are_never_rounded_in_either_language(value, english, chinese):
    assert format_yuan(value, language="en") == english
    assert format_yuan(value, language="zh") == chinese
    assert format_quantity(value, "yuan", "more_than", language="en") == f"over {english}"
    assert format_quantity(value, "yuan", "more_than", language="zh") == f"超过{chinese}"


@pytest.mark.parametrize(
    ("value", "language", "shown"),
    [
        # A computed amount (an average) is rounded to significant digits, the same number in both
        # languages; rounding that reaches the next scale says so, in the next scale.
        (Decimal("333333333.33"), "en", "333.333 million yuan"),
        (Decimal("333333333.33"), "zh", "3.33333亿元"),
        (Decimal("999999999.99"), "en", "1 billion yuan"),
        (Decimal("99999999.99"), "zh", "1亿元"),
        (Decimal("999950000"), "en", "999.95 million yuan"),
        # Chinese amounts have no thousands commas.
        (Decimal("1234567890123456"), "zh", "1234.57万亿元"),
        (Decimal("999900000"), "zh", "9.999亿元"),
    ],
)
def test_computed_amounts_round_to_the_same_digits_in_both_languages(value, language, shown):
    assert format_yuan(value, language=language, significant=6) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (20000, "2万"),
        (Decimal("99999900"), "9999.99万"),
        (Decimal("123456700"), "12345.67万"),
        (Decimal("100000000"), "1亿"),
        (Decimal("123456"), "123456"),
        (Decimal("10050"), "10050"),
    ],
)
def test_chinese_counts_never_round(value, shown):
    assert format_number(value, language="zh") == shown


def test_english_counts_group_by_thousands():
    assert format_number(Decimal("1234567"), language="en") == "1,234,567"


@pytest.mark.django_db
def test_a_reported_figure_reads_as_every_page_shows_it():
    figure = ReportedFigureFactory(
        value=Decimal("20000"), qualifier=Qualifier.MORE_THAN, metric=MetricFactory(name_en="Attendees")
    )
    assert figure.display_value == "over 20,000"
    assert str(figure) == "Attendees: over 20,000"
    money = ReportedFigureFactory(value=Decimal("84475000000"), metric=MetricFactory(unit=Unit.YUAN))
    assert money.display_value == "84.475 billion yuan"
