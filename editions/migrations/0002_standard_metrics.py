"""The standard kinds of headline figure. Staff add others in the admin."""

from django.db import migrations

# code, English name, Chinese name, unit, main figure
STANDARD_METRICS = [
    ("countries_regions", "Countries and regions", "国家和地区", "count", True),
    ("participants", "Participants", "参会客商", "count", True),
    ("visits", "Visits", "参观人次", "count", False),
    ("senior_officials", "Senior officials", "副部级以上嘉宾", "count", False),
    ("senior_officials_countries", "Countries and regions of senior officials", "嘉宾来自国家和地区", "count", False),
    ("diplomatic_envoys", "Diplomatic envoys", "驻华使节", "count", False),
    ("diplomatic_envoys_countries", "Countries of diplomatic envoys", "使节来自国家", "count", False),
    ("exhibitors", "Exhibiting enterprises and institutions", "参展企业和机构", "count", True),
    ("foreign_exhibitors", "Foreign exhibitors", "境外参展企业", "count", False),
    ("foreign_exhibitor_countries", "Countries and regions of foreign exhibitors", "境外参展企业来自国家和地区", "count", False),
    ("product_varieties", "Product varieties", "展品种类", "count", False),
    ("booths", "Standard booths", "标准展位", "count", False),
    ("halls", "Exhibition halls", "展馆", "count", False),
    ("exhibition_area_m2", "Exhibition area", "展览面积", "m2", False),
    ("fortune500_companies", "Fortune Global 500 companies", "世界500强企业", "count", False),
    ("events", "Forums, meetings and events", "会议和活动", "count", False),
    ("online_exhibitors", "Online exhibitors", "线上参展企业", "count", False),
    ("online_exhibits", "Online exhibits", "线上展品", "count", False),
    ("online_visits", "Online visits", "线上访问量", "count", False),
    ("projects_signed", "Projects signed", "签约项目", "count", True),
    ("contract_projects", "Contract projects", "合同项目", "count", False),
    ("agreement_projects", "Agreement projects", "协议项目", "count", False),
    ("signed_value", "Total signed value", "签约总额", "yuan", True),
    ("contract_value", "Contract value", "合同引资额", "yuan", False),
    ("agreement_value", "Agreement value", "协议金额", "yuan", False),
    ("foreign_trade", "Foreign-trade deals", "外贸成交额", "usd", False),
    ("domestic_trade", "Domestic-trade deals", "内贸成交额", "yuan", False),
]


def add_metrics(apps, schema_editor):
    Metric = apps.get_model("editions", "Metric")
    for position, (code, name_en, name_zh, unit, is_main) in enumerate(STANDARD_METRICS, start=1):
        Metric.objects.update_or_create(
            code=code,
            defaults={"name_en": name_en, "name_zh": name_zh, "unit": unit, "position": position * 10, "is_main": is_main},
        )


def remove_metrics(apps, schema_editor):
    Metric = apps.get_model("editions", "Metric")
    Metric.objects.filter(code__in=[row[0] for row in STANDARD_METRICS], figures__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("editions", "0001_initial")]
    operations = [migrations.RunPython(add_metrics, remove_metrics)]
