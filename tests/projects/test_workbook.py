"""The edition workbook in the admin: template, preview, confirmation, everything or nothing, and the roles."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.admin.models import LogEntry
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from core.import_files import IMPORT_DIR
from editions.models import Edition, ReportedBand, ReportedFigure, ReportedSector, Source
from projects.models import Project
from projects.workbook.admin import SALT
from tests.factories import EditionFactory, ProjectFactory, ReportedFigureFactory, SectorFactory, standard_metric
from tests.projects.workbook_helpers import NUMBER, PROJECTS, SOURCES, as_csv_zip, fill_template, filled_workbook
from tests.staff_helpers import login, role_user

pytestmark = pytest.mark.django_db

WORKBOOK_URL = reverse("admin:projects_project_workbook")
CONFIRM_URL = reverse("admin:projects_project_workbook_confirm")


@pytest.fixture
def sectors():
    return SectorFactory(name_en="Wind power", slug="wind-power"), SectorFactory(name_en="Farming", slug="farming")


@pytest.fixture
def data_entry(client):
    return login(client, role_user("Data entry"))


def template(client) -> bytes:
    response = client.get(reverse("admin:projects_project_workbook_template", args=["xlsx"]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="edition-workbook-template.xlsx"'
    return response.content


def upload(client, content: bytes, name: str = "edition-15.xlsx"):
    return client.post(WORKBOOK_URL, {"workbook": SimpleUploadedFile(name, content)})


def confirm(client, preview):
    return client.post(CONFIRM_URL, {"token": preview.context["token"], "confirm": "yes"}, follow=True)


def kept_file(preview):
    """The upload kept for the preview's confirmation, as its signed token names it."""
    return IMPORT_DIR / signing.loads(preview.context["token"], salt=SALT)["file"]


def test_the_template_has_a_help_sheet_in_both_languages_and_example_rows_of_edition_0(data_entry):
    book = openpyxl.load_workbook(io.BytesIO(template(data_entry)))
    assert book.sheetnames == ["Help", "Edition", "Sources", "Figures", "Bands", "Sectors", "Projects"]
    help_lines = {(row[0], row[1]): (row[3], row[4]) for row in book["Help"].iter_rows(min_row=2, values_only=True)}
    english, chinese = help_lines[("Projects", "value")]
    assert "844.75亿, 84.475 billion, 8,447,500万" in english and "844.75亿" in chinese and "金额" in chinese
    assert help_lines[("Figures", "qualifier")][0].startswith("exact (when empty), more_than, about")
    # Every column of every sheet has its line, in both languages.
    for name in book.sheetnames[1:]:
        for header in next(book[name].iter_rows(max_row=1, values_only=True)):
            assert all(help_lines[(name, header)]), (name, header)
    assert book["Edition"]["A2"].value == 0 and book["Figures"]["A2"].value == 0 and book["Sources"]["A2"].value == "S0"


def test_the_untouched_template_imports_nothing_and_says_so(data_entry):
    response = upload(data_entry, template(data_entry))
    assert response.status_code == 400
    assertContains(
        response,
        "This workbook holds only the template&#x27;s example rows (edition 0, source S0), which are never imported: "
        "nothing would be imported.",
        status_code=400,
    )
    assert "token" not in response.context
    assert not Edition.objects.filter(number=0).exists() and not Source.objects.filter(key="S0").exists()


