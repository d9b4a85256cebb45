"""Backups: dump everything, restore into an emptied database, and every row comes back."""

import gzip
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from core.management.commands.backup_data import excluded
from editions.models import Edition, Metric, Sector
from projects.models import Project
from tests.factories import (
    EditionFactory,
    ProjectFactory,
    ReportedBandFactory,
    ReportedFigureFactory,
    ReportedSectorFactory,
    SourceFactory,
    SuperuserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def backed_up_models():
    excluded_apps = {label for label in excluded() if "." not in label}
    excluded_models = {label.lower() for label in excluded() if "." in label}
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label not in excluded_apps and model._meta.label_lower not in excluded_models
    ]


def snapshot() -> dict[str, list[dict]]:
    """Every row of every backed-up model, with foreign keys to content types and users by natural key."""
    rows = {}
    for model in backed_up_models():
        queryset = model._base_manager.order_by("pk")
        rows[model._meta.label] = serializers.serialize("python", queryset, use_natural_foreign_keys=True)
    rows["contenttypes"] = sorted(ContentType.objects.values_list("app_label", "model"))
    rows["permissions"] = sorted(
        Permission.objects.values_list("content_type__app_label", "content_type__model", "codename")
    )
    return rows


def empty_database():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The test's own transaction has pending foreign-key checks; TRUNCATE needs them done.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def portal_data():
    admin_user = SuperuserFactory(username="archivist")
    editor = UserFactory(username="editor", is_staff=True)
    group, _ = Group.objects.get_or_create(name="Editors")  # the roles migration creates it
    group.permissions.set(Permission.objects.filter(codename__in=["change_project", "view_edition"]))
    editor.groups.add(group)
    source = SourceFactory(title="Closing release — 闭幕新闻稿")
    published = EditionFactory(number=14, published_by=admin_user, notes="Line one\nline two")
    draft = EditionFactory(number=15, draft=True, name_en="Draft edition, not public")
    ReportedFigureFactory(edition=published, value=Decimal("84475000000.00"), sources=[source])
    ReportedBandFactory(edition=published, sources=[source])
    ReportedSectorFactory(edition=published)
    ProjectFactory.create_batch(3, edition=published, source=source)
    ProjectFactory(edition=draft, international=True, title="风电场 =1+1 <b>")
    project = Project.objects.first()
    project.title = "Renamed after signing"
    project.save()  # a second history row
    LogEntry.objects.log_actions(
        user_id=admin_user.pk, queryset=[project], action_flag=ADDITION, change_message="Added."
    )


def test_backup_restores_every_row_of_every_model_into_an_emptied_database(portal_data, tmp_path):
    before = snapshot()
    assert Edition.objects.count() == 2 and Project.objects.count() == 4 and LogEntry.objects.count() == 1
    assert len(before["editions.HistoricalEdition"]) >= 2
    backup = tmp_path / "portal.json"

    call_command("backup_data", str(backup), verbosity=0)
    empty_database()
    assert Edition.objects.count() == 0 and Metric.objects.count() == 0 and Sector.objects.count() == 0
    call_command("restore_data", str(backup), interactive=False, verbosity=0)

    after = snapshot()
    assert after.keys() == before.keys()
    for label, rows in before.items():
        assert after[label] == rows, f"{label} differs after the restore"


def test_a_compressed_backup_restores_too(portal_data, tmp_path):
    before = snapshot()
    backup = tmp_path / "portal.json.gz"
    call_command("backup_data", str(backup), verbosity=0)
    assert gzip.decompress(backup.read_bytes()).startswith(b"[")
    Edition.objects.filter(number=14).update(name_en="Changed after the backup")
    call_command("restore_data", str(backup), interactive=False, verbosity=0)
    assert snapshot() == before


def test_a_broken_backup_changes_nothing(portal_data, tmp_path):
    before = snapshot()
    good, broken = tmp_path / "good.json", tmp_path / "broken.json"
    call_command("backup_data", str(good), verbosity=0)
    text = good.read_text(encoding="utf-8")
    broken.write_text(text[: len(text) // 2], encoding="utf-8")  # cut off half-way
    with pytest.raises(Exception):  # noqa: B017 - loaddata reports it as it likes; what matters is below
        call_command("restore_data", str(broken), interactive=False, verbosity=0)
    assert snapshot() == before


def test_restore_refuses_a_missing_file_or_a_wrong_name(tmp_path):
    with pytest.raises(CommandError, match="No backup file at"):
        call_command("restore_data", str(tmp_path / "missing.json"), interactive=False)
    with pytest.raises(CommandError, match="must end with one of"):
        call_command("backup_data", str(tmp_path / "portal.sql"))


def test_restore_asks_before_replacing_everything(portal_data, tmp_path, monkeypatch):
    backup = tmp_path / "portal.json"
    call_command("backup_data", str(backup), verbosity=0)
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("restore_data", str(backup))
    assert Edition.objects.count() == 2
