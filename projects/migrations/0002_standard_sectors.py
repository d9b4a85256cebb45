"""A starting list of sectors; staff edit it in the admin."""

from django.db import migrations

# slug, English name, Chinese name
STANDARD_SECTORS = [
    ("new-energy", "New energy", "新能源"),
    ("modern-agriculture", "Modern agriculture", "现代农业"),
    ("equipment-manufacturing", "Equipment manufacturing", "装备制造"),
    ("pharmaceuticals", "Pharmaceuticals", "医药"),
    ("healthcare", "Healthcare", "医疗健康"),
    ("modern-services", "Modern services", "现代服务业"),
    ("autos-and-parts", "Autos and parts", "汽车及零部件"),
    ("new-materials", "New materials", "新材料"),
    ("electronics-and-high-tech", "Electronics and high tech", "电子信息和高新技术"),
    ("culture-and-tourism", "Culture and tourism", "文化旅游"),
    ("logistics-and-trade", "Logistics and trade", "物流商贸"),
    ("petrochemicals", "Petrochemicals", "石油化工"),
]


def add_sectors(apps, schema_editor):
    Sector = apps.get_model("projects", "Sector")
    for position, (slug, name_en, name_zh) in enumerate(STANDARD_SECTORS, start=1):
        Sector.objects.update_or_create(
            slug=slug, defaults={"name_en": name_en, "name_zh": name_zh, "position": position * 10}
        )


def remove_sectors(apps, schema_editor):
    Sector = apps.get_model("projects", "Sector")
    Sector.objects.filter(slug__in=[row[0] for row in STANDARD_SECTORS], projects__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]
    operations = [migrations.RunPython(add_sectors, remove_sectors)]
