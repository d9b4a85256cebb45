"""An index of the pairs of Chinese characters in the searched text, on PostgreSQL, for search words of two.

A trigram index has nothing to look up for a word of two characters, and most Chinese words are two (风电, 项目):
such a search read every project, about a second at a million projects when it matched few. This index holds,
for each project, every pair of adjacent CJK ideographs in its six searched columns joined (the expression of
0012, projects.filters.SearchedText, whose separator is no ideograph, so no pair spans two columns). A word of
two ideographs is in a column exactly when its pair is in the project's list: the filter asks the index with
`@>` and its LIKEs still decide (projects.filters.indexed_search). Ideographs have no case, so nothing is folded.

Only ideographs: pairs of Latin letters ("RU") would be most of the index and are rare as search words. The
ranges below are the filter's too (projects.filters.IDEOGRAPH_PAIR; a migration is history, so it keeps its own
copy). SQLite keeps its FTS5 index (0007) and reads such words by LIKE: nothing here.
"""

from django.db import migrations

COLUMNS = ("title", "title_zh", "parties", "parties_zh", "description", "description_zh")
SEPARATOR = " || E'\\x1F' || "
FUNCTION = "projects_ideograph_pairs"
INDEX = "projects_project_ideograph_pairs"
# CJK Unified Ideographs, their Extension A and the Compatibility Ideographs.
IDEOGRAPHS = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"


def pairs_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # Building the index lists the pairs of every project: longer than a page's statement timeout at a million.
    schema_editor.execute("SET LOCAL statement_timeout = 0")  # until this migration's transaction ends
    # Each run of two ideographs or more, then each pair within it. At a million generated projects (Chinese in
    # their titles only) the index took 10 s to build and holds 4.9 MB, against 197 MB for the trigram index.
    schema_editor.execute(
        f"""
        CREATE OR REPLACE FUNCTION {FUNCTION}(searched text) RETURNS text[]
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
            SELECT coalesce(array_agg(DISTINCT substr(found.run[1], position, 2)), '{{}}')
            FROM regexp_matches(searched, '[{IDEOGRAPHS}]{{2,}}', 'g') AS found(run),
                 generate_series(1, char_length(found.run[1]) - 1) AS position
        $$
        """
    )
    joined = SEPARATOR.join(f'"{column}"' for column in COLUMNS)
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "projects_project" USING gin ({FUNCTION}(({joined})))'
    )
    # Statistics of the new expression (its commonest pairs): without them the planner guessed 5,000 projects for
    # every pair, 62,430 of a million holding 风电.
    schema_editor.execute('ANALYZE "projects_project"')


def no_pairs_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}(text)")


class Migration(migrations.Migration):
    dependencies = [("projects", "0012_one_trigram_index_for_the_searched_text")]

    operations = [migrations.RunPython(pairs_index, no_pairs_index, elidable=False)]
