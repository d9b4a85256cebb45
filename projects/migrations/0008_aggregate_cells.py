"""Aggregate cells and published band tallies (projects/aggregates.py), counted from the projects already stored.

A new table only: projects_project is not altered, so SQLite keeps its search triggers (migration 0007).
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count, Q, Sum

from projects.bands import band_position_expression


def count_existing(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    AggregateCell = apps.get_model("projects", "AggregateCell")
    ReportedBand = apps.get_model("editions", "ReportedBand")
    PublishedBandTally = apps.get_model("projects", "PublishedBandTally")
    grouped = (
        Project.objects.order_by()
        .annotate(band=band_position_expression())
        .values("edition_id", "sector_id", "scope", "partner", "band")
        .annotate(projects=Count("pk"), value_sum=Sum("value"))
    )
    AggregateCell.objects.bulk_create(
        (
            AggregateCell(
                edition_id=row["edition_id"],
                sector_id=row["sector_id"],
                scope=row["scope"],
                partner=row["partner"],
                band_position=row["band"],
                count=row["projects"],
                total=row["value_sum"],
            )
            for row in grouped.iterator()
        ),
        batch_size=1000,
    )
    for band in ReportedBand.objects.all():
        edges = Q(value__gte=band.lower_yuan)
        if band.upper_yuan is not None and not band.is_nested:
            edges &= Q(value__lt=band.upper_yuan)
        counted = Project.objects.filter(edges, edition_id=band.edition_id).aggregate(
            count=Count("pk"), total=Sum("value")
        )
        PublishedBandTally.objects.create(band=band, count=counted["count"], total=counted["total"] or 0)


class Migration(migrations.Migration):

    atomic = True

    dependencies = [
        ('editions', '0012_data_entry_enters_draft_editions'),
        ('projects', '0007_sqlite_trigram_search_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='PublishedBandTally',
            fields=[
                ('band', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='tally', serialize=False, to='editions.reportedband', verbose_name='reported value band')),
                ('count', models.BigIntegerField(verbose_name='number of projects')),
                ('total', models.DecimalField(decimal_places=2, max_digits=24, verbose_name='total value (yuan)')),
            ],
            options={
                'verbose_name': 'published band tally',
                'verbose_name_plural': 'published band tallies',
            },
        ),
        migrations.CreateModel(
            name='AggregateCell',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('scope', models.CharField(max_length=14, verbose_name='scope')),
                ('partner', models.CharField(blank=True, max_length=2, verbose_name='partner country or region')),
                ('band_position', models.PositiveSmallIntegerField(verbose_name='value band')),
                ('count', models.BigIntegerField(verbose_name='number of projects')),
                ('total', models.DecimalField(decimal_places=2, max_digits=24, verbose_name='total value (yuan)')),
                ('edition', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='editions.edition', verbose_name='edition')),
                ('sector', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='editions.sector', verbose_name='sector')),
            ],
            options={
                'verbose_name': 'aggregate cell',
                'verbose_name_plural': 'aggregate cells',
                'constraints': [models.UniqueConstraint(fields=('edition', 'sector', 'scope', 'partner', 'band_position'), name='one_aggregate_cell_per_key')],
            },
        ),
        migrations.RunPython(count_existing, migrations.RunPython.noop, elidable=True),
    ]
