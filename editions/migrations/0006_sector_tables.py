"""The sector tables take the editions app's names, and their permissions follow them.

Groups keep their permissions: the content types are renamed, not created anew.
"""

from django.db import migrations

MOVED = ["sector", "historicalsector", "reportedsector"]


def move_content_types(apps, schema_editor, source="projects", target="editions"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label=target, model=model).exists():
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="editions", target="projects")


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('editions', '0005_sectors_from_projects'),
        ('projects', '0005_sectors_to_editions_and_tokens_to_core'),
    ]

    operations = [
        migrations.RunPython(move_content_types, move_content_types_back),
        migrations.AlterModelTable(name='sector', table=None),
        migrations.AlterModelTable(name='historicalsector', table=None),
        migrations.AlterModelTable(name='reportedsector', table=None),
    ]
