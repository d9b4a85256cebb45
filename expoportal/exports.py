"""Helpers every CSV and XLSX export must use."""

from collections.abc import Iterable
from typing import Any

# A spreadsheet treats a cell starting with one of these as a formula (or a DDE command).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula, prefixed with ' so it shows as text.

    Numbers (int, Decimal, float) and everything that is not text come back unchanged, so they
    stay numbers in the sheet; text such as "=HYPERLINK(...)" or "-1+2" becomes "'=HYPERLINK(...)".
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def neutralise_row(values: Iterable[Any]) -> list[Any]:
    """neutralise_formula applied to every cell of a row."""
    return [neutralise_formula(value) for value in values]