def test_a_filled_workbook_previews_then_creates_everything(data_entry, sectors):
    preview = upload(data_entry, filled_workbook(*sectors))
    assert preview.status_code == 200, preview.context.get("outcome") and preview.context["outcome"].problems
    assert not Edition.objects.filter(number=NUMBER).exists(), "the preview writes nothing"
    counts = {sheet.name: (sheet.new, sheet.changed, sheet.unchanged) for sheet in preview.context["outcome"].sheets}
    assert counts == {
        "Edition": (1, 0, 0), "Sources": (1, 0, 0), "Figures": (3, 0, 0), "Bands": (2, 0, 0), "Sectors": (2, 0, 0),
        "Projects": (3, 0, 0),
    }  # fmt: skip
    assertContains(preview, '<tr><th scope="row">Figures</th><td>3</td><td>0</td><td>0</td></tr>', html=True)
    # Amounts as every page writes them, and the recorded projects against the published figures.
    assertContains(preview, "<td>1.2 billion yuan</td>", html=True)
    assertContains(preview, "<td>1.58 billion yuan</td>", html=True)
    assertContains(preview, "<td>over 20,000</td>", html=True)
    assertContains(preview, "6 example rows of the template are ignored.")  # one a sheet
    reconciliation = preview.context["outcome"].reconciliation
    assert reconciliation.recorded_count == 3 and reconciliation.recorded_value == Decimal("1580000000")
    assertContains(
        preview,
        '<tr><th scope="row">Total value</th><td>1.58 billion yuan</td><td>1.58 billion yuan</td><td>matches</td></tr>',
        html=True,
    )
    assertContains(
        preview, '<tr><th scope="row">Number of projects</th><td>3</td><td>3</td><td>matches</td></tr>', html=True
    )
    assert kept_file(preview).is_file()

    done = confirm(data_entry, preview)
    assertContains(
        done, "The workbook was imported into the 15th edition (2025) (a draft until an editor publishes it)"
    )
    assert not kept_file(preview).exists(), "the kept upload is removed once confirmed"
    edition = Edition.objects.get(number=NUMBER)
    assert edition.status == "draft" and edition.city_zh == "长春"
    assert Source.objects.get(key="S51").publisher == "Expo organising committee"
    figures = {figure.metric.code: figure for figure in ReportedFigure.objects.filter(edition=edition)}
    assert figures["signed_value"].value == Decimal("1580000000") and figures["participants"].qualifier == "more_than"
    assert sorted(ReportedBand.objects.filter(edition=edition).values_list("count", flat=True)) == [1, 2]
    wind, farming = sectors
    named = dict(ReportedSector.objects.filter(edition=edition).values_list("published_name_en", "sector"))
    assert named == {"wind and solar": wind.pk, "agriculture": farming.pk}
    projects = {project.title: project for project in Project.objects.filter(edition=edition)}
    assert set(projects) == {row["title"] for row in PROJECTS}
    assert projects["Workbook wind farm"].sector == wind and projects["Workbook wind farm"].scope == "international"
    assert projects["Workbook grain port"].value == Decimal("80000000")
    assert edition.history.first().history_user == data_entry.user
    entry = LogEntry.objects.get(object_id=str(edition.pk))
    assert entry.change_message.startswith(
        "Imported the workbook edition-15.xlsx: Edition: 1 new, 0 changed, 0 unchanged; Sources: 1 new"
    )


def test_the_same_workbook_again_changes_nothing(data_entry, sectors):
    confirm(data_entry, upload(data_entry, filled_workbook(*sectors)))
    preview = upload(data_entry, filled_workbook(*sectors))
    counts = {sheet.name: (sheet.new, sheet.changed, sheet.unchanged) for sheet in preview.context["outcome"].sheets}
    assert counts["Projects"] == (0, 0, 3) and counts["Figures"] == (0, 0, 3) and counts["Edition"] == (0, 0, 1)


def test_an_error_in_one_sheet_writes_nothing_and_names_sheet_row_and_column(data_entry, sectors):
    projects = [dict(PROJECTS[0]), dict(PROJECTS[1], value="lots"), dict(PROJECTS[2])]
    content = filled_workbook(*sectors, Projects=projects)
    response = upload(data_entry, content)
    assert response.status_code == 400
    # The Projects sheet: header, example row, then the three projects: the bad one is row 4.
    assertContains(
        response,
        "Projects sheet, row 4, column value: value must be a number in yuan (got &#x27;lots&#x27;)",
        status_code=400,
    )
    assert "token" not in response.context
    assert not Edition.objects.filter(number=NUMBER).exists() and not Source.objects.filter(key="S51").exists()


