"""A bulk load on SQLite drops the search index's triggers and rebuilds the index once at the end
(projects/search_index.py): afterwards the index finds the loaded rows and follows later writes, also when the
load failed halfway."""

import pytest
from django.db import connection

from projects.filters import SEARCH_INDEX
from projects.models import Project
from projects.search_index import search_index_rebuilt_after
from tests.factories import EditionFactory, ProjectFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 index and its triggers are SQLite's"),
]


def triggers() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'projects_project'")
        return dict(cursor.fetchall())


def found(word: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.title FROM {SEARCH_INDEX} s JOIN projects_project p ON p.id = s.rowid "  # noqa: S608
            f"WHERE {SEARCH_INDEX} MATCH %s",
            [f'"{word}"'],
        )
        return {title for (title,) in cursor.fetchall()}


def check_integrity() -> None:
    with connection.cursor() as cursor:  # the index's own check that it agrees with the table
        cursor.execute(f"INSERT INTO {SEARCH_INDEX}({SEARCH_INDEX}, rank) VALUES ('integrity-check', 1)")


def test_rows_loaded_without_the_triggers_are_indexed_afterwards_and_the_triggers_are_back():
    before = triggers()
    assert len(before) == 3
    edition = EditionFactory()
    with search_index_rebuilt_after():
        assert triggers() == {}
        ProjectFactory(edition=edition, title="Geothermal loop", description="")
        ProjectFactory(edition=edition, title="Tidal barrage", description="")
    assert triggers() == before
    assert found("geothermal") == {"Geothermal loop"} and found("barrage") == {"Tidal barrage"}
    check_integrity()
    ProjectFactory(edition=edition, title="Geothermal well", description="")  # the triggers work again
    assert found("geothermal") == {"Geothermal loop", "Geothermal well"}
    check_integrity()


def test_a_failed_load_leaves_the_triggers_and_an_index_that_agrees_with_the_table():
    before = triggers()
    edition = EditionFactory()
    with pytest.raises(RuntimeError), search_index_rebuilt_after():
        ProjectFactory(edition=edition, title="Solar canopy", description="")
        raise RuntimeError("the load broke off")
    assert triggers() == before
    assert found("canopy") == set(Project.objects.filter(title="Solar canopy").values_list("title", flat=True))
    check_integrity()
