"""Illustrative projects for one edition: plausible titles, parties, places and dates around exact values.

No database: the caller passes the edition, its sectors and the published numbers, and saves the result.
"""

import datetime
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from demo.data import DemoDataError
from demo.values import ValueRange, allocate_values
from projects.models import ProjectKind, ProjectStatus, Scope


@dataclass(frozen=True)
class ProjectGroup:
    """Projects counted together in a release: `count` of one kind worth `total` yuan in all."""

    kind: str
    count: int
    total: Decimal
    ranges: list[ValueRange] = field(default_factory=list)


# Keyword in a sector's English name -> (English, Chinese) kinds of project. First match wins.
THEMES = [
    (
        ("energy",),
        [
            ("Wind farm", "风电场"),
            ("Photovoltaic power station", "光伏电站"),
            ("Hydrogen production base", "氢能制备基地"),
            ("Energy storage station", "储能电站"),
            ("Biomass power plant", "生物质发电厂"),
        ],
    ),
    (
        ("agricult", "agro", "food"),
        [
            ("Rice processing plant", "稻米加工厂"),
            ("Corn deep-processing plant", "玉米深加工厂"),
            ("Beef cattle breeding base", "肉牛养殖基地"),
            ("Cold-chain food park", "冷链食品产业园"),
            ("Ginseng processing centre", "人参加工中心"),
        ],
    ),
    (
        ("equipment", "machinery"),
        [
            ("Rail vehicle parts plant", "轨道客车配件厂"),
            ("Farm machinery plant", "农机装备制造厂"),
            ("Precision machining centre", "精密加工中心"),
            ("Intelligent equipment park", "智能装备产业园"),
        ],
    ),
    (
        ("care", "elderly"),
        [
            ("Rehabilitation hospital", "康复医院"),
            ("Elderly care community", "养老社区"),
            ("Health check-up centre", "健康体检中心"),
            ("Hot-spring wellness resort", "温泉康养度假区"),
        ],
    ),
    (
        ("pharma", "medic"),
        [
            ("Biopharmaceutical plant", "生物制药厂"),
            ("Herbal medicine extraction plant", "中药提取厂"),
            ("Vaccine production line", "疫苗生产线"),
            ("Medical device plant", "医疗器械厂"),
        ],
    ),
    (
        ("health",),
        [
            ("Rehabilitation hospital", "康复医院"),
            ("Health check-up centre", "健康体检中心"),
            ("Health industry park", "大健康产业园"),
        ],
    ),
    (
        ("auto", "vehicle"),
        [
            ("Auto parts plant", "汽车零部件厂"),
            ("Electric vehicle battery plant", "新能源汽车电池厂"),
            ("Vehicle interior plant", "汽车内饰件厂"),
        ],
    ),
    (
        ("metallurg", "building"),
        [
            ("Steel rolling mill", "钢材轧制厂"),
            ("Prefabricated building plant", "装配式建筑构件厂"),
            ("Cement plant upgrade", "水泥厂技术改造"),
        ],
    ),
    (
        ("material",),
        [
            ("Carbon fibre plant", "碳纤维厂"),
            ("Basalt fibre plant", "玄武岩纤维厂"),
            ("Advanced ceramics plant", "先进陶瓷厂"),
        ],
    ),
    (
        ("electronic", "tech"),
        [
            ("Optoelectronics park", "光电子产业园"),
            ("Satellite applications centre", "卫星应用中心"),
            ("Chip packaging plant", "芯片封装厂"),
            ("Software park", "软件园"),
        ],
    ),
    (
        ("culture", "touris"),
        [("Ski resort", "滑雪度假区"), ("Cultural tourism town", "文旅小镇"), ("Theme park", "主题公园")],
    ),
    (
        ("logistic", "trade"),
        [("Logistics park", "物流园区"), ("Bonded warehouse", "保税仓库"), ("Trade centre", "商贸中心")],
    ),
    (
        ("petro", "chemic"),
        [
            ("Fine chemicals plant", "精细化工厂"),
            ("Refinery upgrade", "炼化升级改造"),
            ("Chemical materials park", "化工新材料产业园"),
        ],
    ),
    (
        ("textile", "light industry"),
        [("Textile mill", "纺织厂"), ("Furniture plant", "家具厂"), ("Garment industrial park", "服装产业园")],
    ),
    (
        ("service",),
        [
            ("Cross-border e-commerce centre", "跨境电商中心"),
            ("Business services park", "商务服务园区"),
            ("Financial leasing centre", "融资租赁中心"),
            ("Data centre", "数据中心"),
        ],
    ),
]

