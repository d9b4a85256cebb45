"""The canonical sectors import and export on their own, as the metrics do: editors only, by slug; the
template's example row imports nothing."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from editions.models import Sector
from tests.editions.test_bulk_imports import exported, import_file, preview
from tests.factories import SectorFactory
from tests.staff_helpers import login, role_user

pytestmark = pytest.mark.django_db

SECTOR_ROWS = [{"slug": "digital-economy", "name_en": "Digital economy", "name_zh": "数字经济", "position": "45"}]


def test_an_editor_imports_sectors_renames_one_and_exports_them(client):
    renamed = SectorFactory(slug="new-energy-import", name_en="New energy (old name)", name_zh="新能源", position=3)
    login(client, role_user("Editors"))
    rows = [*SECTOR_ROWS, {"slug": "new-energy-import", "name_en": "New and clean energy", "name_zh": "新能源",
                           "position": "3"}]  # fmt: skip
    import_file(client, "sector", rows)

    added = Sector.objects.get(slug="digital-economy")
    assert (added.name_en, added.name_zh, added.position) == ("Digital economy", "数字经济", 45)
    renamed.refresh_from_db()
    assert renamed.name_en == "New and clean energy"
    assert renamed.history.count() == 2  # the rename is in its history, as a change through the form would be
    exported_rows = {row["slug"]: row for row in exported(client, "sector")}
    assert exported_rows["digital-economy"] == SECTOR_ROWS[0]


def test_data_entry_imports_no_sectors_as_it_changes_none(client):
    login(client, role_user("Data entry"))
    assert client.get(reverse("admin:editions_sector_import")).status_code == 403
    assert client.get(reverse("admin:editions_sector_import_template", args=["csv"])).status_code == 403


def test_the_untouched_template_imports_no_sector(client):
    login(client, role_user("Editors"))
    template = client.get(reverse("admin:editions_sector_import_template", args=["csv"]))
    rows = template.content.decode("utf-8-sig").splitlines()
    assert rows[0] == "slug,name_en,name_zh,position"
    assert rows[1].startswith("example,")
    previewed = preview(client, "sector", [dict(zip(rows[0].split(","), rows[1].split(","), strict=True))])
    assertContains(previewed, "this is the template&#x27;s example row (sector example)")
    assert not Sector.objects.filter(slug="example").exists()


def test_a_slug_with_spaces_is_a_sentence(client):
    login(client, role_user("Editors"))
    previewed = preview(client, "sector", [{**SECTOR_ROWS[0], "slug": "Digital economy"}])
    assertContains(
        previewed, "slug may hold only lower-case letters, digits, - and _ (got &#x27;Digital economy&#x27;)"
    )
    assert not Sector.objects.filter(name_en="Digital economy").exists()


def test_the_sector_form_refuses_the_example_slug(client):
    login(client, role_user("Editors"))
    response = client.post(
        reverse("admin:editions_sector_add"), {"slug": "example", "name_en": "Example", "position": "100"}
    )
    assertContains(response, "“example” is the slug of the import template&#x27;s example row; choose another slug.")
    assert not Sector.objects.filter(slug="example").exists()
