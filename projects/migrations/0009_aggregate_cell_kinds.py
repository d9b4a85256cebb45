"""The kind of project in the aggregate cells' key, and how many of a cell's projects are illustrative: what the
comparison pages need to read the kinds an edition recorded, and whether it has illustrative projects, from the
cells. The cells are counted again from the projects.

Only the aggregate table changes: projects_project is not altered, so SQLite keeps its search triggers
(migration 0007).
"""

from django.db import migrations, models
from django.db.models import Count, Q, Sum

from projects.bands import band_position_expression


def _count_cells(apps, key: tuple[str, ...], with_illustrative: bool) -> None:
    Project = apps.get_model("projects", "Project")
    AggregateCell = apps.get_model("projects", "AggregateCell")
    sums = {"projects": Count("pk"), "value_sum": Sum("value")}
    if with_illustrative:
        sums["illustrative_projects"] = Count("pk", filter=Q(is_illustrative=True))
    grouped = Project.objects.order_by().annotate(band=band_position_expression()).values(*key, "band").annotate(**sums)
    AggregateCell.objects.bulk_create(
        (
            AggregateCell(
                **{name: row[name] for name in key},
                band_position=row["band"],
                count=row["projects"],
                total=row["value_sum"],
                **({"illustrative": row["illustrative_projects"]} if with_illustrative else {}),
            )
            for row in grouped.iterator()
        ),
        batch_size=1000,
    )


def delete_cells(apps, schema_editor):
    apps.get_model("projects", "AggregateCell").objects.all().delete()


def count_cells_by_kind(apps, schema_editor):
    _count_cells(apps, ("edition_id", "sector_id", "scope", "partner", "kind"), with_illustrative=True)


def count_cells_without_kind(apps, schema_editor):
    _count_cells(apps, ("edition_id", "sector_id", "scope", "partner"), with_illustrative=False)


class Migration(migrations.Migration):

    atomic = True

    dependencies = [
        ('projects', '0008_aggregate_cells'),
    ]

    operations = [
        # Backwards, the cells are emptied before the old key's constraint comes back, and counted after it.
        migrations.RunPython(migrations.RunPython.noop, count_cells_without_kind, elidable=True),
        migrations.RemoveConstraint(
            model_name='aggregatecell',
            name='one_aggregate_cell_per_key',
        ),
        migrations.RunPython(delete_cells, delete_cells, elidable=True),
        migrations.AddField(
            model_name='aggregatecell',
            name='kind',
            field=models.CharField(default='contract', max_length=10, verbose_name='kind'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='aggregatecell',
            name='illustrative',
            field=models.BigIntegerField(default=0, verbose_name='number of illustrative projects'),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name='aggregatecell',
            constraint=models.UniqueConstraint(fields=('edition', 'sector', 'scope', 'partner', 'band_position', 'kind'), name='one_aggregate_cell_per_key_and_kind'),
        ),
        migrations.RunPython(count_cells_by_kind, migrations.RunPython.noop, elidable=True),
    ]
