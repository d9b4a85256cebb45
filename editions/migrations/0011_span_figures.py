"""Figures for several editions at once, the per-cent unit with the two follow-through rates, and the roles.

Data entry and editors get the same permissions on them as on reported figures.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

# code, English name, Chinese name, definition (English), definition (Chinese); unit per cent
FOLLOW_THROUGH_METRICS = [
    (
        "fulfilment_rate",
        "Fulfilment rate",
        "履约率",
        "Share of the signed projects being carried out (履约率), as a release states it for several editions.",
        "签约项目中正在履约实施的比例，按发布稿对若干届的表述。",
    ),
    (
        "funds_in_place_rate",
        "Funds-in-place rate",
        "引资到位率",
        "Share of the contracted investment actually in place (引资到位率), as a release states it.",
        "合同引资中实际到位资金的比例，按发布稿的表述。",
    ),
]
FIRST_POSITION = 300


def add_metrics_and_roles(apps, schema_editor):
    Metric = apps.get_model("editions", "Metric")
    for offset, (code, name_en, name_zh, definition_en, definition_zh) in enumerate(FOLLOW_THROUGH_METRICS):
        Metric.objects.get_or_create(
            code=code,
            defaults={
                "name_en": name_en,
                "name_zh": name_zh,
                "unit": "percent",
                "position": FIRST_POSITION + 10 * offset,
                "definition_en": definition_en,
                "definition_zh": definition_zh,
            },
        )
    # Permissions are normally created after all migrations; create them now so the groups can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    rows = Permission.objects.filter(content_type__app_label="editions", content_type__model="spanfigure")
    history = Permission.objects.filter(
        content_type__app_label="editions", content_type__model="historicalspanfigure", codename__startswith="view_"
    )
    # Data entry and editors hold the same model permissions on span figures as on reported figures; which
    # rows data entry may change (only those of draft editions) is decided by the admin and the imports.
    for group in Group.objects.filter(name__in=["Data entry", "Editors"]):
        group.permissions.add(*rows, *history)


def remove_metrics(apps, schema_editor):
    # Kept when a figure uses them (the figures' PROTECT would refuse anyway).
    Metric = apps.get_model("editions", "Metric")
    Metric.objects.filter(code__in=[row[0] for row in FOLLOW_THROUGH_METRICS], figures__isnull=True).delete()
    if schema_editor.connection.vendor == "postgresql":
        # The metric table is altered next, in the same transaction: PostgreSQL refuses while the deletion's
        # deferred foreign-key checks are pending, so run them now.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


class Migration(migrations.Migration):

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ('editions', '0010_edition_notes_for_readers_in_both_languages'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalSpanFigure',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('first_edition', models.PositiveSmallIntegerField(help_text='The number of the first edition the figure covers: 1 for the 1st.', verbose_name='first edition')),
                ('last_edition', models.PositiveSmallIntegerField(help_text='The number of the last edition the figure covers (the same as the first for one edition). While the portal has this edition as a draft, the figure is not public.', verbose_name='last edition')),
                ('region_en', models.CharField(blank=True, help_text='A city or prefecture the figure is limited to, such as Changchun; empty for the whole expo.', max_length=100, verbose_name='region (English)')),
                ('region_zh', models.CharField(blank=True, max_length=100, verbose_name='region (Chinese)')),
                ('value', models.DecimalField(decimal_places=2, max_digits=20, verbose_name='value')),
                ('qualifier', models.CharField(choices=[('exact', 'exactly'), ('more_than', 'over'), ('about', 'about'), ('nearly', 'nearly'), ('at_least', 'at least')], default='exact', max_length=12, verbose_name='qualifier')),
                ('stage', models.CharField(choices=[('pre_event', 'pre-event'), ('opening', 'opening'), ('closing', 'closing'), ('retrospective', 'retrospective')], default='retrospective', max_length=14, verbose_name='stage')),
                ('as_of', models.DateField(help_text='The date the statement refers to, such as 31 Dec 2014.', verbose_name='as of')),
                ('as_of_precision', models.CharField(choices=[('day', 'day'), ('year', 'year')], default='day', help_text='Year when the source gave only the year (the date is then 1 January of it).', max_length=4, verbose_name='as-of precision')),
                ('basis', models.CharField(blank=True, choices=[('contract_investment', 'contract investment · 合同引资额'), ('agreement_amount', 'agreement amount · 协议金额'), ('total_investment', 'total investment including agreements · 总投资额（含协议金额）'), ('investment_attracted', 'investment attracted · 引资额'), ('from_outside_province', 'investment from outside the province · 域外投资'), ('planned_investment', 'planned investment · 计划投资金额'), ('unspecified', 'a basis the source does not state · 来源未说明口径')], help_text="What a money figure measures, as the source's wording implies; it is summed only with edition figures of the same basis. Leave empty for figures that are not money.", max_length=24, verbose_name='basis')),
                ('wording_zh', models.CharField(blank=True, max_length=200, verbose_name='wording as published (Chinese)')),
                ('wording_en', models.CharField(blank=True, max_length=200, verbose_name='wording as published (English)')),
                ('public_note_en', models.TextField(blank=True, help_text='Shown to readers: plain words; cite a source by its reference in brackets, such as [S12].', verbose_name='public note (English)')),
                ('public_note_zh', models.TextField(blank=True, verbose_name='public note (Chinese)')),
                ('research_note', models.TextField(blank=True, help_text='For staff only: other figures, conflicts between sources; never shown to the public.', verbose_name='research note')),
                ('status', models.CharField(choices=[('draft', 'draft'), ('published', 'published')], db_index=True, default='draft', help_text='Only editors publish. A published figure is public unless its last edition is a draft here.', max_length=10, verbose_name='status')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ],
            options={
                'verbose_name': 'historical figure for several editions',
                'verbose_name_plural': 'historical figures for several editions',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalSpanFigure_sources',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
            ],
            options={
                'verbose_name': 'HistoricalSpanFigure_sources',
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='SpanFigure',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('first_edition', models.PositiveSmallIntegerField(help_text='The number of the first edition the figure covers: 1 for the 1st.', verbose_name='first edition')),
                ('last_edition', models.PositiveSmallIntegerField(help_text='The number of the last edition the figure covers (the same as the first for one edition). While the portal has this edition as a draft, the figure is not public.', verbose_name='last edition')),
                ('region_en', models.CharField(blank=True, help_text='A city or prefecture the figure is limited to, such as Changchun; empty for the whole expo.', max_length=100, verbose_name='region (English)')),
                ('region_zh', models.CharField(blank=True, max_length=100, verbose_name='region (Chinese)')),
                ('value', models.DecimalField(decimal_places=2, max_digits=20, verbose_name='value')),
                ('qualifier', models.CharField(choices=[('exact', 'exactly'), ('more_than', 'over'), ('about', 'about'), ('nearly', 'nearly'), ('at_least', 'at least')], default='exact', max_length=12, verbose_name='qualifier')),
                ('stage', models.CharField(choices=[('pre_event', 'pre-event'), ('opening', 'opening'), ('closing', 'closing'), ('retrospective', 'retrospective')], default='retrospective', max_length=14, verbose_name='stage')),
                ('as_of', models.DateField(help_text='The date the statement refers to, such as 31 Dec 2014.', verbose_name='as of')),
                ('as_of_precision', models.CharField(choices=[('day', 'day'), ('year', 'year')], default='day', help_text='Year when the source gave only the year (the date is then 1 January of it).', max_length=4, verbose_name='as-of precision')),
                ('basis', models.CharField(blank=True, choices=[('contract_investment', 'contract investment · 合同引资额'), ('agreement_amount', 'agreement amount · 协议金额'), ('total_investment', 'total investment including agreements · 总投资额（含协议金额）'), ('investment_attracted', 'investment attracted · 引资额'), ('from_outside_province', 'investment from outside the province · 域外投资'), ('planned_investment', 'planned investment · 计划投资金额'), ('unspecified', 'a basis the source does not state · 来源未说明口径')], help_text="What a money figure measures, as the source's wording implies; it is summed only with edition figures of the same basis. Leave empty for figures that are not money.", max_length=24, verbose_name='basis')),
                ('wording_zh', models.CharField(blank=True, max_length=200, verbose_name='wording as published (Chinese)')),
                ('wording_en', models.CharField(blank=True, max_length=200, verbose_name='wording as published (English)')),
                ('public_note_en', models.TextField(blank=True, help_text='Shown to readers: plain words; cite a source by its reference in brackets, such as [S12].', verbose_name='public note (English)')),
                ('public_note_zh', models.TextField(blank=True, verbose_name='public note (Chinese)')),
                ('research_note', models.TextField(blank=True, help_text='For staff only: other figures, conflicts between sources; never shown to the public.', verbose_name='research note')),
                ('status', models.CharField(choices=[('draft', 'draft'), ('published', 'published')], db_index=True, default='draft', help_text='Only editors publish. A published figure is public unless its last edition is a draft here.', max_length=10, verbose_name='status')),
            ],
            options={
                'verbose_name': 'figure for several editions',
                'verbose_name_plural': 'figures for several editions',
                'ordering': ['first_edition', 'last_edition', 'region_en', 'metric__position', 'as_of'],
            },
        ),
        migrations.RemoveConstraint(
            model_name='metric',
            name='metric_unit_valid',
        ),
        migrations.AlterField(
            model_name='metric',
            name='unit',
            field=models.CharField(choices=[('count', 'count'), ('yuan', 'yuan'), ('usd', 'US dollars'), ('m2', 'square metres'), ('percent', 'per cent')], default='count', max_length=8, verbose_name='unit'),
        ),
        migrations.AddConstraint(
            model_name='metric',
            constraint=models.CheckConstraint(condition=models.Q(('unit__in', ['count', 'yuan', 'usd', 'm2', 'percent'])), name='metric_unit_valid'),
        ),
        migrations.AddField(
            model_name='historicalspanfigure',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalspanfigure',
            name='metric',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='editions.metric', verbose_name='metric'),
        ),
        migrations.AddField(
            model_name='historicalspanfigure',
            name='primary_source',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='The source the value was taken from; listed first. Leave empty to list the sources by date.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='editions.source', verbose_name='primary source'),
        ),
        migrations.AddField(
            model_name='historicalspanfigure_sources',
            name='history',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='editions.historicalspanfigure'),
        ),
        migrations.AddField(
            model_name='historicalspanfigure_sources',
            name='source',
            field=models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='editions.source'),
        ),
        migrations.AddField(
            model_name='spanfigure',
            name='metric',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='span_figures', to='editions.metric', verbose_name='metric'),
        ),
        migrations.AddField(
            model_name='spanfigure',
            name='primary_source',
            field=models.ForeignKey(blank=True, help_text='The source the value was taken from; listed first. Leave empty to list the sources by date.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='primary_for_span_figures', to='editions.source', verbose_name='primary source'),
        ),
        migrations.AddField(
            model_name='spanfigure',
            name='sources',
            field=models.ManyToManyField(related_name='span_figures', to='editions.source', verbose_name='sources'),
        ),
        migrations.AddField(
            model_name='historicalspanfigure_sources',
            name='spanfigure',
            field=models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='editions.spanfigure'),
        ),
        migrations.AddConstraint(
            model_name='spanfigure',
            constraint=models.UniqueConstraint(fields=('first_edition', 'last_edition', 'region_en', 'metric', 'basis', 'as_of'), name='one_span_figure_per_metric_basis_and_date', violation_error_message='These editions already have a figure for this metric, basis, region and date.'),
        ),
        migrations.AddConstraint(
            model_name='spanfigure',
            constraint=models.CheckConstraint(condition=models.Q(('first_edition__gte', 1)), name='span_first_edition_positive', violation_error_message='The first edition must be 1 or more.'),
        ),
        migrations.AddConstraint(
            model_name='spanfigure',
            constraint=models.CheckConstraint(condition=models.Q(('last_edition__gte', models.F('first_edition'))), name='span_last_not_before_first', violation_error_message='The last edition cannot come before the first.'),
        ),
        migrations.AddConstraint(
            model_name='spanfigure',
            constraint=models.CheckConstraint(condition=models.Q(('value__gte', 0)), name='span_value_not_negative', violation_error_message='A reported figure cannot be negative.'),
        ),
        migrations.AddConstraint(
            model_name='spanfigure',
            constraint=models.CheckConstraint(condition=models.Q(('qualifier__in', ['exact', 'more_than', 'about', 'nearly', 'at_least'])), name='span_qualifier_valid'),
        ),
        migrations.AddConstraint(
            model_name='spanfigure',
            constraint=models.CheckConstraint(condition=models.Q(('stage__in', ['pre_event', 'opening', 'closing', 'retrospective'])), name='span_stage_valid'),
        ),
        migrations.AddConstraint(
            model_name='spanfigure',
            constraint=models.CheckConstraint(condition=models.Q(('as_of_precision__in', ['day', 'year'])), name='span_as_of_precision_valid'),
        ),
        migrations.AddConstraint(
            model_name='spanfigure',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['draft', 'published'])), name='span_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='spanfigure',
            constraint=models.CheckConstraint(condition=models.Q(('basis', ''), ('basis__in', ['contract_investment', 'agreement_amount', 'total_investment', 'investment_attracted', 'from_outside_province', 'planned_investment', 'unspecified']), _connector='OR'), name='span_basis_valid'),
        ),
        migrations.RunPython(add_metrics_and_roles, remove_metrics),
    ]
