"""Sectors move to editions (editions 0005; no table changes here), and the cache tokens to core."""

import django.db.models.deletion
from django.db import migrations, models


def forget_data_version(apps, schema_editor):
    # The model is gone; its content type and permissions would linger (and differ after a restore).
    apps.get_model("contenttypes", "ContentType").objects.filter(app_label="projects", model="dataversion").delete()


class Migration(migrations.Migration):

    dependencies = [
        ('editions', '0005_sectors_from_projects'),
        ('projects', '0004_trigram_search_indexes'),
        ('core', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.DeleteModel(
            name='DataVersion',
        ),
        migrations.RunPython(forget_data_version, migrations.RunPython.noop),
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name='historicalsector',
                    name='history_user',
                ),
                migrations.RemoveConstraint(
                    model_name='reportedsector',
                    name='one_reported_sector_per_edition',
                ),
                migrations.AlterField(
                    model_name='project',
                    name='sector',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='projects', to='editions.sector', verbose_name='sector'),
                ),
                migrations.AlterField(
                    model_name='historicalproject',
                    name='sector',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='editions.sector', verbose_name='sector'),
                ),
                migrations.DeleteModel(
                    name='HistoricalSector',
                ),
                migrations.RemoveField(
                    model_name='reportedsector',
                    name='edition',
                ),
                migrations.RemoveField(
                    model_name='reportedsector',
                    name='sector',
                ),
                migrations.RemoveField(
                    model_name='reportedsector',
                    name='sources',
                ),
                migrations.DeleteModel(
                    name='Sector',
                ),
                migrations.DeleteModel(
                    name='ReportedSector',
                ),
            ],
        ),
    ]
