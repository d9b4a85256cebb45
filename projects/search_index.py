"""Loading many projects at once without indexing them one by one for the text search.

On SQLite the search index (projects/migrations/0007_...) is kept by triggers that index every row as it is
inserted: a bulk load of a million projects wrote 2,400 rows a second with them, against 25,000 without. A
load that owns the database (the bench's generator) drops the triggers, inserts, then rebuilds the index in
one pass and puts the triggers back exactly as they were stored. PostgreSQL's trigram indexes are ordinary
indexes, and nothing here touches them.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

from projects.filters import SEARCH_INDEX
from projects.models import Project


def _search_triggers(cursor) -> list[tuple[str, str]]:
    """(name, CREATE statement) of each trigger that keeps the search index, as SQLite stored it."""
    cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s AND name LIKE %s ORDER BY name",
        [Project._meta.db_table, f"{SEARCH_INDEX}%"],
    )
    return list(cursor.fetchall())


@contextmanager
def search_index_rebuilt_after() -> Iterator[None]:
    """Inside: projects are written without updating the search index; after it, the index is rebuilt from the
    table and its triggers are back. If the block fails the triggers are put back all the same (and the index
    rebuilt), so the table is never left unindexed."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        triggers = _search_triggers(cursor)
        for name, _create in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
    try:
        yield
    finally:
        if triggers:
            with connection.cursor() as cursor:
                for _name, create in triggers:
                    cursor.execute(create)
                cursor.execute(f"INSERT INTO {SEARCH_INDEX}({SEARCH_INDEX}) VALUES ('rebuild')")  # noqa: S608
