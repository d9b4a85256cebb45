"""A figure's or band's note was shown to every reader, though written for researchers: it becomes the staff-only
research note (nothing is lost), beside new public notes in plain words, in both languages."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("editions", "0007_chinese_city_venue_notes_and_source_names")]

    operations = [
        migrations.RenameField("reportedfigure", "note", "research_note"),
        migrations.RenameField("historicalreportedfigure", "note", "research_note"),
        migrations.RenameField("reportedband", "note", "research_note"),
    ]
