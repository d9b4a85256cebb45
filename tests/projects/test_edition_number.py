"""A project's copy of its edition's number (Project.edition_number, which the table sorts by) follows every
write: a save, the bulk writes, update(), an import, the edition workbook, a backup restored, and the edition
renumbered, in the renumbering's own transaction."""

import json

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import F, Subquery
from django.test.utils import CaptureQueriesContext

from core.imports import IMPORT_FORMATS
from editions.models import Edition
from projects.models import Project
from projects.resources import ProjectResource
from tests.factories import EditionFactory, ProjectFactory, SectorFactory, SourceFactory
from tests.projects.test_imports import HEADERS, csv_bytes, project_rows, run_import

pytestmark = pytest.mark.django_db


def numbers() -> dict[str, tuple[int | None, int]]:
    """Each project's (copied number, its edition's number), by title, as stored."""
    return {
        title: (copied, actual)
        for title, copied, actual in Project.objects.values_list("title", "edition_number", "edition__number")
    }


def out_of_step() -> list[str]:
    rows = numbers()
    assert rows, "no project to check"
    return sorted(title for title, (copied, actual) in rows.items() if copied != actual)


@pytest.fixture
def editions():
    # Ids and numbers in opposite orders, so that a number taken from the id would show.
    return EditionFactory(number=15), EditionFactory(number=14)


def test_a_saved_project_carries_its_editions_number_and_follows_a_move(editions):
    fifteenth, fourteenth = editions
    project = ProjectFactory(edition=fourteenth, title="Wind farm")
    assert project.edition_number == 14, "the write returns the number it stored"
    assert numbers() == {"Wind farm": (14, 14)}
    project.edition = fifteenth
    project.save()
    assert project.edition_number == 15 and numbers() == {"Wind farm": (15, 15)}
    project.edition = fourteenth
    project.save(update_fields=["edition"])
    assert numbers() == {"Wind farm": (14, 14)}
    project.title = "Wind farm, phase 2"
    project.save(update_fields=["title"])
    assert numbers() == {"Wind farm, phase 2": (14, 14)}


def test_a_save_stores_the_number_the_edition_has_now_not_the_one_read_earlier(editions):
    fifteenth, fourteenth = editions
    stale = Edition.objects.get(pk=fourteenth.pk)
    Edition.objects.filter(pk=fourteenth.pk).update(number=24)
    ProjectFactory(edition=stale, title="Seed bank")
    assert numbers() == {"Seed bank": (24, 24)}


def test_a_failed_save_leaves_the_instance_as_it_was(editions):
    project = ProjectFactory(edition=editions[1])
    project.value = -1  # refused by the database (project_value_positive)
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017, PT011 - the backend's IntegrityError
        project.save()
    assert project.edition_number == 14


def test_bulk_create_and_bulk_update_copy_the_numbers_in_as_many_queries_for_any_number_of_rows(editions):
    fifteenth, fourteenth = editions
    sector, source = SectorFactory(), SourceFactory()

    def created(titles) -> int:
        # By instance or by id alone: either way the number comes from the database.
        editions = [{"edition_id": fifteenth.pk}, {"edition": fourteenth}]
        built = [
            Project(**editions[n % 2], title=title, sector=sector, value=10**8, source=source)
            for n, title in enumerate(titles)
        ]
        with CaptureQueriesContext(connection) as queries:
            Project.objects.bulk_create(built)
        return len(queries.captured_queries)

    assert created(["A", "B"]) == created([f"C{n}" for n in range(6)])
    Project.objects.exclude(title__in=["A", "B"]).delete()
    assert numbers() == {"A": (15, 15), "B": (14, 14)}
    moved = list(Project.objects.order_by("title"))
    for project in moved:
        project.edition = fifteenth if project.edition_id == fourteenth.pk else fourteenth
    Project.objects.bulk_update(moved, ["edition"])
    assert numbers() == {"A": (14, 14), "B": (15, 15)}
    moved[0].title = "A2"
    Project.objects.bulk_update(moved, ["title"])  # the edition not written: neither is its number
    assert numbers() == {"A2": (14, 14), "B": (15, 15)}