# (English, Chinese, weight): where in the host province a project is built.
CITIES = [
    ("Changchun", "长春", 8), ("Jilin City", "吉林", 4), ("Siping", "四平", 2), ("Liaoyuan", "辽源", 1),
    ("Tonghua", "通化", 2), ("Baishan", "白山", 1), ("Songyuan", "松原", 2), ("Baicheng", "白城", 2),
    ("Yanji", "延吉", 2), ("Hunchun", "珲春", 2), ("Meihekou", "梅河口", 1), ("Gongzhuling", "公主岭", 1),
]  # fmt: skip

# ISO code -> (English, Chinese, weight). Hong Kong, Macao and Taiwan are regions.
PARTNERS = {
    "RU": ("Russia", "俄罗斯", 6), "JP": ("Japan", "日本", 5), "KR": ("South Korea", "韩国", 6),
    "MN": ("Mongolia", "蒙古国", 3), "HK": ("Hong Kong", "中国香港", 6), "DE": ("Germany", "德国", 3),
    "SG": ("Singapore", "新加坡", 3), "US": ("the United States", "美国", 2), "FR": ("France", "法国", 1),
    "GB": ("the United Kingdom", "英国", 1), "IT": ("Italy", "意大利", 1), "MY": ("Malaysia", "马来西亚", 1),
    "TH": ("Thailand", "泰国", 1), "AU": ("Australia", "澳大利亚", 1), "TW": ("Taiwan", "中国台湾", 1),
    "MO": ("Macao", "中国澳门", 1),
}  # fmt: skip

# Where the other party of a domestic project comes from.
PROVINCES = [
    ("Beijing", "北京"), ("Shanghai", "上海"), ("Guangdong", "广东"), ("Zhejiang", "浙江"), ("Jiangsu", "江苏"),
    ("Shandong", "山东"), ("Fujian", "福建"), ("Tianjin", "天津"), ("Hubei", "湖北"), ("Sichuan", "四川"),
    ("Jilin", "吉林"),
]  # fmt: skip

INTERNATIONAL_SHARE = 0.35
KIND_WORDS = {
    ProjectKind.CONTRACT: ("contract project", "合同项目"),
    ProjectKind.AGREEMENT: ("agreement project", "协议项目"),
    ProjectKind.INTENT: ("letter of intent", "意向项目"),
}


def _themes_for(sector) -> list[tuple[str, str]]:
    name = sector.name_en.lower()
    for keywords, themes in THEMES:
        if any(keyword in name for keyword in keywords):
            return themes
    return [(f"{sector.name_en} project", f"{sector.name_zh or sector.name_en}项目")]


def _statuses(year: int) -> tuple[list[str], list[int]]:
    """Recent editions' projects are mostly still signed or being built; older ones mostly run or stalled."""
    if year >= 2021:
        return [ProjectStatus.SIGNED, ProjectStatus.UNDER_CONSTRUCTION, ProjectStatus.OPERATING], [5, 4, 1]
    statuses = [ProjectStatus.OPERATING, ProjectStatus.UNDER_CONSTRUCTION, ProjectStatus.SIGNED, ProjectStatus.STALLED]
    return statuses, [11, 3, 2, 4]


