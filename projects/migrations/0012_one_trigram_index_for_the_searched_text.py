"""One trigram index for the text search on PostgreSQL, in place of one per searched column (0004).

A word matched six columns through six GIN indexes whose bitmaps were ORed, then each matching row tested six
LIKEs. The filter now tests one LIKE on the six columns joined by a unit separator (projects.filters.SearchedText:
a word cannot hold that control character, so it matches the joined text exactly when it matches one of the
columns), and one index on that expression serves it. At a million projects the first 10,001 projects holding
"pharmaceutical" took 259 ms through the six indexes and 51 ms through the one.

The expression below must stay the one the filter writes, `UPPER((… || E'\\x1F' || …)::text)`, or the planner
cannot use the index (tests/projects/test_search_plans.py). SQLite keeps its FTS5 index (0007): nothing here.
"""

from django.db import migrations

COLUMNS = ("title", "title_zh", "parties", "parties_zh", "description", "description_zh")
INDEX = "projects_project_searched_text_trgm"
SEPARATOR = " || E'\\x1F' || "


def _column_index(column: str) -> str:
    return f"projects_project_{column}_trgm"


def _no_statement_timeout(schema_editor):
    # Building a trigram index reads every project: longer than a page's statement timeout at a million.
    schema_editor.execute("SET LOCAL statement_timeout = 0")  # until this migration's transaction ends


def one_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    _no_statement_timeout(schema_editor)
    joined = SEPARATOR.join(f'"{column}"' for column in COLUMNS)
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "projects_project" USING gin (UPPER(({joined})::text) gin_trgm_ops)'
    )
    for column in COLUMNS:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{_column_index(column)}"')


def one_index_per_column(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    _no_statement_timeout(schema_editor)
    for column in COLUMNS:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{_column_index(column)}" ON "projects_project" '
            f'USING gin (UPPER("{column}"::text) gin_trgm_ops)'
        )
    schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')


class Migration(migrations.Migration):
    dependencies = [("projects", "0011_aggregate_cell_facet_indexes")]

    operations = [migrations.RunPython(one_index, one_index_per_column, elidable=False)]
