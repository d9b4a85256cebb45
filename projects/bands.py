"""The value bands the press uses for signed projects, defined once.

Every page, filter, export and test takes its bands from here. Lower bounds are inclusive:
exactly 100,000,000 yuan is in "100–500 million", 99,999,999.99 is "under 100 million".
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.translation import gettext_lazy as _

MILLION = Decimal(10) ** 6
BILLION = Decimal(10) ** 9


@dataclass(frozen=True)
class ValueBand:
    slug: str
    label: str
    lower: Decimal | None  # inclusive
    upper: Decimal | None  # exclusive

    @property
    def position(self) -> int:
        return VALUE_BANDS.index(self)

    def q(self, field: str = "value") -> Q:
        """The condition a project's value meets to fall in this band."""
        condition = Q()
        if self.lower is not None:
            condition &= Q(**{f"{field}__gte": self.lower})
        if self.upper is not None:
            condition &= Q(**{f"{field}__lt": self.upper})
        return condition

    def contains(self, value) -> bool:
        value = Decimal(value)
        return (self.lower is None or value >= self.lower) and (self.upper is None or value < self.upper)


VALUE_BANDS: list[ValueBand] = [
    ValueBand("under-100m", _("under 100 million yuan"), None, 100 * MILLION),
    ValueBand("100m-500m", _("100–500 million yuan"), 100 * MILLION, 500 * MILLION),
    ValueBand("500m-1b", _("500 million–1 billion yuan"), 500 * MILLION, BILLION),
    ValueBand("1b-5b", _("1–5 billion yuan"), BILLION, 5 * BILLION),
    ValueBand("5b-plus", _("5 billion yuan and over"), 5 * BILLION, None),
]
BANDS_BY_SLUG = {band.slug: band for band in VALUE_BANDS}
BAND_CHOICES = [(band.slug, band.label) for band in VALUE_BANDS]


def band_for(value) -> ValueBand:
    for band in VALUE_BANDS:
        if band.contains(value):
            return band
    raise ValueError(f"No band holds {value!r}")


def band_position_expression(field: str = "value") -> Case:
    """SQL CASE giving each row its band's position (0 = lowest), for grouping in the database."""
    return Case(
        *[When(band.q(field), then=Value(band.position)) for band in VALUE_BANDS],
        output_field=IntegerField(),
    )


# The smallest step between two project values (two decimal places), and so the smallest value (values are
# above zero, projects/models.py).
CENT = Decimal("0.01")


def bands_within(lower: Decimal | None, upper: Decimal | None) -> list[int] | None:
    """The positions of the bands a value range (both ends inclusive, None for open) holds whole, when it
    cuts none: the range's projects are then exactly those bands' projects. None when a band is partly in it.

    "Up to 500 million" includes exactly 500,000,000, the lowest value of "500 million–1 billion": it cuts
    that band. "Up to 499,999,999.99" does not.
    """
    whole, cut = _bands_whole_and_cut(lower, upper)
    return None if cut else whole


def bands_wholly_within(lower: Decimal | None, upper: Decimal | None) -> list[int]:
    """The positions of the bands a value range holds whole, whether or not it also cuts others: their projects
    are some of the range's, however many more the cut bands add."""
    return _bands_whole_and_cut(lower, upper)[0]


def _bands_whole_and_cut(lower: Decimal | None, upper: Decimal | None) -> tuple[list[int], list[int]]:
    whole, cut = [], []
    for band in VALUE_BANDS:
        lowest = CENT if band.lower is None else band.lower
        highest = None if band.upper is None else band.upper - CENT
        starts_in = lower is None or lower <= lowest
        ends_in = upper is None or (highest is not None and highest <= upper)
        left_out = (lower is not None and highest is not None and highest < lower) or (
            upper is not None and lowest > upper
        )
        if starts_in and ends_in:
            whole.append(band.position)
        elif not left_out:
            cut.append(band.position)
    return whole, cut
