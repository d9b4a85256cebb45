"""The names the demo loader gives the metrics and sectors it has to create.

The standard metrics and sectors come from data migrations; a database that lost those rows (flushed,
or emptied by a test) must still get their proper names in both languages, not names made from codes.
"""

import importlib

_METRICS_MIGRATION = importlib.import_module("editions.migrations.0002_standard_metrics")
_SECTORS_MIGRATION = importlib.import_module("projects.migrations.0002_standard_sectors")

# code -> the fields the data migration gives a standard metric
STANDARD_METRICS = {
    code: {"name_en": name_en, "name_zh": name_zh, "unit": unit, "position": position * 10, "is_main": is_main}
    for position, (code, name_en, name_zh, unit, is_main) in enumerate(_METRICS_MIGRATION.STANDARD_METRICS, start=1)
}

# slug -> the fields the data migration gives a standard sector
STANDARD_SECTORS = {
    slug: {"name_en": name_en, "name_zh": name_zh, "position": position * 10}
    for position, (slug, name_en, name_zh) in enumerate(_SECTORS_MIGRATION.STANDARD_SECTORS, start=1)
}

# slug -> Chinese name, for the sectors the releases name; the data files leave some Chinese names blank.
SECTOR_NAMES_ZH = {
    **{slug: fields["name_zh"] for slug, fields in STANDARD_SECTORS.items()},
    "services": "服务业",
    "agro-processing": "农产品加工",
    "medicine-and-health": "医药健康",
    "metallurgy-and-building-materials": "冶金建材",
    "new-and-clean-energy": "新能源和清洁能源",
    "medical-and-elderly-care": "医疗养老",
    "green-food-and-agro-processing": "绿色食品及农产品加工",
    "light-industry-and-textiles": "轻工纺织",
}
