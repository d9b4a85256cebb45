"""Filling in the edition workbook's template as staff do: the downloaded file, example rows left in."""

import csv
import io
import zipfile

import openpyxl

from projects.workbook.template import template_xlsx

NUMBER = 15

EDITION = {
    "number": NUMBER,
    "year": "2025",
    "start_date": "2025-08-28",
    "end_date": "2025-09-01",
    "name_zh": "中国—东北亚博览会",
    "name_en": "China-Northeast Asia Expo",
    "city": "Changchun",
    "city_zh": "长春",
}
SOURCES = [
    {
        "key": "S51",
        "title": "Closing press release of the 15th expo",
        "publisher": "Expo organising committee",
        "url": "https://news.example.org/15th-closing.html",
        "published_on": "2025-09-01",
        "language": "zh",
    }
]
FIGURES = [
    {"metric": "projects_signed", "value": "3", "sources": "S51"},
    {"metric": "signed_value", "value": "15.8亿", "basis": "contract_investment", "sources": "S51"},
    {"metric": "participants", "value": "2万", "qualifier": "超过", "sources": "S51"},
]
BANDS = [
    {"lower_yuan": "10亿", "count": "1", "sources": "S51"},
    {"lower_yuan": "1亿", "upper_yuan": "10亿", "count": "2", "sources": "S51"},
]


def sectors_rows(wind, farming):
    return [
        {"position": "1", "published_name_en": "wind and solar", "published_name_zh": "风光电", "sector": wind.name_en,
         "sources": "S51"},
        {"position": "2", "published_name_en": "agriculture", "published_name_zh": "农业", "sector": farming.name_en,
         "sources": "S51"},
    ]  # fmt: skip


PROJECTS = [
    {"title": "Workbook wind farm", "sector": "wind and solar", "value": "12亿", "partner": "Russia", "source": "S51"},
    {"title": "Workbook seed bank", "sector": "agriculture", "value": "3亿", "source": "S51"},
    {"title": "Workbook grain port", "sector": "agriculture", "value": "8,000万", "source": "S51"},
]


def filled_rows(wind, farming) -> dict[str, list[dict]]:
    return {
        "Edition": [EDITION],
        "Sources": SOURCES,
        "Figures": FIGURES,
        "Bands": BANDS,
        "Sectors": sectors_rows(wind, farming),
        "Projects": PROJECTS,
    }


def fill_template(template: bytes, rows: dict[str, list[dict]]) -> bytes:
    """The template with rows added under its example rows, each cell under its column's header."""
    book = openpyxl.load_workbook(io.BytesIO(template))
    for name, sheet_rows in rows.items():
        sheet = book[name]
        headers = [cell.value for cell in sheet[1]]
        for row in sheet_rows:
            sheet.append([row.get(header, "") for header in headers])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def filled_workbook(wind, farming, **changes) -> bytes:
    rows = {**filled_rows(wind, farming), **changes}
    return fill_template(template_xlsx(), rows)


def as_csv_zip(workbook: bytes) -> bytes:
    """The same workbook as a zip of CSV files, one per sheet, in a folder as a zip tool makes it."""
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        for sheet in book.worksheets:
            text = io.StringIO()
            writer = csv.writer(text)
            for row in sheet.iter_rows(values_only=True):
                writer.writerow(["" if value is None else value for value in row])
            archive.writestr(f"workbook/{sheet.title}.csv", text.getvalue().encode("utf-8-sig"))
    return output.getvalue()
