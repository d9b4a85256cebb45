"""What a figure measures (basis, published wording, definition), public notes beside the research note,
the source each figure and band was taken from, and the names releases published for a canonical sector.

Each existing figure and band gets as primary source the one pages listed first until now (the earliest),
so nothing a reader sees moves.
"""

import django.db.models.deletion
from django.db import migrations, models


def _earliest(sources):
    return min(sources, key=lambda source: (source.published_on is None, source.published_on, source.key), default=None)


def set_primary_sources(apps, schema_editor):
    for name in ("ReportedFigure", "ReportedBand"):
        model = apps.get_model("editions", name)
        changed = []
        for row in model.objects.filter(primary_source__isnull=True).prefetch_related("sources"):
            row.primary_source = _earliest(row.sources.all())
            if row.primary_source is not None:
                changed.append(row)
        model.objects.bulk_update(changed, ["primary_source"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ('editions', '0008_figure_notes_for_readers_and_staff'),
    ]

    operations = [
        migrations.AddField(
            model_name='edition',
            name='research_note',
            field=models.TextField(blank=True, help_text='For staff only: other figures, conflicts between sources; never shown to the public.', verbose_name='research note'),
        ),
        migrations.AddField(
            model_name='historicaledition',
            name='research_note',
            field=models.TextField(blank=True, help_text='For staff only: other figures, conflicts between sources; never shown to the public.', verbose_name='research note'),
        ),
        migrations.AddField(
            model_name='historicalreportedfigure',
            name='basis',
            field=models.CharField(blank=True, choices=[('contract_investment', 'contract investment · 合同引资额'), ('agreement_amount', 'agreement amount · 协议金额'), ('total_investment', 'total investment including agreements · 总投资额（含协议金额）'), ('investment_attracted', 'investment attracted · 引资额'), ('from_outside_province', 'investment from outside the province · 域外投资'), ('planned_investment', 'planned investment · 计划投资金额'), ('unspecified', 'a basis the source does not state · 来源未说明口径')], help_text="What a money figure measures, as the source's wording implies. Figures of different bases are never compared as like for like. Leave empty for figures that are not money.", max_length=24, verbose_name='basis'),
        ),
        migrations.AddField(
            model_name='historicalreportedfigure',
            name='definition_en',
            field=models.CharField(blank=True, help_text="Only where this edition counts differently from the metric's definition, e.g. deputy-minister level and above only. Figures of different definitions are not like for like.", max_length=300, verbose_name='definition (English)'),
        ),
        migrations.AddField(
            model_name='historicalreportedfigure',
            name='definition_zh',
            field=models.CharField(blank=True, max_length=300, verbose_name='definition (Chinese)'),
        ),
        migrations.AddField(
            model_name='historicalreportedfigure',
            name='primary_source',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='The source the value was taken from; listed first. Leave empty to list the sources by date.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='editions.source', verbose_name='primary source'),
        ),
        migrations.AddField(
            model_name='historicalreportedfigure',
            name='public_note_en',
            field=models.TextField(blank=True, help_text='Shown to readers: plain words; cite a source by its reference in brackets, such as [S12].', verbose_name='public note (English)'),
        ),
        migrations.AddField(
            model_name='historicalreportedfigure',
            name='public_note_zh',
            field=models.TextField(blank=True, verbose_name='public note (Chinese)'),
        ),
        migrations.AddField(
            model_name='historicalreportedfigure',
            name='wording_en',
            field=models.CharField(blank=True, help_text='For example contract investment.', max_length=200, verbose_name='wording as published (English)'),
        ),
        migrations.AddField(
            model_name='historicalreportedfigure',
            name='wording_zh',
            field=models.CharField(blank=True, help_text='For example 合同引资额.', max_length=200, verbose_name='wording as published (Chinese)'),
        ),
        migrations.AddField(
            model_name='metric',
            name='definition_en',
            field=models.TextField(blank=True, help_text="What every edition's figure counts, in plain words for readers.", verbose_name='definition (English)'),
        ),
        migrations.AddField(
            model_name='metric',
            name='definition_zh',
            field=models.TextField(blank=True, verbose_name='definition (Chinese)'),
        ),
        migrations.AddField(
            model_name='reportedband',
            name='primary_source',
            field=models.ForeignKey(blank=True, help_text='The source the value was taken from; listed first. Leave empty to list the sources by date.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='primary_for_bands', to='editions.source', verbose_name='primary source'),
        ),
        migrations.AddField(
            model_name='reportedband',
            name='public_note_en',
            field=models.TextField(blank=True, help_text='Shown to readers: plain words; cite a source by its reference in brackets, such as [S12].', verbose_name='public note (English)'),
        ),
        migrations.AddField(
            model_name='reportedband',
            name='public_note_zh',
            field=models.TextField(blank=True, verbose_name='public note (Chinese)'),
        ),
        migrations.AddField(
            model_name='reportedfigure',
            name='basis',
            field=models.CharField(blank=True, choices=[('contract_investment', 'contract investment · 合同引资额'), ('agreement_amount', 'agreement amount · 协议金额'), ('total_investment', 'total investment including agreements · 总投资额（含协议金额）'), ('investment_attracted', 'investment attracted · 引资额'), ('from_outside_province', 'investment from outside the province · 域外投资'), ('planned_investment', 'planned investment · 计划投资金额'), ('unspecified', 'a basis the source does not state · 来源未说明口径')], help_text="What a money figure measures, as the source's wording implies. Figures of different bases are never compared as like for like. Leave empty for figures that are not money.", max_length=24, verbose_name='basis'),
        ),
        migrations.AddField(
            model_name='reportedfigure',
            name='definition_en',
            field=models.CharField(blank=True, help_text="Only where this edition counts differently from the metric's definition, e.g. deputy-minister level and above only. Figures of different definitions are not like for like.", max_length=300, verbose_name='definition (English)'),
        ),
        migrations.AddField(
            model_name='reportedfigure',
            name='definition_zh',
            field=models.CharField(blank=True, max_length=300, verbose_name='definition (Chinese)'),
        ),
        migrations.AddField(
            model_name='reportedfigure',
            name='primary_source',
            field=models.ForeignKey(blank=True, help_text='The source the value was taken from; listed first. Leave empty to list the sources by date.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='primary_for_figures', to='editions.source', verbose_name='primary source'),
        ),
        migrations.AddField(
            model_name='reportedfigure',
            name='public_note_en',
            field=models.TextField(blank=True, help_text='Shown to readers: plain words; cite a source by its reference in brackets, such as [S12].', verbose_name='public note (English)'),
        ),
        migrations.AddField(
            model_name='reportedfigure',
            name='public_note_zh',
            field=models.TextField(blank=True, verbose_name='public note (Chinese)'),
        ),
        migrations.AddField(
            model_name='reportedfigure',
            name='wording_en',
            field=models.CharField(blank=True, help_text='For example contract investment.', max_length=200, verbose_name='wording as published (English)'),
        ),
        migrations.AddField(
            model_name='reportedfigure',
            name='wording_zh',
            field=models.CharField(blank=True, help_text='For example 合同引资额.', max_length=200, verbose_name='wording as published (Chinese)'),
        ),
        migrations.AddField(
            model_name='reportedsector',
            name='published_name_en',
            field=models.CharField(blank=True, help_text="The release's own words, such as “medical and elderly care”; empty when it used the sector's.", max_length=200, verbose_name='name as published (English)'),
        ),
        migrations.AddField(
            model_name='reportedsector',
            name='published_name_zh',
            field=models.CharField(blank=True, max_length=200, verbose_name='name as published (Chinese)'),
        ),
        migrations.AlterField(
            model_name='edition',
            name='notes',
            field=models.TextField(blank=True, help_text='Shown to readers: plain words; cite a source by its reference in brackets, such as [S12].', verbose_name='notes'),
        ),
        migrations.AlterField(
            model_name='historicaledition',
            name='notes',
            field=models.TextField(blank=True, help_text='Shown to readers: plain words; cite a source by its reference in brackets, such as [S12].', verbose_name='notes'),
        ),
        migrations.AlterField(
            model_name='historicalreportedfigure',
            name='research_note',
            field=models.TextField(blank=True, help_text='For staff only: other figures, conflicts between sources; never shown to the public.', verbose_name='research note'),
        ),
        migrations.AlterField(
            model_name='reportedband',
            name='research_note',
            field=models.TextField(blank=True, help_text='For staff only: other figures, conflicts between sources; never shown to the public.', verbose_name='research note'),
        ),
        migrations.AlterField(
            model_name='reportedfigure',
            name='research_note',
            field=models.TextField(blank=True, help_text='For staff only: other figures, conflicts between sources; never shown to the public.', verbose_name='research note'),
        ),
        migrations.AlterField(
            model_name='reportedsector',
            name='sector',
            field=models.ForeignKey(help_text="The sector every edition's comparisons use for the name the release published.", on_delete=django.db.models.deletion.PROTECT, related_name='reported_in', to='editions.sector', verbose_name='canonical sector'),
        ),
        migrations.AddConstraint(
            model_name='reportedfigure',
            constraint=models.CheckConstraint(condition=models.Q(('basis', ''), ('basis__in', ['contract_investment', 'agreement_amount', 'total_investment', 'investment_attracted', 'from_outside_province', 'planned_investment', 'unspecified']), _connector='OR'), name='figure_basis_valid'),
        ),
        migrations.AlterConstraint(
            model_name='reportedsector',
            name='one_reported_sector_per_edition',
            constraint=models.UniqueConstraint(fields=('edition', 'sector'), name='one_reported_sector_per_edition', violation_error_message="This edition's release already names a sector mapped to this canonical sector."),
        ),
        migrations.RunPython(set_primary_sources, migrations.RunPython.noop),
    ]
