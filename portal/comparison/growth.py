"""Change between editions and growth per calendar year: pure functions, no database.

A figure is a `Quantity` (value and qualifier). A change the comparability rule calls approximate
("over 20,000" -> "over 25,000") is always marked ≈; pages never show it as a precise percentage.
A missing figure is `None` and every function returns `None` for it rather than treating it as zero.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.formatting import format_number, format_quantity

EXACT = "exact"
PERCENT = "percent"  # the unit of computed shares; their change is in percentage points
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Quantity:
    value: Decimal
    qualifier: str = EXACT

    @property
    def is_exact(self) -> bool:
        return self.qualifier in ("", EXACT)


@dataclass(frozen=True)
class Change:
    """From one edition's figure to a later one's."""

    absolute: Decimal
    percent: Decimal | None  # None when the earlier figure is zero
    years: int
    is_approximate: bool


@dataclass(frozen=True)
class AnnualGrowth:
    """Compound growth per calendar year between the first and the last figure of a range."""

    percent: Decimal
    years: int
    is_approximate: bool


def change_between(
    previous: Quantity | None, current: Quantity | None, *, years: int, approximate: bool | None = None
) -> Change | None:
    """The change from `previous` to `current`; None when either figure is missing.

    Approximate when the comparability rule says so (`approximate`), or else when either figure is hedged.
    """
    if previous is None or current is None:
        return None
    absolute = current.value - previous.value
    percent = None if previous.value == 0 else absolute / previous.value * HUNDRED
    if approximate is None:
        approximate = not (previous.is_exact and current.is_exact)
    return Change(absolute, percent, years, approximate)


def compound_annual_growth(
    first: Quantity | None, last: Quantity | None, *, years: int, approximate: bool | None = None
) -> AnnualGrowth | None:
    """(last / first) ** (1 / years) - 1, in percent; None when it cannot be computed."""
    if first is None or last is None or years <= 0 or first.value <= 0 or last.value < 0:
        return None
    if approximate is None:
        approximate = not (first.is_exact and last.is_exact)
    if last.value == 0:
        return AnnualGrowth(-HUNDRED, years, approximate)
    with localcontext() as context:
        context.prec = 30
        rate = (last.value / first.value) ** (Decimal(1) / Decimal(years)) - 1
        return AnnualGrowth(rate * HUNDRED, years, approximate)


def first_and_last(
    values: list[tuple[int, Quantity | None]],
) -> tuple[tuple[int, Quantity], tuple[int, Quantity]] | None:
    """The first and last present (year, quantity) pairs of a series, if there are two years apart."""
    present = [(year, quantity) for year, quantity in values if quantity is not None]
    if len(present) < 2 or present[-1][0] == present[0][0]:
        return None
    return present[0], present[-1]


# Text -----------------------------------------------------------------------------------------


def _round(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _sign(value: Decimal) -> str:
    return "+" if value > 0 else ("−" if value < 0 else "±")


def format_percent(value: Decimal | None, places: int = 1) -> str:
    """'38.5%' for a share."""
    if value is None:
        return "—"
    return f"{format_number(_round(value, places))}%"


def format_signed_percent(value: Decimal, *, approximate: bool) -> str:
    """'+52.0%', or '≈ +110.7%' when approximate: to one decimal either way, an approximate one marked."""
    text = f"{_sign(_round(value, 1))}{_round(abs(value), 1):,}%"
    return f"≈ {text}" if approximate else text


def format_absolute_change(change: Change, unit: str, *, significant: int | None = None) -> str:
    """'+28.891 billion yuan', '≈ +5,000', '+3.2 pp' (for shares)."""
    if unit == PERCENT:
        points = format_number(_round(abs(change.absolute), 1))
        text = _("%(sign)s%(points)s pp") % {"sign": _sign(change.absolute), "points": points}
    else:
        text = f"{_sign(change.absolute)}{format_quantity(abs(change.absolute), unit, significant=significant)}"
    return f"≈ {text}" if change.is_approximate else text


def format_change_percent(change: Change, unit: str) -> str:
    """The relative change, or '—' when it has no meaning (shares, a start from zero)."""
    if unit == PERCENT or change.percent is None:
        return "—"
    return format_signed_percent(change.percent, approximate=change.is_approximate)


def format_growth(growth: AnnualGrowth | None) -> str:
    if growth is None:
        return "—"
    return _("%(percent)s a year") % {
        "percent": format_signed_percent(growth.percent, approximate=growth.is_approximate)
    }


def format_years(years: int) -> str:
    return ngettext("%(years)d year", "%(years)d years", years) % {"years": years}
