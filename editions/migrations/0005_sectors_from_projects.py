"""Sectors and the sectors a release names move from projects to editions, beside the metrics.

Only Django's idea of where the models live changes here: the tables stay as they are (0006 renames them).
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('editions', '0004_edition_version'),
        ('projects', '0004_trigram_search_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Sector',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('slug', models.SlugField(help_text='Used in links: ?sector=new-energy', max_length=80, unique=True, verbose_name='slug')),
                        ('name_en', models.CharField(max_length=120, unique=True, verbose_name='name (English)')),
                        ('name_zh', models.CharField(blank=True, max_length=120, verbose_name='name (Chinese)')),
                        ('position', models.PositiveSmallIntegerField(default=100, verbose_name='display order')),
                    ],
                    options={
                        'verbose_name': 'sector',
                        'verbose_name_plural': 'sectors',
                        'ordering': ['position', 'name_en'],
                        'db_table': 'projects_sector',
                    },
                ),
                migrations.CreateModel(
                    name='HistoricalSector',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('slug', models.SlugField(help_text='Used in links: ?sector=new-energy', max_length=80, verbose_name='slug')),
                        ('name_en', models.CharField(db_index=True, max_length=120, verbose_name='name (English)')),
                        ('name_zh', models.CharField(blank=True, max_length=120, verbose_name='name (Chinese)')),
                        ('position', models.PositiveSmallIntegerField(default=100, verbose_name='display order')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'historical sector',
                        'verbose_name_plural': 'historical sectors',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                        'db_table': 'projects_historicalsector',
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='ReportedSector',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('position', models.PositiveSmallIntegerField(default=0, verbose_name='order in the release')),
                        ('edition', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reported_sectors', to='editions.edition', verbose_name='edition')),
                        ('sources', models.ManyToManyField(related_name='reported_sectors', to='editions.source', verbose_name='sources')),
                        ('sector', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reported_in', to='editions.sector', verbose_name='sector')),
                    ],
                    options={
                        'verbose_name': 'sector named in a release',
                        'verbose_name_plural': 'sectors named in releases',
                        'ordering': ['edition', 'position'],
                        'constraints': [models.UniqueConstraint(fields=('edition', 'sector'), name='one_reported_sector_per_edition')],
                        'db_table': 'projects_reportedsector',
                    },
                ),
            ],
        ),
    ]
