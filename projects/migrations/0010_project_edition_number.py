"""Each project keeps its edition's number, with indexes in the orders the table and the API sort by edition.

Sorting by edition joined every project to its edition and sorted them all by the edition's number; with the
number on the project the planners walk an index in the table's order and stop after the page.

The column is added nullable and without a default, which Django does with ALTER TABLE ... ADD COLUMN on
SQLite as well: the table is not rebuilt, so it keeps the search index's triggers (migration 0007). One
UPDATE then fills it from the editions.

On PostgreSQL the UPDATE writes every row again (and their search indexes), and each new index reads them all:
at a million projects that takes longer than the statement timeout pages have, so this migration has none.
"""

from django.db import migrations, models


def lift_statement_timeout(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET LOCAL statement_timeout = 0")  # until this migration's transaction ends


def copy_edition_numbers(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    Edition = apps.get_model("editions", "Edition")
    number = models.Subquery(Edition.objects.filter(pk=models.OuterRef("edition_id")).values("number")[:1])
    Project.objects.update(edition_number=number)


class Migration(migrations.Migration):

    dependencies = [
        ("editions", "0012_data_entry_enters_draft_editions"),
        ("projects", "0009_aggregate_cell_kinds"),
    ]

    operations = [
        migrations.RunPython(lift_statement_timeout, lift_statement_timeout, elidable=True),
        migrations.AddField(
            model_name="project",
            name="edition_number",
            field=models.PositiveSmallIntegerField(editable=False, null=True, verbose_name="edition number"),
        ),
        migrations.RunPython(copy_edition_numbers, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(fields=["edition_number", "id", "edition"], name="project_ed_number_id"),
        ),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(fields=["-edition_number", "id", "edition"], name="project_ed_number_desc_id"),
        ),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(fields=["edition", "edition_number", "id"], name="project_edition_ed_number"),
        ),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(fields=["sector", "edition_number", "id", "edition"], name="project_sector_ed_number"),
        ),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(fields=["partner", "edition_number", "id", "edition"], name="project_partner_ed_number"),
        ),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(fields=["scope", "edition_number", "id", "edition"], name="project_scope_ed_number"),
        ),
        # The planners' statistics, new indexes included: without them SQLite took the partner's edition-number
        # index for a partner sorted by value at a million projects (550 ms, against 40 with them). PostgreSQL's
        # autovacuum would analyse the table too, some time later.
        migrations.RunSQL("ANALYZE projects_project", migrations.RunSQL.noop, elidable=True),
    ]
