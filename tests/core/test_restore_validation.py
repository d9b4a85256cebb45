"""A corrupt backup is refused, row and field named in one line, and the database is left exactly as it was.

Each backup here is written by backup_data and then edited by hand. SQLite stores a 1e40 value, a
400-character title or an unknown choice without a murmur, and every page that reads the row answers 500
afterwards; so restore_data checks every row against its model's rules itself, on both databases.
"""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, ManagementUtility, call_command
from pytest_django.asserts import assertContains

from editions.models import ReportedFigure, Sector
from projects.models import HistoricalProject, Project
from tests.core.test_backup import snapshot
from tests.factories import EditionFactory, ProjectFactory, ReportedFigureFactory, SectorFactory

pytestmark = pytest.mark.django_db

UNCHANGED = "The database was left as it was."


@pytest.fixture
def backup(tmp_path) -> Path:
    """A backup of a small portal: a project saved twice (two history rows), a figure, the sectors."""
    project = ProjectFactory(edition=EditionFactory(number=14), title="Wind farm", value=Decimal("300000000"))
    project.title = "Wind farm, phase two"
    project.save()
    ReportedFigureFactory(edition=project.edition)
    SectorFactory(slug="farming", name_en="Farming")
    path = tmp_path / "portal.json"
    call_command("backup_data", str(path), verbosity=0)
    return path


def edited(backup: Path, model: str, pk, **fields) -> tuple[Path, int]:
    """A copy of the backup with fields of one row changed: its path, and the row's place in the file (from 1)."""
    rows = json.loads(backup.read_text(encoding="utf-8"))
    position = next(place for place, row in enumerate(rows, 1) if row["model"] == model and row["pk"] == pk)
    rows[position - 1]["fields"].update(fields)
    path = backup.with_name("edited.json")
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return path, position


def refusal(path: Path, *, restore=lambda path: call_command("restore_data", str(path), interactive=False)) -> str:
    with pytest.raises(CommandError) as refused:
        restore(path)
    message = str(refused.value)
    assert "\n" not in message
    return message


def first_history_pk() -> int:
    return HistoricalProject.objects.order_by("history_id").values_list("history_id", flat=True).first()


@pytest.mark.parametrize(
    ("model", "changes", "explained"),
    [
        (
            "projects.project",
            {"value": "1e40"},
            "field “value”: Ensure that there are no more than 17 digits in total.",
        ),
        (
            "projects.project",
            {"value": "12.345"},
            "field “value”: Ensure that there are no more than 2 decimal places.",
        ),
        (
            "projects.project",
            {"title": "x" * 400},
            "field “title”: Ensure this value has at most 300 characters (it has 400).",
        ),
        ("projects.project", {"kind": "merger"}, "field “kind”: Value 'merger' is not a valid choice."),
        (
            "projects.project",
            {"scope": "international", "partner": "XX"},
            "field “partner”: Value 'XX' is not a valid choice.",
        ),
        ("projects.project", {"value": "abc"}, "field “value”: “abc” value must be a decimal number."),
        ("projects.project", {"sector": 999999}, "field “sector”: no editions.Sector with id 999999 is in the backup."),
        ("projects.project", {"value": "-5"}, "field “value”: The value must be more than zero yuan."),
        (
            "projects.project",
            {"scope": "international", "partner": ""},
            "fields “scope”, “partner”: An international project needs a partner country or region; "
            "a domestic one has none.",
        ),
        (
            "editions.reportedfigure",
            {"sources": [999999]},
            "field “sources”: no editions.Source with id 999999 is in the backup.",
        ),
        (
            "projects.historicalproject",
            {"value": "1e40"},
            "field “value”: Ensure that there are no more than 17 digits in total.",
        ),
        ("projects.historicalproject", {"history_type": "?"}, "field “history_type”: Value '?' is not a valid choice."),
    ],
)
def test_a_corrupt_row_is_refused_with_its_model_row_and_field_and_nothing_changes(backup, model, changes, explained):
    before = snapshot()
    pk = {
        "projects.project": Project.objects.get().pk,
        "projects.historicalproject": first_history_pk(),
        "editions.reportedfigure": ReportedFigure.objects.get().pk,
    }[model]
    path, position = edited(backup, model, pk, **changes)
    label = apps.get_model(model)._meta.label

    message = refusal(path)

    assert message == f"Backup {path} refused: {label} pk={pk} (object {position} in the file), {explained} {UNCHANGED}"
    assert snapshot() == before


