"""The index in the order of value carries the facets' other columns on PostgreSQL (INCLUDE sector, scope, partner).

The counts of a value range that cuts a band group its matching projects by edition, sector, scope, partner and
band (projects/search_facets.py). The index held the value, id and edition only, so each match was read from the
table: at a million projects, 175,241 projects of 10 to 50 million yuan took 280-350 ms to group (EXPLAIN
ANALYZE), through the index alone 80-125 ms; the 70 value ranges of the bench's workload, in process, 3.6-3.9 s in
all before and 3.2-3.3 s after (p95 184-241 ms, then 170-175). SQLite has no non-key columns, and Django creates the same index there as before (check models.W040
is silenced in the settings for that).

On PostgreSQL the index is built again, which reads every project: this migration has no statement timeout.
"""

from django.db import migrations, models


def lift_statement_timeout(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET LOCAL statement_timeout = 0")  # until this migration's transaction ends


class Migration(migrations.Migration):
    dependencies = [
        ("editions", "0012_data_entry_enters_draft_editions"),
        ("projects", "0013_ideograph_pairs_index"),
    ]

    operations = [
        migrations.RunPython(lift_statement_timeout, lift_statement_timeout, elidable=True),
        migrations.RemoveIndex(model_name="project", name="project_value_id_edition"),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(
                fields=["-value", "id", "edition"],
                include=("sector", "scope", "partner"),
                name="project_value_id_edition",
            ),
        ),
    ]
