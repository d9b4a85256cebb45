"""Control characters (NUL and the like) are refused in every text field, form and import, with a sentence naming
the field, on SQLite (which would store them) and PostgreSQL (which would fail on NUL) alike."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from pytest_django.asserts import assertContains

from core.imports import IMPORT_FORMATS, import_error_lines
from core.models import DerivedRows
from editions.resources import ReportedFigureResource
from projects.models import Project
from projects.resources import ProjectResource
from tests.editions.test_roles import project_form_data
from tests.factories import EditionFactory, MetricFactory, ProjectFactory, SourceFactory
from tests.projects.test_imports import csv_bytes, run_import
from tests.staff_helpers import login, role_user

pytestmark = pytest.mark.django_db

PORTAL_APPS = ("editions", "projects")


def text_fields():
    for app in PORTAL_APPS:
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical") or issubclass(model, DerivedRows):
                continue  # staff enter neither history records nor rows counted from others
            for field in model._meta.concrete_fields:
                if isinstance(field, models.CharField | models.TextField):
                    yield pytest.param(field, id=f"{model.__name__}.{field.name}")


@pytest.mark.parametrize("field", list(text_fields()))
def test_every_text_field_of_the_portal_refuses_control_characters(field):
    for character in ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\ud800"]:
        with pytest.raises(ValidationError) as refused:
            field.run_validators(f"Wind{character}farm")
        # A URL or slug field also says the text is no URL or slug.
        assert f"{field.verbose_name} contains a control character (U+{ord(character):04X}); remove it." in (
            refused.value.messages
        )


@pytest.mark.parametrize("field", list(text_fields()))
def test_line_breaks_and_tabs_are_kept_where_a_field_has_several_lines(field):
    text = "First line\r\n\tsecond line"
    if isinstance(field, models.TextField):
        field.run_validators(text)
    else:
        with pytest.raises(ValidationError):
            field.run_validators(text)


def test_plain_and_chinese_text_passes():
    Project._meta.get_field("title").run_validators("Wind farm “phase 2” — 风电场二期")


@pytest.mark.parametrize(("character", "shown"), [("\x01", "U+0001"), ("\x1f", "U+001F")], ids=["U+0001", "U+001F"])
def test_the_admin_form_shows_a_control_character_as_an_error_of_its_field(client, character, shown):
    project = ProjectFactory(edition=EditionFactory(draft=True), title="Wind farm")
    login(client, role_user("Editors"))
    url = reverse("admin:projects_project_change", args=[project.pk])
    response = client.post(url, project_form_data(project, title=f"Wind{character}farm"))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["title"] == [f"title contains a control character ({shown}); remove it."]
    project.refresh_from_db()
    assert project.title == "Wind farm"


def test_the_admin_form_refuses_a_nul_character_in_its_field(client):
    project = ProjectFactory(edition=EditionFactory(draft=True), description="Old")
    login(client, role_user("Editors"))
    url = reverse("admin:projects_project_change", args=[project.pk])
    response = client.post(url, project_form_data(project, description="New\x00text"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["description"]
    project.refresh_from_db()
    assert project.description == "Old"


@pytest.mark.parametrize("url", ["/admin/projects/project/?title=%00", "/admin/projects/project/?q=a%01b"])
def test_an_admin_list_filtered_by_a_control_character_says_so(client, url):
    login(client, role_user(None))
    response = client.get(url)
    assertContains(response, "contains a control character", status_code=400)


@pytest.mark.parametrize(("query", "shown"), [("%00", "U+0000"), ("wind%01farm", "U+0001"), ("%1b", "U+001B")])
def test_the_public_search_answers_400_with_a_sentence(client, query, shown):
    response = client.get(f"/en/projects/?q={query}")
    assertContains(response, f"Search: This contains a control character ({shown}); remove it.", status_code=400)


def test_the_public_search_still_takes_plain_words(client):
    assert client.get("/en/projects/?q=wind farm").status_code == 200


@pytest.fixture
def import_edition():
    SourceFactory(key="S1")
    return EditionFactory(number=14, draft=True)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("title", "Wind\x00farm", "title contains a control character (U+0000); remove it"),
        ("location", "Chang\x0bchun", "location contains a control character (U+000B); remove it"),
        ("description", "Line one\x07", "description contains a control character (U+0007); remove it"),
    ],
    ids=["title", "location", "description"],
)
def test_an_import_refuses_control_characters_in_its_row_and_column(import_edition, column, value, message):
    headers = ["edition", "title", "sector", "value", column]
    rows = [[14, "Good row", "New energy", "5", "fine"], [14, "Bad row", "New energy", "5", value]]
    if column == "title":
        headers, rows = headers[:4], [row[:4] for row in rows]
        rows[1][1] = value
    result = run_import(ProjectResource, csv_bytes(headers, rows), IMPORT_FORMATS[0], dry_run=False)
    assert import_error_lines(result, ProjectResource()) == [f"Row 3: {message}"]
    assert Project.objects.count() == 0


def test_an_import_keeps_line_breaks_in_a_description(import_edition):
    headers = ["edition", "title", "sector", "value", "description"]
    rows = [[14, "Wind farm", "New energy", "5", "First line\nsecond\tline"]]
    result = run_import(ProjectResource, csv_bytes(headers, rows), IMPORT_FORMATS[0], dry_run=False)
    assert not result.has_validation_errors() and not result.has_errors()
    assert Project.objects.get().description == "First line\nsecond\tline"


def test_a_figure_note_with_a_control_character_is_refused(import_edition):
    MetricFactory(code="visitors")
    headers = ["edition", "metric", "value", "sources", "public_note_en"]
    data = csv_bytes(headers, [[14, "visitors", "5", "S1", "See\x00 the release"]])
    result = run_import(ReportedFigureResource, data, IMPORT_FORMATS[0], dry_run=False)
    assert import_error_lines(result) == ["Row 2: public_note_en contains a control character (U+0000); remove it"]


def test_an_unknown_name_with_a_control_character_is_told_without_it(import_edition):
    headers = ["edition", "title", "sector", "value"]
    result = run_import(
        ProjectResource, csv_bytes(headers, [[14, "Wind", "New\x00energy", "5"]]), IMPORT_FORMATS[0], dry_run=True
    )
    (line,) = import_error_lines(result, ProjectResource())
    assert "\x00" not in line and line.startswith("Row 2: unknown sector")


def test_a_file_name_with_control_characters_or_of_any_length_makes_a_history_line_that_fits(import_edition):
    from core.imports import IMPORT_FORMATS as FORMATS

    headers = ["edition", "title", "sector", "value"]
    dataset = FORMATS[0]().create_dataset(csv_bytes(headers, [[14, "Wind farm", "New energy", "5"]]).decode())
    name = "projects\x00" + "x" * 300 + ".csv"
    result = ProjectResource().import_data(dataset, dry_run=False, file_name=name, rollback_on_validation_errors=True)
    assert not result.has_errors() and not result.has_validation_errors()
    reason = Project.objects.get().history.get().history_change_reason
    assert reason.startswith("imported from projects\ufffdxxx") and len(reason) <= 100


def test_the_control_character_check_keeps_every_field_s_length_check():
    from django.core.exceptions import ValidationError

    project = ProjectFactory.build(title="x" * 301)
    with pytest.raises(ValidationError) as refused:
        project.full_clean(exclude=["edition", "sector", "source"])
    assert "title" in refused.value.message_dict