def test_a_value_another_row_has_in_a_unique_field_is_refused(backup):
    before = snapshot()
    farming = Sector.objects.get(slug="farming")
    path, position = edited(backup, "editions.sector", Project.objects.get().sector_id, slug="farming")
    rows = json.loads(path.read_text(encoding="utf-8"))
    farming_position = next(
        place for place, row in enumerate(rows, 1) if row["model"] == "editions.sector" and row["pk"] == farming.pk
    )
    first, second = sorted([position, farming_position])
    second_pk = rows[second - 1]["pk"]

    message = refusal(path)

    assert message == (
        f"Backup {path} refused: editions.Sector pk={second_pk} (object {second} in the file), field “slug”: "
        f"Sector with this Slug already exists: object {first} in the file has the same. {UNCHANGED}"
    )
    assert snapshot() == before


def test_a_row_repeating_another_rows_key_is_refused_rather_than_overwriting_it(backup):
    before = snapshot()
    rows = json.loads(backup.read_text(encoding="utf-8"))
    position, project = next((place, row) for place, row in enumerate(rows, 1) if row["model"] == "projects.project")
    rows.append({**project, "fields": {**project["fields"], "title": "Overwrites the first"}})
    path = backup.with_name("twice.json")
    path.write_text(json.dumps(rows), encoding="utf-8")

    message = refusal(path)

    assert message == (
        f"Backup {path} refused: projects.Project pk={project['pk']} (object {len(rows)} in the file), "
        f"field “id”: Project with this ID already exists: object {position} in the file has the same. {UNCHANGED}"
    )
    assert snapshot() == before


def test_a_backup_that_is_not_json_is_refused_and_nothing_changes(backup):
    before = snapshot()
    path = backup.with_name("cut.json")
    text = backup.read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 2], encoding="utf-8")

    message = refusal(path)

    assert message.startswith(f"Backup {path} refused: it is not valid JSON (")
    assert message.endswith(f"). {UNCHANGED}")
    assert snapshot() == before


def test_the_command_line_prints_one_line_and_exits_non_zero(backup, capsys, monkeypatch):
    path, position = edited(backup, "projects.project", Project.objects.get().pk, value="1e40")
    # The command closes every connection when it ends; the test's own transaction must stay open.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)

    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", "restore_data", str(path), "--noinput"]).execute()

    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith(f"CommandError: Backup {path} refused: projects.Project pk=")
    assert err.count("\n") == 1 and "Traceback" not in err


def test_after_a_refused_restore_the_projects_pages_still_answer(backup, client):
    path, __ = edited(backup, "projects.project", Project.objects.get().pk, value="1e40")
    refusal(path)
    assertContains(client.get("/en/projects/"), "Wind farm, phase two")
    assert client.get(Project.objects.get().get_absolute_url()).status_code == 200


def test_a_damaged_compressed_backup_is_refused_and_nothing_changes(backup):
    before = snapshot()
    compressed = backup.with_name("portal.json.gz")
    call_command("backup_data", str(compressed), verbosity=0)
    damaged = backup.with_name("damaged.json.gz")
    data = compressed.read_bytes()
    damaged.write_bytes(data[: len(data) // 2])

    message = refusal(damaged)

    assert message == (
        f"Backup {damaged} refused: it cannot be read (Compressed file ended before the end-of-stream marker "
        f"was reached). {UNCHANGED}"
    )
    assert snapshot() == before