def _signing_date(edition, rng: random.Random) -> datetime.date:
    start, end = edition.start_date, edition.end_date or edition.start_date
    if start is None:
        start, end = datetime.date(edition.year, 1, 1), datetime.date(edition.year, 12, 31)
    return start + datetime.timedelta(days=rng.randint(0, (end - start).days))


def _assign_sectors(sectors: list, count: int, rng: random.Random) -> list:
    """Every sector at least once (when there are enough projects), the rest at random."""
    if not sectors:
        raise DemoDataError("There are no sectors to spread the illustrative projects over.")
    chosen = list(sectors[:count]) + [rng.choice(sectors) for _ in range(count - len(sectors))]
    rng.shuffle(chosen)
    return chosen


def _government_zh(city_zh: str) -> str:
    return f"{city_zh}市人民政府" if not city_zh.endswith("市") else f"{city_zh}人民政府"


def generate_projects(*, edition, groups: list[ProjectGroup], sectors: list, seed: int) -> list[dict]:
    """Field values of an edition's illustrative projects; counts and totals match `groups` exactly.

    Deterministic: the same edition, groups, sectors and seed give the same projects.
    """
    rng = random.Random(f"{seed}:{edition.number}")
    values_and_kinds = []
    for group in groups:
        ranges = group.ranges or [ValueRange(Decimal(0), None, group.count)]
        if sum(value_range.count for value_range in ranges) != group.count:
            raise DemoDataError(f"The {edition.ordinal} edition's bands do not cover its {group.count} projects.")
        values_and_kinds += [(value, group.kind) for value in allocate_values(ranges, group.total, rng)]
    rng.shuffle(values_and_kinds)

    assigned = _assign_sectors(sectors, len(values_and_kinds), rng)
    city_names, city_weights = zip(*[(city[:2], city[2]) for city in CITIES], strict=True)
    partner_codes = list(PARTNERS)
    partner_weights = [PARTNERS[code][2] for code in partner_codes]
    statuses, status_weights = _statuses(edition.year)
    seen = Counter()
    projects = []
    for (value, kind), sector in zip(values_and_kinds, assigned, strict=True):
        theme_en, theme_zh = rng.choice(_themes_for(sector))
        city_en, city_zh = rng.choices(city_names, city_weights)[0]
        seen[theme_en, city_en] += 1
        phase = seen[theme_en, city_en]
        title = f"{theme_en} in {city_en}" + (f", phase {phase}" if phase > 1 else "")
        title_zh = f"{city_zh}{theme_zh}" + (f"{phase}期" if phase > 1 else "") + "项目"
        if rng.random() < INTERNATIONAL_SHARE:
            scope, partner = Scope.INTERNATIONAL, rng.choices(partner_codes, partner_weights)[0]
            origin_en, origin_zh = PARTNERS[partner][:2]
        else:
            scope, partner = Scope.DOMESTIC, ""
            origin_en, origin_zh = rng.choice(PROVINCES)
        kind_en, kind_zh = KIND_WORDS[kind]
        projects.append(
            {
                "edition": edition,
                "title": title,
                "title_zh": title_zh,
                "sector": sector,
                "scope": scope,
                "partner": partner,
                "parties": f"{city_en} municipal government; a company from {origin_en}",
                "parties_zh": f"{_government_zh(city_zh)}；{origin_zh}企业",
                "location": f"{city_en}, Jilin",
                "value": value,
                "signed_on": _signing_date(edition, rng),
                "description": (
                    f"Illustrative demo record, not a real project: a {sector.name_en.lower()} {kind_en} "
                    f"signed at the {edition.ordinal} edition of the expo."
                ),
                "description_zh": f"示例数据，并非真实项目：第{edition.number}届博览会签约的{kind_zh}。",
                "kind": kind,
                "status": rng.choices(statuses, status_weights)[0],
                "is_illustrative": True,
            }
        )
    return projects
