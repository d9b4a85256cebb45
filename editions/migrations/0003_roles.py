"""The publish permission and the two staff roles: Data entry and Editors.

Object-level rules (data entry touches only draft editions) are enforced by the admin and the
services; these groups carry the model permissions.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# (app label, model names, actions)
DATA_ENTRY = [
    ("editions", ["edition", "metric"], ["view"]),
    ("editions", ["source"], ["add", "change", "view"]),
    ("editions", ["reportedfigure", "reportedband"], ["add", "change", "delete", "view"]),
    ("projects", ["sector"], ["view"]),
    ("projects", ["project", "reportedsector"], ["add", "change", "delete", "view"]),
    (
        "editions",
        ["historicaledition", "historicalsource", "historicalreportedfigure"],
        ["view"],
    ),
    ("projects", ["historicalproject", "historicalsector"], ["view"]),
]
EDITOR_MODELS = [
    ("editions", ["edition", "metric", "source", "reportedfigure", "reportedband"]),
    ("projects", ["sector", "project", "reportedsector"]),
]
EDITOR_HISTORY = [
    ("editions", ["historicaledition", "historicalsource", "historicalreportedfigure"]),
    ("projects", ["historicalproject", "historicalsector"]),
]
GROUPS = ["Data entry", "Editors"]


def _permission(Permission, app_label, model, action):
    return Permission.objects.get(
        content_type__app_label=app_label, content_type__model=model, codename=f"{action}_{model}"
    )


def add_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; create them now so the groups can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    data_entry, _ = Group.objects.get_or_create(name="Data entry")
    data_entry.permissions.set(
        [
            _permission(Permission, app_label, model, action)
            for app_label, models, actions in DATA_ENTRY
            for model in models
            for action in actions
        ]
    )
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.set(
        [
            _permission(Permission, app_label, model, action)
            for app_label, models in EDITOR_MODELS
            for model in models
            for action in ["add", "change", "delete", "view"]
        ]
        + [
            _permission(Permission, app_label, model, "view")
            for app_label, models in EDITOR_HISTORY
            for model in models
        ]
        + [_permission(Permission, "editions", "edition", "publish")]
    )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("editions", "0002_standard_metrics"),
        ("projects", "0002_standard_sectors"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="edition",
            options={
                "ordering": ["number"],
                "permissions": [("publish_edition", "Can publish and unpublish editions")],
                "verbose_name": "edition",
                "verbose_name_plural": "editions",
            },
        ),
        migrations.RunPython(add_roles, remove_roles),
    ]
