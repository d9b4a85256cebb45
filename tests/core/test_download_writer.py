"""The one writer of every download (core.downloads): safe spreadsheets, complete JSON, numbers kept."""

import csv
import datetime
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils.translation import gettext_lazy

from core import downloads as exports
from core.vocabulary import Unit
from tests.factories import EditionFactory, MetricFactory, ProjectFactory, ReportedFigureFactory

pytestmark = pytest.mark.django_db

# Text a CSV cell must neutralise, quote, or leave alone.
AWKWARD_TEXT = [
    '=HYPERLINK("https://evil.example","x")',
    "+86 431",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    'Small, "quoted"\nand two lines',
    "a\rb",
    'say "hi"',
    "=a,b",
    "-\n",
    ",",
    '"',
    "\t",
    "x\x7fy",
    " lead",
    "",
    "plain text",
    "中文, 标题",
    "'=already",
    "x\x00y",
    "a\u2028b",
]


class Shown:
    """An object that is not text but is written as its text (a model instance, a country)."""

    def __init__(self, text):
        self.text = text

    def __str__(self):
        return self.text


OTHER_VALUES = [
    None,
    0,
    -5,
    Decimal("-12.50"),
    Decimal("84475000000"),
    2.5,
    True,
    False,
    datetime.date(2023, 8, 24),
    gettext_lazy("yes"),
    Shown("=1+1"),
    Shown("Changchun"),
]


def csv_writer_line(values) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(values)
    return buffer.getvalue()


@pytest.mark.parametrize("value", AWKWARD_TEXT + OTHER_VALUES)
def test_a_csv_cell_is_what_csv_writer_writes_for_its_neutralised_value(value):
    """The projects table's fast CSV loop writes cells with csv_cell and csv_text: this holds them to csv.writer."""
    expected = csv_writer_line([1, exports.spreadsheet_cell(value), 2])
    assert f"1,{exports.csv_cell(value)},2\r\n" == expected
    if isinstance(value, str):
        assert f"1,{exports.csv_text(value)},2\r\n" == expected
        if exports.is_plain_csv_text(value):  # written as it is by the fast loop
            assert exports.csv_text(value) == value
    # The whole-file writer gives the same line.
    assert (
        "".join(exports.csv_chunks(["a", "b", "c"], [[1, value, 2]])) == exports.csv_header(["a", "b", "c"]) + expected
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        (Shown("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0"),
        (gettext_lazy("yes"), "yes"),
        (Decimal("-3"), Decimal("-3")),
        (-3, -3),
        (True, True),
        (None, None),
        (datetime.date(2023, 8, 24), datetime.date(2023, 8, 24)),
    ],
)
def test_a_spreadsheet_cell_keeps_numbers_and_dates_and_writes_anything_else_as_safe_text(value, expected):
    cell = exports.spreadsheet_cell(value)
    assert cell == expected
    assert type(cell) is type(expected)


def xlsx_rows(content: bytes) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    return list(sheet.iter_rows())


def test_xlsx_holds_no_formula_keeps_numbers_and_drops_what_a_worksheet_cannot_hold():
    header = ["=Name", "Value", "On", "Note"]
    rows = [[Shown("=1+1"), Decimal("2500000.75"), datetime.date(2023, 8, 24), "Wind\x0bfarm\x01 phase 2"]]
    cells = xlsx_rows(exports.file_content("xlsx", header, rows, title="Projects: [all]"))
    assert [cell.value for cell in cells[0]] == ["'=Name", "Value", "On", "Note"]
    name, value, day, note = cells[1]
    assert name.value == "'=1+1" and name.data_type == "s"
    assert value.data_type == "n" and float(value.value) == 2500000.75
    assert day.is_date and day.value.date() == datetime.date(2023, 8, 24)
    assert note.value == "Wind\ufffdfarm\ufffd phase 2"


def test_json_keeps_text_as_it_is_every_column_of_a_repeated_header_and_exact_numbers():
    header = ["City", "Value", "City", "City (2)", "Flag", "On", "Ratio", "Missing"]
    rows = [
        ["=Changchun", Decimal("12.50"), "Jilin", "x", True, datetime.date(2023, 8, 24), float("nan"), None],
        ['say "hi"\n', 7, "", "y", False, None, 0.25, Shown("=shown")],
    ]
    text = exports.file_content("json", header, rows)
    data = json.loads(text, parse_float=Decimal)
    assert data == [
        {
            "City": "=Changchun",
            "Value": Decimal("12.50"),
            "City (2)": "Jilin",
            "City (2) (2)": "x",
            "Flag": True,
            "On": "2023-08-24",
            "Ratio": None,  # NaN is not JSON
            "Missing": None,
        },
        {
            "City": 'say "hi"\n',
            "Value": 7,
            "City (2)": "",
            "City (2) (2)": "y",
            "Flag": False,
            "On": None,
            "Ratio": Decimal("0.25"),
            "Missing": "=shown",
        },
    ]


def test_an_empty_table_is_a_header_in_csv_and_xlsx_and_an_empty_array_in_json():
    assert exports.file_content("csv", ["ID", "=x"], []) == exports.CSV_BYTE_ORDER_MARK + "ID,'=x\r\n"
    assert exports.file_content("json", ["ID"], []) == "[]\n"
    assert [[cell.value for cell in row] for row in xlsx_rows(exports.file_content("xlsx", ["ID"], []))] == [["ID"]]


def test_the_editions_json_keeps_a_metric_column_that_shares_a_name_with_another_column(client):
    """A metric called "City" is a second "City" column: the JSON must not drop one of them."""
    city = MetricFactory(name_en="City", is_main=True, unit=Unit.COUNT)
    ReportedFigureFactory(edition=EditionFactory(number=14, city="Changchun"), metric=city, value=Decimal("12.5"))
    response = client.get(reverse("editions:list"), {"_export": "json"})
    (row,) = json.loads(response.content)
    assert row["City"] == "Changchun"
    assert row["City (2)"] == 12.5  # a number, as in every other download, not the text "12.5"
    header = next(csv.reader(io.StringIO(client.get(reverse("editions:list"), {"_export": "csv"}).content.decode())))
    assert len(row) == len(header)


@pytest.mark.parametrize("url", ["projects:list", "editions:list", "comparisons:index"])
def test_a_control_character_in_stored_text_does_not_break_an_xlsx_download(client, url):
    metric = MetricFactory(name_en="Visitors\x01", is_main=True)
    editions = [EditionFactory(number=number, city="Chang\x0bchun") for number in (12, 14)]
    for edition in editions:
        ReportedFigureFactory(edition=edition, metric=metric)
    ProjectFactory(edition=editions[1], title="Wind\x0bfarm")
    response = client.get(reverse(url), {"_export": "xlsx"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = [cell.value for row in xlsx_rows(content) for cell in row if isinstance(cell.value, str)]
    assert any("\ufffd" in value for value in text)
