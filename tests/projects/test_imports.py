"""Importing projects and figures from CSV and XLSX, at the resource level (the admin tests drive the pages)."""

import datetime
from decimal import Decimal

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile

from core.forms import StaffImportForm
from core.imports import IMPORT_FORMATS, MAX_IMPORT_ROWS, FormulaAwareXLSX
from core.vocabulary import Stage
from editions.models import ReportedFigure
from editions.resources import ReportedFigureResource
from projects.models import Project, Scope
from projects.resources import ProjectResource
from tests.factories import EditionFactory, MetricFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADERS = ["edition", "title", "sector", "value", "partner", "signed_on", "source"]


def project_rows(edition_number: int, count: int, source_key: str) -> list[list]:
    sectors = ["New energy", "新能源", "modern-agriculture", "Pharmaceuticals"]
    values = ["1,234,567", "1.5亿", "3000万", "12.5 亿元", "250000000"]
    dates = ["2023-08-23", "2023/8/24", "25.08.2023", "2023年8月26日"]
    partners = ["", "Russia", "韩国", "JP"]
    return [
        [
            edition_number,
            f"Imported project {n}",
            sectors[n % 4],
            values[n % 5],
            partners[n % 4],
            dates[n % 4],
            source_key,
        ]
        for n in range(1, count + 1)
    ]


def csv_bytes(headers, rows) -> bytes:
    return tablib.Dataset(*rows, headers=headers).export("csv").encode("utf-8")


def xlsx_bytes(headers, rows) -> bytes:
    return tablib.Dataset(*rows, headers=headers).export("xlsx")


def run_import(resource_class, data: bytes, file_format, *, dry_run: bool, user=None):
    dataset = file_format().create_dataset(data if file_format().is_binary() else data.decode("utf-8-sig"))
    return resource_class().import_data(
        dataset, dry_run=dry_run, user=user, rollback_on_validation_errors=True, file_name="projects.csv"
    )


@pytest.fixture
def edition():
    return EditionFactory(number=14, draft=True)


@pytest.fixture
def source():
    return SourceFactory(key="S1")


@pytest.mark.parametrize(("file_format", "make"), [(IMPORT_FORMATS[0], csv_bytes), (FormulaAwareXLSX, xlsx_bytes)])
def test_a_file_of_120_projects_previews_then_imports(edition, source, file_format, make):
    data = make(HEADERS, project_rows(14, 120, "S1"))

    preview = run_import(ProjectResource, data, file_format, dry_run=True)
    assert not preview.has_errors() and not preview.has_validation_errors()
    assert preview.totals["new"] == 120
    assert Project.objects.count() == 0  # a dry run writes nothing

    result = run_import(ProjectResource, data, file_format, dry_run=False)
    assert result.totals["new"] == 120
    assert Project.objects.filter(edition=edition).count() == 120
    first = Project.objects.get(title="Imported project 1")
    assert first.value == Decimal("150000000")
    assert first.sector.slug == "new-energy"  # matched by its Chinese name
    assert first.signed_on == datetime.date(2023, 8, 24)
    assert first.scope == Scope.INTERNATIONAL and first.partner.code == "RU"
    assert Project.objects.get(title="Imported project 2").partner.code == "KR"
    assert Project.objects.get(title="Imported project 4").scope == Scope.DOMESTIC


def test_reimporting_the_same_file_creates_no_duplicates(edition, source):
    data = csv_bytes(HEADERS, project_rows(14, 30, "S1"))
    run_import(ProjectResource, data, IMPORT_FORMATS[0], dry_run=False)
    again = run_import(ProjectResource, data, IMPORT_FORMATS[0], dry_run=False)
    assert Project.objects.count() == 30
    assert again.totals["new"] == 0 and again.totals["skip"] == 30


def test_a_changed_row_updates_its_project_and_bumps_its_version(edition, source):
    rows = project_rows(14, 3, "S1")
    run_import(ProjectResource, csv_bytes(HEADERS, rows), IMPORT_FORMATS[0], dry_run=False)
    rows[0][3] = "9亿"
    result = run_import(ProjectResource, csv_bytes(HEADERS, rows), IMPORT_FORMATS[0], dry_run=False)
    assert result.totals["update"] == 1
    project = Project.objects.get(title="Imported project 1")
    assert project.value == Decimal("900000000")
    assert project.version == 2
    assert project.history.first().history_change_reason == "imported from projects.csv"


def test_one_bad_row_blocks_the_whole_file_with_its_row_number_and_reason(edition, source):
    from core.imports import import_error_lines

    rows = project_rows(14, 40, "S1")
    rows[15][3] = "about twelve"  # spreadsheet row 17
    rows[21][2] = "Renewables"  # spreadsheet row 23
    result = run_import(ProjectResource, csv_bytes(HEADERS, rows), IMPORT_FORMATS[0], dry_run=False)
    assert Project.objects.count() == 0
    assert import_error_lines(result, ProjectResource()) == [
        "Row 17: value must be a number in yuan (got 'about twelve')",
        "Row 23: unknown sector 'Renewables' — did you mean 'New energy'?",
    ]


