"""The words generated projects are made of: sectors beyond the standard ones, partners, titles, parties."""

EXTRA_SECTORS = [
    ("digital-economy", "Digital economy", "数字经济"),
    ("aviation-and-aerospace", "Aviation and aerospace", "航空航天"),
    ("finance-and-insurance", "Finance and insurance", "金融保险"),
    ("education-and-training", "Education and training", "教育培训"),
]
PARTNERS = ["RU", "JP", "KR", "MN", "KP", "DE", "US", "SG", "HK", "FR", "GB", "IT", "AU", "KZ", "TH", "VN", "MY"]
INTERNATIONAL_SHARE = 0.4

ADJECTIVES = [
    "Northern",
    "Green",
    "Smart",
    "Cross-border",
    "Integrated",
    "Modern",
    "Regional",
    "Advanced",
    "Coastal",
    "Digital",
    "Cold-chain",
    "High-speed",
]
THINGS = [
    "wind",
    "solar",
    "hydrogen",
    "grain",
    "dairy",
    "logistics",
    "battery",
    "steel",
    "pharmaceutical",
    "tourism",
    "rail",
    "software",
    "textile",
    "timber",
    "seafood",
    "semiconductor",
]
FACILITIES = ["park", "plant", "centre", "base", "hub", "project", "port", "campus"]
THINGS_ZH = {
    "wind": "风电",
    "solar": "光伏",
    "hydrogen": "氢能",
    "grain": "粮食",
    "dairy": "乳业",
    "logistics": "物流",
    "battery": "电池",
    "steel": "钢铁",
    "pharmaceutical": "医药",
    "tourism": "旅游",
    "rail": "铁路",
    "software": "软件",
    "textile": "纺织",
    "timber": "木材",
    "seafood": "海产品",
    "semiconductor": "半导体",
}
LOCATIONS = ["Changchun", "Jilin", "Yanbian", "Siping", "Tonghua", "Baishan", "Songyuan", "Baicheng", "Liaoyuan"]
PARTIES = [
    "Jilin Energy Group",
    "Northeast Power Co.",
    "Changchun New Area Administration",
    "Tumen River Development Co.",
    "Songhua Holdings",
    "Baishan Agricultural Cooperative",
    "Eastern Logistics Ltd.",
    "Far East Trading House",
]
KINDS = ["contract", "agreement", "intent"]
STATUSES = ["signed", "under_construction", "operating", "stalled"]
