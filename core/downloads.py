"""Helpers every CSV and XLSX export must use."""

from collections.abc import Iterable
from typing import Any

# A spreadsheet treats a cell starting with one of these as a formula (or a DDE command).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# Written once at the very start of every CSV file served (bytes EF BB BF in UTF-8): Excel on Windows
# reads a UTF-8 CSV without it in the local code page, and Chinese headers and names come out garbled.
# Readers that know the mark drop it (Python's "utf-8-sig", the admin's import); JSON and XLSX have none.
CSV_BYTE_ORDER_MARK = "\ufeff"


def with_byte_order_mark(csv_text: str) -> str:
    """A whole CSV file as it is served: the byte-order mark, then the file's text unchanged."""
    return CSV_BYTE_ORDER_MARK + csv_text


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
