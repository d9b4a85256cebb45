"""Migration 0010 copies the number of every stored project's edition, and on SQLite keeps the search index's
triggers (a rebuilt table would have lost them: migration 0007)."""

import pytest
from django.db import connection

from projects.filters import SEARCH_INDEX
from tests.editions.test_migrations import latest, migrate

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("projects", "0009_aggregate_cell_kinds")]
AFTER = [("projects", "0010_project_edition_number")]


@pytest.fixture
def stored_projects():
    apps = migrate(BEFORE)
    Edition, Sector = apps.get_model("editions", "Edition"), apps.get_model("editions", "Sector")
    Project = apps.get_model("projects", "Project")
    sector = Sector.objects.create(slug="s91", name_en="S91")
    for number in (93, 91):
        edition = Edition.objects.create(number=number, year=2000 + number, name_zh="博", name_en="Expo", city="C")
        Project.objects.create(edition=edition, sector=sector, value=10**8, title=f"Project of {number}")
    yield
    migrate(latest())  # leave the database as the other tests expect it: every migration applied


def test_every_stored_project_gets_its_editions_number(stored_projects):
    Project = migrate(AFTER).get_model("projects", "Project")
    assert dict(Project.objects.values_list("title", "edition_number")) == {"Project of 93": 93, "Project of 91": 91}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 index and its triggers are SQLite's")
def test_the_search_index_keeps_its_triggers(stored_projects):
    migrate(AFTER)
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'projects_project'")
        triggers = {row[0] for row in cursor.fetchall()}
    assert triggers == {f"{SEARCH_INDEX}_insert", f"{SEARCH_INDEX}_delete", f"{SEARCH_INDEX}_update"}
