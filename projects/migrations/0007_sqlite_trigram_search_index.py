"""A full-text index for the projects table's text search on SQLite: FTS5 with the trigram tokenizer.

The `q` filter matches every word anywhere in six columns (`icontains`, a `LIKE '%word%'` on each), which
SQLite can only answer by reading every public project. An FTS5 table with the trigram tokenizer indexes
every three-character sequence of those columns, Chinese as well as English, so the filter first looks up
the rows holding each word of three characters or more and tests its LIKEs on those alone
(projects/filters.py). The index is an external-content table: it keeps only the index, the text stays in
projects_project, and triggers keep the two in step on every insert, delete and change of a searched column,
whether it comes through the ORM, a bulk insert or raw SQL.

Django rebuilds a SQLite table to alter it, which drops its triggers: a later migration that alters
projects_project must create them again (tests/projects/test_search_index.py fails otherwise).

PostgreSQL has had its own index since 0004 (pg_trgm GIN indexes on the expression `icontains` writes);
this migration does nothing there, nor on SQLite older than 3.34 (no trigram tokenizer), where the search
stays a scan.
"""

from django.db import migrations

TABLE = "projects_project"
INDEX = "projects_project_search"
COLUMNS = ("title", "title_zh", "parties", "parties_zh", "description", "description_zh")


def _supported(schema_editor) -> bool:
    if schema_editor.connection.vendor != "sqlite":
        return False
    import sqlite3

    return sqlite3.sqlite_version_info >= (3, 34)


def _values(prefix: str) -> str:
    return ", ".join(f"{prefix}.{column}" for column in COLUMNS)


def create_index(apps, schema_editor):
    if not _supported(schema_editor):
        return
    columns = ", ".join(COLUMNS)
    removal = f"INSERT INTO {INDEX}({INDEX}, rowid, {columns}) VALUES ('delete', old.id, {_values('old')});"
    addition = f"INSERT INTO {INDEX}(rowid, {columns}) VALUES (new.id, {_values('new')});"
    statements = [
        f"CREATE VIRTUAL TABLE {INDEX} USING fts5({columns}, content='{TABLE}', content_rowid='id', "
        "tokenize='trigram')",
        f"CREATE TRIGGER {INDEX}_insert AFTER INSERT ON {TABLE} BEGIN {addition} END",
        f"CREATE TRIGGER {INDEX}_delete AFTER DELETE ON {TABLE} BEGIN {removal} END",
        f"CREATE TRIGGER {INDEX}_update AFTER UPDATE OF {columns} ON {TABLE} BEGIN {removal} {addition} END",
        # The projects already stored.
        f"INSERT INTO {INDEX}({INDEX}) VALUES ('rebuild')",
    ]
    for statement in statements:
        schema_editor.execute(statement)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for trigger in ("insert", "delete", "update"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {INDEX}_{trigger}")
    schema_editor.execute(f"DROP TABLE IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("projects", "0006_illustrative_projects_generated_from_a_source")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