def test_a_confirmation_meeting_an_error_writes_nothing(data_entry, sectors, monkeypatch):
    """What the database would refuse at the last sheet rolls back the edition and every row before it."""
    preview = upload(data_entry, filled_workbook(*sectors))
    from django.db import IntegrityError

    def refused(*args, **kwargs):
        raise IntegrityError('duplicate key value violates unique constraint "project_edition_title"')

    monkeypatch.setattr(Project.objects, "bulk_create", refused)
    done = confirm(data_entry, preview)
    assertContains(done, "Nothing was imported: Projects sheet")
    assertNotContains(done, "duplicate key value")
    assert not Edition.objects.filter(number=NUMBER).exists() and not Source.objects.filter(key="S51").exists()


def test_rows_of_another_edition_are_named(data_entry, sectors):
    figures = [{"edition": "14", "metric": "participants", "value": "20000", "sources": "S51"}]
    response = upload(data_entry, filled_workbook(*sectors, Figures=figures))
    assertContains(
        response,
        "Figures sheet, row 3, column edition: this workbook is for edition 15 (its Edition sheet), not 14",
        status_code=400,
    )


def test_data_entry_is_refused_a_workbook_for_a_published_edition(data_entry, sectors):
    edition = EditionFactory(number=NUMBER, year=2025)
    response = upload(data_entry, filled_workbook(*sectors))
    assert response.status_code == 403
    assertContains(
        response,
        "The 15th edition (2025) is published; only editors can import a workbook for it. Nothing was imported.",
        status_code=403,
    )
    assert not edition.figures.exists() and not Project.objects.filter(edition=edition).exists()


def test_an_editor_may_import_into_a_published_edition_and_it_stays_published(client, sectors):
    editor = login(client, role_user("Editors"))
    edition = EditionFactory(number=NUMBER, year=2025, start_date=None, end_date=None)
    ReportedFigureFactory(edition=edition, metric=standard_metric("projects_signed"), value=Decimal(3))
    ProjectFactory(edition=edition, title="Workbook wind farm", value=Decimal("1200000000"), sector=sectors[0])
    preview = upload(editor, filled_workbook(*sectors))
    assert preview.status_code == 200
    counts = {sheet.name: (sheet.new, sheet.changed, sheet.unchanged) for sheet in preview.context["outcome"].sheets}
    assert counts["Edition"] == (0, 1, 0) and counts["Projects"] == (2, 1, 0)
    confirm(editor, preview)
    edition.refresh_from_db()
    assert edition.status == "published" and edition.projects.count() == 3


def test_data_entry_may_fill_in_a_draft_edition_and_it_stays_a_draft(data_entry, sectors):
    edition = EditionFactory(number=NUMBER, year=2025, draft=True)
    done = confirm(data_entry, upload(data_entry, filled_workbook(*sectors)))
    assertContains(done, "The workbook was imported into the 15th edition (2025)")
    assert Project.objects.filter(edition__number=NUMBER).count() == 3
    edition.refresh_from_db()
    assert edition.status == "draft"


def test_a_zip_of_csv_files_works(data_entry, sectors):
    preview = upload(data_entry, as_csv_zip(filled_workbook(*sectors)), name="edition-15.zip")
    assert preview.status_code == 200
    confirm(data_entry, preview)
    assert Project.objects.filter(edition__number=NUMBER).count() == 3
    assert ReportedFigure.objects.filter(edition__number=NUMBER).count() == 3


