"""Data entry may add editions and change them while they are drafts (issue: entering an edition in minutes).

The admin keeps the object-level rule: a user who cannot publish changes only draft editions, and an edition's
status never comes from a form (publishing goes through the publishing service), so a new edition is a draft.
"""

from django.db import migrations

GRANTED = ["add_edition", "change_edition"]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    data_entry = Group.objects.filter(name="Data entry").first()
    if data_entry is not None:
        data_entry.permissions.add(
            *Permission.objects.filter(content_type__app_label="editions", codename__in=GRANTED)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    data_entry = Group.objects.filter(name="Data entry").first()
    if data_entry is not None:
        data_entry.permissions.remove(
            *Permission.objects.filter(content_type__app_label="editions", codename__in=GRANTED)
        )


class Migration(migrations.Migration):
    dependencies = [("editions", "0011_span_figures"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(grant, revoke)]