def test_update_copies_the_number_of_the_edition_moved_to(editions):
    fifteenth, fourteenth = editions
    ProjectFactory.create_batch(2, edition=fourteenth)
    Project.objects.update(edition=fifteenth)
    assert {copied for copied, _actual in numbers().values()} == {15} and not out_of_step()
    Project.objects.update(edition_id=fourteenth.pk)
    assert {copied for copied, _actual in numbers().values()} == {14} and not out_of_step()
    # An edition given as an expression: the numbers are copied once the rows are there.
    Project.objects.update(edition_id=Subquery(Edition.objects.filter(number=15).values("pk")[:1]))
    assert {copied for copied, _actual in numbers().values()} == {15} and not out_of_step()


def test_a_renumbered_edition_renumbers_its_projects_in_the_same_transaction(editions):
    fifteenth, fourteenth = editions
    ProjectFactory(edition=fourteenth, title="Moved along")
    ProjectFactory(edition=fifteenth, title="Left alone")
    with pytest.raises(RuntimeError), transaction.atomic():
        fourteenth.number = 24
        fourteenth.save()
        assert numbers()["Moved along"] == (24, 24)
        raise RuntimeError("rolled back")
    assert numbers() == {"Moved along": (14, 14), "Left alone": (15, 15)}, "rolled back together"
    fourteenth.refresh_from_db()
    fourteenth.number = 24
    fourteenth.save()
    assert numbers() == {"Moved along": (24, 24), "Left alone": (15, 15)}
    Edition.objects.filter(pk=fifteenth.pk).update(number=25)
    assert numbers() == {"Moved along": (24, 24), "Left alone": (25, 25)}


def test_an_edition_saved_without_a_new_number_writes_no_project(editions):
    ProjectFactory(edition=editions[1])
    edition = Edition.objects.get(pk=editions[1].pk)
    edition.name_en = "Renamed expo"
    with CaptureQueriesContext(connection) as queries:
        edition.save()
        edition.save(update_fields=["version"])
    assert not [
        query["sql"]
        for query in queries.captured_queries
        if "UPDATE" in query["sql"] and "projects_project" in query["sql"]
    ]


def test_an_import_copies_the_numbers_when_it_creates_and_when_it_changes_rows():
    EditionFactory(number=14, draft=True)
    SourceFactory(key="S1")
    rows = project_rows(14, 5, "S1")
    result = run_import(ProjectResource, csv_bytes(HEADERS, rows), IMPORT_FORMATS[0], dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert len(numbers()) == 5 and not out_of_step()
    Project.objects.update(edition_number=None)  # as a row written around the model would be
    rows[0][3] = "7亿"
    run_import(ProjectResource, csv_bytes(HEADERS, rows), IMPORT_FORMATS[0], dry_run=False)
    assert numbers()[rows[0][1]] == (14, 14), "the changed row is written with its edition's number"


def test_the_edition_workbook_copies_the_new_editions_number(client):
    from tests.projects.test_workbook import confirm, upload
    from tests.projects.workbook_helpers import NUMBER, filled_workbook
    from tests.staff_helpers import login, role_user

    data_entry = login(client, role_user("Data entry"))
    sectors = SectorFactory(name_en="Wind power", slug="wind-power"), SectorFactory(name_en="Farming", slug="farming")
    confirm(data_entry, upload(data_entry, filled_workbook(*sectors)))
    assert {copied for copied, _actual in numbers().values()} == {NUMBER} and not out_of_step()


def test_a_restored_backup_has_the_numbers_even_one_written_before_the_column(editions, tmp_path):
    ProjectFactory(edition=editions[0], title="Fifteenth")
    ProjectFactory(edition=editions[1], title="Fourteenth")
    backup = tmp_path / "portal.json"
    call_command("backup_data", str(backup), verbosity=0)
    rows = json.loads(backup.read_text())
    for row in rows:
        if row["model"] == "projects.project":
            del row["fields"]["edition_number"]
    older = tmp_path / "older.json"
    older.write_text(json.dumps(rows))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("restore_data", str(older), interactive=False, verbosity=0)
    assert numbers() == {"Fifteenth": (15, 15), "Fourteenth": (14, 14)}


def test_sync_edition_numbers_mends_only_the_rows_out_of_step(editions):
    ProjectFactory(edition=editions[1], title="Mended")
    ProjectFactory(edition=editions[0], title="Already right")
    Project.objects.filter(title="Mended").update(edition_number=F("edition_number") + 1)
    assert out_of_step() == ["Mended"]
    assert Project.objects.sync_edition_numbers() == 1
    assert not out_of_step()