def test_a_tampered_or_foreign_confirmation_is_refused(client, data_entry, sectors):
    preview = upload(data_entry, filled_workbook(*sectors))
    token = preview.context["token"]
    refused = data_entry.post(CONFIRM_URL, {"token": token[:-2] + "xx"})
    assertContains(refused, "This confirmation does not match a workbook previewed here.", status_code=400)
    other = login(client.__class__(), role_user("Data entry", username="other"))
    refused = other.post(CONFIRM_URL, {"token": token})
    assert refused.status_code == 400
    assert not Edition.objects.filter(number=NUMBER).exists()


def test_a_sheet_the_workbook_has_not_is_refused(data_entry):
    book = openpyxl.load_workbook(io.BytesIO(template(data_entry)))
    book.create_sheet("Figurs")
    output = io.BytesIO()
    book.save(output)
    response = upload(data_entry, output.getvalue())
    assertContains(response, "The workbook has a sheet &#x27;Figurs&#x27;; its sheets are named", status_code=400)


def test_the_editions_list_links_to_the_workbook(data_entry):
    response = data_entry.get(reverse("admin:editions_edition_changelist"))
    assertContains(response, f'href="{WORKBOOK_URL}"')
    page = data_entry.get(WORKBOOK_URL)
    assertContains(page, '<ol class="breadcrumbs">')
    assertContains(page, reverse("admin:projects_project_workbook_template", args=["zip"]))


def test_an_example_row_left_in_a_filled_sheet_is_ignored(data_entry, sectors):
    rows = {
        "Edition": [{"number": NUMBER, "year": "2025", "name_zh": "博览会", "name_en": "Expo", "city": "Changchun"}]
    }
    preview = upload(data_entry, fill_template(template(data_entry), rows))
    assert preview.status_code == 200
    assert [sheet.name for sheet in preview.context["outcome"].sheets] == ["Edition"]


def test_every_problem_is_listed_in_sheet_and_row_order(data_entry, sectors):
    figures = [
        {"metric": "participants", "value": "2万", "sources": "S51"},
        {"metric": "visitors per day", "value": "20000", "sources": "S51"},
        {"metric": "projects_signed", "value": "3", "sources": "S99"},
    ]
    projects = [dict(PROJECTS[0], value="lots"), dict(PROJECTS[1]), dict(PROJECTS[2])]
    response = upload(data_entry, filled_workbook(*sectors, Figures=figures, Projects=projects))
    lines = [str(problem) for problem in response.context["outcome"].problems]
    assert [line.split(":")[0] for line in lines] == [
        "Figures sheet, row 4, column metric",
        "Figures sheet, row 5, column sources",
        "Projects sheet, row 3, column value",
    ]
    assert lines[1] == "Figures sheet, row 5, column sources: unknown source 'S99': add the source in the admin first"
    assert not Edition.objects.filter(number=NUMBER).exists()


def test_rows_without_an_edition_row_are_refused_with_a_sentence(data_entry, sectors):
    response = upload(data_entry, filled_workbook(*sectors, Edition=[]))
    assertContains(
        response,
        "Edition sheet: it has no row for the edition this workbook fills in: give the edition&#x27;s number, year, "
        "names and city in one row",
        status_code=400,
    )


def test_sheets_citing_a_failed_sources_sheet_are_left_unchecked_with_one_sentence_each(data_entry, sectors):
    """Not an "unknown source" on every row citing a source whose own row has a problem."""
    sources = [dict(SOURCES[0], published_on="first of September")]
    response = upload(data_entry, filled_workbook(*sectors, Sources=sources))
    assert response.status_code == 400
    lines = [str(problem) for problem in response.context["outcome"].problems]
    assert lines[0].startswith("Sources sheet, row 3, column published_on: ")
    assert lines[1:] == [
        f"{sheet} sheet: not checked yet: its rows cite rows of sheets with problems listed here (Sources); fix "
        "those and preview again"
        for sheet in ("Figures", "Bands", "Sectors", "Projects")
    ]
    assert not any("unknown source" in line for line in lines)
    assert not Edition.objects.filter(number=NUMBER).exists()
