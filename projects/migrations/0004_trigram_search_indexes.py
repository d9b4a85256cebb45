"""Trigram indexes for the projects table's text search, on PostgreSQL only (a no-op on SQLite).

The `q` filter matches each word with `icontains` over six columns, which Django writes on PostgreSQL as
`UPPER(col::text) LIKE UPPER('%word%')`. Without an index that is a scan of every public project; a GIN
trigram index on the same expression lets the planner answer each column's LIKE from the index and OR
the bitmaps together. SQLite has no such index; its search stays a scan.
"""

from django.db import migrations

COLUMNS = ("title", "title_zh", "parties", "parties_zh", "description", "description_zh")


def _index(column: str) -> str:
    return f"projects_project_{column}_trgm"


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{_index(column)}" ON "projects_project" '
            f'USING gin (UPPER("{column}"::text) gin_trgm_ops)'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{_index(column)}"')


class Migration(migrations.Migration):
    dependencies = [("projects", "0003_perf_indexes_and_data_version")]

    operations = [migrations.RunPython(add_indexes, drop_indexes, elidable=False)]
