"""An illustrative project was made up: the release it was generated to match is not its source.

Existing illustrative projects keep the link, as "generated from"; their own source is emptied, and
constraints keep it so.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F


def move_sources(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    Project.objects.filter(is_illustrative=True, source__isnull=False).update(generated_from=F("source"), source=None)


def move_sources_back(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    Project.objects.filter(generated_from__isnull=False).update(source=F("generated_from"), generated_from=None)


class Migration(migrations.Migration):

    dependencies = [
        ('editions', '0009_bases_wordings_definitions_primary_sources_sector_names'),
        ('projects', '0005_sectors_to_editions_and_tokens_to_core'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalproject',
            name='generated_from',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='Illustrative projects only: the source whose published totals they were generated to match.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='editions.source', verbose_name='generated from'),
        ),
        migrations.AddField(
            model_name='project',
            name='generated_from',
            field=models.ForeignKey(blank=True, help_text='Illustrative projects only: the source whose published totals they were generated to match.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='generated_projects', to='editions.source', verbose_name='generated from'),
        ),
        migrations.RunPython(move_sources, move_sources_back),
        migrations.AddConstraint(
            model_name='project',
            constraint=models.CheckConstraint(condition=models.Q(('is_illustrative', False), ('source__isnull', True), _connector='OR'), name='illustrative_project_has_no_source', violation_error_message='An illustrative project was made up: it has no source of its own. Give the release whose totals it matches as “generated from” instead.'),
        ),
        migrations.AddConstraint(
            model_name='project',
            constraint=models.CheckConstraint(condition=models.Q(('is_illustrative', True), ('generated_from__isnull', True), _connector='OR'), name='only_illustrative_projects_are_generated', violation_error_message="Only an illustrative project is generated from a source's totals."),
        ),
    ]