def test_formulas_unknown_editions_and_duplicate_rows_are_row_errors(edition, source):
    from core.imports import import_error_lines

    rows = project_rows(14, 5, "S1")
    rows[0][3] = "=B2*2"
    rows[1][0] = 99
    rows[3][1] = rows[2][1]
    result = run_import(ProjectResource, csv_bytes(HEADERS, rows), IMPORT_FORMATS[0], dry_run=True)
    assert import_error_lines(result, ProjectResource()) == [
        "Row 2: value holds a formula (=B2*2); paste the value instead",
        "Row 3: unknown edition 99: add the edition in the admin first",
        "Row 5: same edition and title as row 4; each may appear only once in a file",
    ]


def test_an_xlsx_formula_is_refused_not_read_as_its_cached_value(edition, source):
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    sheet.append([14, "Formula project", "New energy", "=1000*1000", "", "2023-08-23", "S1"])
    buffer = io.BytesIO()
    book.save(buffer)
    result = run_import(ProjectResource, buffer.getvalue(), FormulaAwareXLSX, dry_run=False)
    assert result.has_validation_errors()
    assert Project.objects.count() == 0


def test_data_entry_cannot_import_into_a_published_edition(source):
    from core.imports import import_error_lines

    EditionFactory(number=15)  # published
    user = UserFactory()
    data = csv_bytes(HEADERS, project_rows(15, 2, "S1"))
    result = run_import(ProjectResource, data, IMPORT_FORMATS[0], dry_run=True, user=user)
    assert import_error_lines(result, ProjectResource())[0] == (
        "Row 2: edition 15 is published; only editors can change its data"
    )


def test_figures_import_by_metric_code_and_name_without_duplicates(edition):
    SourceFactory(key="S7")
    SourceFactory(key="S8")
    metric = MetricFactory(code="visitors", name_en="Visitors", name_zh="观众")
    headers = ["edition", "metric", "stage", "value", "qualifier", "sources"]
    rows = [[14, "visitors", "", "2万", "over", "S7, S8"], [14, "观众", "opening", "15000", "", "S7"]]
    data = csv_bytes(headers, rows)
    result = run_import(ReportedFigureResource, data, IMPORT_FORMATS[0], dry_run=False)
    assert result.totals["new"] == 2, list(result.invalid_rows)
    closing = ReportedFigure.objects.get(metric=metric, stage=Stage.CLOSING)
    assert closing.value == Decimal("20000") and closing.qualifier == "more_than"
    assert sorted(source.key for source in closing.sources.all()) == ["S7", "S8"]
    again = run_import(ReportedFigureResource, data, IMPORT_FORMATS[0], dry_run=False)
    assert ReportedFigure.objects.count() == 2 and again.totals["skip"] == 2


def test_figures_with_an_unknown_source_import_nothing(edition):
    from core.imports import import_error_lines

    MetricFactory(code="visitors")
    MetricFactory(code="tents")
    SourceFactory(key="S7")
    data = csv_bytes(["edition", "metric", "value", "sources"], [[14, "visitors", 5, "S7"], [14, "tents", 6, "S99"]])
    result = run_import(ReportedFigureResource, data, IMPORT_FORMATS[0], dry_run=False)
    assert ReportedFigure.objects.count() == 0
    assert "Row 3: unknown source 'S99': add the source in the admin first" in import_error_lines(result)


# -- the upload form: whole-file problems -------------------------------------------------------------------


def upload_form(name: str, content: bytes) -> StaffImportForm:
    return StaffImportForm(
        IMPORT_FORMATS,
        [ProjectResource],
        data={"resource": "0", "format": ""},
        files={"import_file": SimpleUploadedFile(name, content)},
    )


def form_errors(form) -> list[str]:
    assert not form.is_valid()
    return [error for errors in form.errors.values() for error in errors]


def test_the_form_takes_the_format_from_the_extension(edition, source):
    form = upload_form("projects.xlsx", xlsx_bytes(HEADERS, project_rows(14, 2, "S1")))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["format"] == "1"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("projects.pdf", b"%PDF-1.4", "'projects.pdf' is not a CSV or XLSX file."),
        ("projects.csv", b"", "The submitted file is empty."),
        ("projects.csv", b"\r\n\r\n", "The file is empty"),
        ("projects.csv", b"edition,title,sector,value\r\n", "The file has a header row but no data rows."),
        ("projects.csv", b"edition,title,sector\r\n14,A,New energy\r\n", "The file has no column 'value'."),
        (
            "projects.csv",
            b"edition,title,sector,valeu\r\n14,A,Energy,5\r\n",
            "Unknown column 'valeu' (did you mean",
        ),
        ("projects.xlsx", b"not a zip at all", "'projects.xlsx' could not be read as xlsx."),
        ("projects.csv", "edition,title\r\n14,风电\r\n".encode("gbk"), "The CSV file is not in UTF-8."),
    ],
)
def test_files_that_cannot_be_imported_get_a_clear_message(name, content, message):
    errors = form_errors(upload_form(name, content))
    assert any(message in error for error in errors), errors


def test_a_file_over_the_row_cap_is_refused(edition):
    rows = [[14, f"P{n}", "New energy", 1] for n in range(MAX_IMPORT_ROWS + 1)]
    errors = form_errors(upload_form("big.csv", csv_bytes(["edition", "title", "sector", "value"], rows)))
    assert errors == [
        "The file has more than 20,000 rows; at most 20,000 can be imported at once. Split it into smaller files."
    ]
