"""The arithmetic of illustrative project values: exact totals, published bands, clear errors."""

import random
from decimal import Decimal
from types import SimpleNamespace

import pytest

from demo.data import DemoDataError
from demo.values import ValueRange, allocate_values, exclusive_ranges
from projects.bands import VALUE_BANDS, band_for

M = Decimal(10) ** 6
B = Decimal(10) ** 9


def band(lower, upper=None, count=1, nested=False):
    return SimpleNamespace(
        lower_yuan=Decimal(lower), upper_yuan=upper and Decimal(upper), count=count, is_nested=nested
    )


FOURTEENTH_BANDS = [band(100 * M, 500 * M, 59), band(500 * M, B, 18), band(B, 5 * B, 18), band(5 * B, None, 4)]
SIXTH_BANDS = [band(100 * M, None, 230, True), band(B, None, 36, True), band(10 * B, None, 1, True)]


def test_exclusive_bands_stay_as_published():
    assert exclusive_ranges(FOURTEENTH_BANDS, 99) == [
        ValueRange(100 * M, 500 * M, 59),
        ValueRange(500 * M, B, 18),
        ValueRange(B, 5 * B, 18),
        ValueRange(5 * B, None, 4),
    ]


def test_nested_over_counts_become_exclusive_ranges_by_differences():
    assert exclusive_ranges(SIXTH_BANDS, 267) == [
        ValueRange(Decimal(0), 100 * M, 37),
        ValueRange(100 * M, B, 194),
        ValueRange(B, 10 * B, 35),
        ValueRange(10 * B, None, 1),
    ]


def test_projects_outside_exclusive_bands_go_below_the_lowest():
    assert exclusive_ranges([band(100 * M, 500 * M, 8)], 10) == [
        ValueRange(Decimal(0), 100 * M, 2),
        ValueRange(100 * M, 500 * M, 8),
    ]


def test_no_bands_means_one_open_range():
    assert exclusive_ranges([], 93) == [ValueRange(Decimal(0), None, 93)]


@pytest.mark.parametrize(
    ("bands", "count", "message"),
    [
        ([band(100 * M, 500 * M, 60), band(500 * M, None, 50)], 99, "The bands count 110 projects, more than the 99"),
        ([band(100 * M, None, 10, True), band(B, None, 20, True)], 99, "must not grow with X"),
        ([band(100 * M, None, 10, True), band(B, 5 * B, 5)], 99, "either all nested or all exclusive"),
        ([band(100 * M, 600 * M, 5), band(500 * M, None, 5)], 10, "Exclusive bands overlap"),
    ],
)
def test_inconsistent_bands_are_refused_with_a_reason(bands, count, message):
    with pytest.raises(DemoDataError, match=message):
        exclusive_ranges(bands, count)


def test_fourteenth_edition_values_reproduce_total_and_portal_bands_exactly():
    values = allocate_values(exclusive_ranges(FOURTEENTH_BANDS, 99), Decimal(84_475_000_000), random.Random(1))

    assert len(values) == 99
    assert sum(values) == Decimal("84475000000.00")
    counts = [sum(1 for value in values if portal_band.contains(value)) for portal_band in VALUE_BANDS]
    assert counts == [0, 59, 18, 18, 4]
    assert all(value % 10_000 == 0 for value in values)


@pytest.mark.parametrize("seed", range(20))
def test_values_stay_safely_inside_their_ranges_for_any_seed(seed):
    ranges = exclusive_ranges(SIXTH_BANDS, 267)
    values = allocate_values(ranges, Decimal(158_930_000_000), random.Random(seed))

    assert sum(values) == Decimal(158_930_000_000)
    position = 0
    for value_range in ranges:
        for value in values[position : position + value_range.count]:
            # One per cent away from each edge: the count holds whether an edge is read as inclusive or not.
            assert value > value_range.lower * Decimal("1.005")
            assert value_range.upper is None or value < value_range.upper * Decimal("0.995")
        position += value_range.count


def test_same_seed_gives_the_same_values_and_another_seed_other_values():
    ranges = exclusive_ranges(FOURTEENTH_BANDS, 99)
    total = Decimal(84_475_000_000)
    first = allocate_values(ranges, total, random.Random(7))
    assert allocate_values(ranges, total, random.Random(7)) == first
    assert allocate_values(ranges, total, random.Random(8)) != first


def test_without_bands_values_spread_over_several_portal_bands():
    values = allocate_values(exclusive_ranges([], 93), Decimal(55_584_000_000), random.Random(3))
    assert sum(values) == Decimal(55_584_000_000)
    assert len({band_for(value) for value in values}) >= 3


def test_a_total_in_odd_yuan_is_still_reproduced_to_the_cent():
    values = allocate_values([ValueRange(Decimal(0), None, 7)], Decimal("123456789.37"), random.Random(1))
    assert sum(values) == Decimal("123456789.37")


def test_a_total_too_small_for_the_bands_is_refused():
    with pytest.raises(DemoDataError, match="need at least .* more than the published total of 1,000,000,000.00 yuan"):
        allocate_values(exclusive_ranges(FOURTEENTH_BANDS, 99), Decimal(10**9), random.Random(1))


def test_a_total_too_large_for_bounded_bands_is_refused():
    with pytest.raises(DemoDataError, match="allow at most .* less than the published total"):
        allocate_values([ValueRange(100 * M, 500 * M, 3)], Decimal(2 * B), random.Random(1))


def test_a_total_filling_bounded_bands_almost_to_the_top_still_fits():
    ranges = [ValueRange(100 * M, 500 * M, 10), ValueRange(500 * M, B, 5)]
    values = allocate_values(ranges, Decimal("8900000000"), random.Random(2))
    assert sum(values) == Decimal("8900000000")
    assert all(Decimal(100 * M) < value < 500 * M for value in values[:10])
    assert all(Decimal(500 * M) < value < B for value in values[10:])
