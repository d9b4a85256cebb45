"""Project values that reproduce published counts, totals and size bands exactly.

Pure arithmetic, no database. Each project gets a value range from its band; values start at the
bottom of their ranges and the rest of the total is poured in by random weights, capped at the top
of each range (water-filling). Values are whole multiples of 10,000 yuan where the total allows, and
stay a margin inside their range, so band counts hold whichever way a band edge is read.
"""

import math
import random
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from demo.data import DemoDataError

TEN_THOUSAND = Decimal(10_000)
CENT = Decimal("0.01")
# The smallest illustrative project where a release gives no lower bound.
MIN_PROJECT_VALUE = Decimal(10_000_000)
# How far inside a band edge a value stays: 1% of the edge.
EDGE_MARGIN = Decimal("0.01")


@dataclass(frozen=True)
class ValueRange:
    """`count` projects worth at least `lower` and less than `upper` (None: no upper bound)."""

    lower: Decimal
    upper: Decimal | None
    count: int


def exclusive_ranges(bands: Iterable, project_count: int) -> list[ValueRange]:
    """Turn an edition's published bands into exclusive ranges covering all its projects.

    `bands` are objects with `lower_yuan`, `upper_yuan`, `count` and `is_nested`. Nested "over X"
    counts become differences (over 100M 230, over 1B 36 of 267: 37 below 100M, 194 from 100M to
    1B, 36 from 1B); projects no exclusive band holds go below the lowest band.
    """
    bands = sorted(bands, key=lambda band: band.lower_yuan)
    if not bands:
        return [ValueRange(Decimal(0), None, project_count)]
    if len({band.is_nested for band in bands}) > 1:
        raise DemoDataError("An edition's bands are either all nested or all exclusive, not a mix.")
    convert = _nested_to_exclusive if bands[0].is_nested else _exclusive
    ranges = convert(bands, project_count)
    return [value_range for value_range in ranges if value_range.count > 0]


def _nested_to_exclusive(bands: list, project_count: int) -> list[ValueRange]:
    counts = [band.count for band in bands]
    if counts != sorted(counts, reverse=True) or counts[0] > project_count:
        raise DemoDataError(
            f"Nested 'over X' counts {counts} must not grow with X nor exceed the {project_count} projects."
        )
    ranges = [ValueRange(Decimal(0), bands[0].lower_yuan, project_count - counts[0])]
    for band, higher in zip(bands, [*bands[1:], None], strict=True):
        upper = higher.lower_yuan if higher else None
        ranges.append(ValueRange(band.lower_yuan, upper, band.count - (higher.count if higher else 0)))
    return ranges


def _exclusive(bands: list, project_count: int) -> list[ValueRange]:
    for band, higher in zip(bands, bands[1:], strict=False):
        if band.upper_yuan is None or band.upper_yuan > higher.lower_yuan:
            raise DemoDataError(f"Exclusive bands overlap at {higher.lower_yuan:,.0f} yuan.")
    banded = sum(band.count for band in bands)
    if banded > project_count:
        raise DemoDataError(f"The bands count {banded} projects, more than the {project_count} published.")
    ranges = [ValueRange(band.lower_yuan, band.upper_yuan, band.count) for band in bands]
    rest = project_count - banded
    if rest:
        if bands[0].lower_yuan <= 0:
            raise DemoDataError(f"{rest} projects fall outside every band and no band is left below the lowest.")
        ranges.insert(0, ValueRange(Decimal(0), bands[0].lower_yuan, rest))
    return ranges


def _unit_for(total: Decimal) -> Decimal:
    if total % TEN_THOUSAND == 0:
        return TEN_THOUSAND
    if total % 1 == 0:
        return Decimal(1)
    return CENT


def _bounds(value_range: ValueRange, unit: Decimal, average: Decimal) -> tuple[int, int | None, int]:
    """The range in units, a margin inside its edges, and a notional width for weighting."""
    if value_range.lower > 0:
        lower = value_range.lower + max(unit, value_range.lower * EDGE_MARGIN)
    else:
        lower = MIN_PROJECT_VALUE
        if value_range.upper is not None:
            lower = min(lower, value_range.upper / 10)
    upper = None
    if value_range.upper is not None:
        upper = value_range.upper - max(unit, value_range.upper * EDGE_MARGIN)
    low = int((lower / unit).to_integral_value(ROUND_CEILING))
    high = None if upper is None else int((upper / unit).to_integral_value(ROUND_FLOOR))
    if high is not None and high < low:
        raise DemoDataError(f"The band from {value_range.lower:,.0f} yuan is too narrow for illustrative values.")
    width = high - low if high is not None else int(max(lower, average) / unit)
    return low, high, width


def allocate_values(ranges: list[ValueRange], total: Decimal, rng: random.Random) -> list[Decimal]:
    """One value per project, range by range, each inside its range, adding up to `total` exactly."""
    count = sum(value_range.count for value_range in ranges)
    if count <= 0:
        raise DemoDataError("There are no projects to give values to.")
    total = Decimal(total)
    unit = _unit_for(total)
    total_units = int(total / unit)
    average = total / count
    lows, highs, weights = [], [], []
    for value_range in ranges:
        low, high, width = _bounds(value_range, unit, average)
        for _ in range(value_range.count):
            lows.append(low)
            highs.append(high)
            weights.append(width * rng.lognormvariate(0, 0.8))
    minimum = sum(lows)
    if minimum > total_units:
        raise DemoDataError(
            f"The published bands need at least {minimum * unit:,.2f} yuan, "
            f"more than the published total of {total:,.2f} yuan."
        )
    if None not in highs and sum(highs) < total_units:
        raise DemoDataError(
            f"The published bands allow at most {sum(highs) * unit:,.2f} yuan, "
            f"less than the published total of {total:,.2f} yuan."
        )
    # A ragged ceiling, so projects pushed to the top of a band do not all share one round value.
    ragged = [
        high if high is None else high - int(rng.random() * (high - low) / 20)
        for low, high in zip(lows, highs, strict=True)
    ]
    if None in highs or sum(ragged) >= total_units:
        highs = ragged
    rooms = [None if high is None else high - low for low, high in zip(lows, highs, strict=True)]
    shares = _water_fill(total_units - minimum, rooms, weights)
    units = [low + math.floor(share) for low, share in zip(lows, shares, strict=True)]
    # Rounding leaves a few units over (or, by float error, short): put them where there is room.
    residual = total_units - sum(units)
    order = list(range(count))
    rng.shuffle(order)
    for index in order:
        if residual > 0:
            step = residual if highs[index] is None else min(residual, highs[index] - units[index])
        else:
            step = max(residual, lows[index] - units[index])
        units[index] += step
        residual -= step
        if residual == 0:
            break
    if residual:
        raise DemoDataError(f"{residual * unit:,.2f} yuan could not be placed inside the bands.")
    return [(Decimal(value) * unit).quantize(CENT) for value in units]


def _water_fill(amount: int, rooms: list[int | None], weights: list[float]) -> list[float]:
    """Share `amount` in proportion to `weights`, never giving anyone more than their room."""
    shares = [0.0] * len(rooms)
    active = [index for index, room in enumerate(rooms) if room is None or room > 0]
    left = float(amount)
    while active and left > 0:
        weight = sum(weights[index] for index in active)
        full = {
            index for index in active if rooms[index] is not None and left * weights[index] / weight >= rooms[index]
        }
        if not full:
            for index in active:
                shares[index] = left * weights[index] / weight
            break
        for index in full:
            shares[index] = float(rooms[index])
            left -= rooms[index]
        active = [index for index in active if index not in full]
    return shares
