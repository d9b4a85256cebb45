"""The words figures are told in, each defined once: qualifiers, stages, money bases, units and scales.

Models take their choices from here, pages their display words, imports the words staff may type,
and charts their axis scales, so a new word is added in one place.
"""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class Qualifier(models.TextChoices):
    """The hedge a source put on a number ("over 20,000")."""

    EXACT = "exact", _("exactly")
    MORE_THAN = "more_than", _("over")
    ABOUT = "about", _("about")
    NEARLY = "nearly", _("nearly")
    AT_LEAST = "at_least", _("at least")


# The words put before a number on a page, by language; an exact figure has none.
QUALIFIER_PREFIXES = {
    "en": {"exact": "", "more_than": "over", "about": "about", "nearly": "nearly", "at_least": "at least"},
    "zh": {"exact": "", "more_than": "超过", "about": "约", "nearly": "近", "at_least": "至少"},
}

# Other words staff write in a qualifier column of an import, besides the codes and the English labels: every
# hedge the releases use (demo/data/README.md lists them), in Chinese and in English. "-plus" is read as "plus"
# (dashes count as spaces), so "20,000-plus" copied as its hedge "-plus" is understood.
QUALIFIER_ALIASES = {
    **dict.fromkeys(["超过", "超", "逾", "余", "多", "以上"], Qualifier.MORE_THAN),
    **dict.fromkeys(["over", "more than", "plus", "-plus"], Qualifier.MORE_THAN),
    **dict.fromkeys(["不少于", "至少", "at least", "not less than", "no less than"], Qualifier.AT_LEAST),
    **dict.fromkeys(["近", "将近", "nearly", "almost"], Qualifier.NEARLY),
    **dict.fromkeys(["约", "左右", "about", "around"], Qualifier.ABOUT),
    **dict.fromkeys(["exactly", "exact"], Qualifier.EXACT),
}

# Words that are no qualifier but look like one: each is suggested the qualifier it means, never matched silently.
QUALIFIER_HINTS = {
    "approximately": Qualifier.ABOUT,
    "roughly": Qualifier.ABOUT,
    "circa": Qualifier.ABOUT,
    "大约": Qualifier.ABOUT,
    "大概": Qualifier.ABOUT,
    "上下": Qualifier.ABOUT,
    "接近": Qualifier.NEARLY,
    "超出": Qualifier.MORE_THAN,
    "多于": Qualifier.MORE_THAN,
    "高于": Qualifier.MORE_THAN,
    "above": Qualifier.MORE_THAN,
    "upwards of": Qualifier.MORE_THAN,
    "in excess of": Qualifier.MORE_THAN,
    "最少": Qualifier.AT_LEAST,
    "起码": Qualifier.AT_LEAST,
    "minimum": Qualifier.AT_LEAST,
}

# Upper bounds ("不超过", "less than"): the portal has no qualifier for them, and the closest spelling
# ("超过", "more than") means the opposite, so none is suggested.
QUALIFIER_NO_HINT = ["不超过", "不到", "以下", "less than", "not more than", "no more than", "below", "at most"]


class Stage(models.TextChoices):
    """When a figure was reported; pages prefer the closing figure."""

    PRE_EVENT = "pre_event", _("pre-event")
    OPENING = "opening", _("opening")
    CLOSING = "closing", _("closing")
    RETROSPECTIVE = "retrospective", _("retrospective")


# The order in which a page picks the figure to show when several stages exist.
STAGE_PREFERENCE = [Stage.CLOSING, Stage.RETROSPECTIVE, Stage.OPENING, Stage.PRE_EVENT]

# Other words staff write in a stage column of an import.
STAGE_ALIASES = {"闭幕": Stage.CLOSING, "开幕": Stage.OPENING, "会前": Stage.PRE_EVENT, "回顾": Stage.RETROSPECTIVE}


class StageKind(models.TextChoices):
    """Results (reported at or after the close) against plans and running counts (before or during the expo).

    Two figures of the same kind of stage are comparable; a pre-event plan set against a closing result
    is not exact, whatever the two numbers say.
    """

    RESULTS = "results", _("results")
    BEFORE_OR_DURING = "before_or_during", _("before or during the expo")


STAGE_KINDS = {
    Stage.CLOSING: StageKind.RESULTS,
    Stage.RETROSPECTIVE: StageKind.RESULTS,
    Stage.PRE_EVENT: StageKind.BEFORE_OR_DURING,
    Stage.OPENING: StageKind.BEFORE_OR_DURING,
}

# How a sentence names when a figure was reported: "45 countries and regions before the opening".
STAGE_PHRASES = {
    Stage.PRE_EVENT: _("before the opening"),
    Stage.OPENING: _("at the opening or during the expo"),
    Stage.CLOSING: _("at the close"),
    Stage.RETROSPECTIVE: _("in a later report"),
}


# What each money basis is called, by language, defined once: in row labels, in reasons ("not like for like:
# total investment including agreements, against investment attracted") and in the admin's choices.
BASIS_WORDS = {
    "en": {
        "contract_investment": "contract investment",
        "agreement_amount": "agreement amount",
        "total_investment": "total investment including agreements",
        "investment_attracted": "investment attracted",
        "from_outside_province": "investment from outside the province",
        "planned_investment": "planned investment",
        "unspecified": "a basis the source does not state",
    },
    "zh": {
        "contract_investment": "合同引资额",
        "agreement_amount": "协议金额",
        "total_investment": "总投资额（含协议金额）",
        "investment_attracted": "引资额",
        "from_outside_province": "域外投资",
        "planned_investment": "计划投资金额",
        "unspecified": "来源未说明口径",
    },
}


def _basis_label(code: str) -> str:
    """'contract investment · 合同引资额': staff pick a basis by the words of either language."""
    return f"{BASIS_WORDS['en'][code]} · {BASIS_WORDS['zh'][code]}"


class Basis(models.TextChoices):
    """What a money figure measures, as the source's wording implies ("合同引资额": contract investment).

    Two money figures of different bases are never like for like, even under the same metric; two of the
    same basis are, even under different metrics (one edition's headline figure against another's
    contract figure). An empty basis means the figure is not a money figure.
    """

    CONTRACT_INVESTMENT = "contract_investment", _basis_label("contract_investment")
    AGREEMENT_AMOUNT = "agreement_amount", _basis_label("agreement_amount")
    TOTAL_INVESTMENT = "total_investment", _basis_label("total_investment")
    INVESTMENT_ATTRACTED = "investment_attracted", _basis_label("investment_attracted")
    FROM_OUTSIDE_PROVINCE = "from_outside_province", _basis_label("from_outside_province")
    PLANNED_INVESTMENT = "planned_investment", _basis_label("planned_investment")
    UNSPECIFIED = "unspecified", _basis_label("unspecified")


def basis_words(code: str, language: str) -> str:
    """The basis as a sentence names it in `language` ('en' or 'zh'); empty for no basis."""
    return BASIS_WORDS["zh" if language.startswith("zh") else "en"].get(code, "") if code else ""


# Other words staff write in a basis column of an import: the Chinese wordings the sources use.
BASIS_ALIASES = {
    "合同引资额": Basis.CONTRACT_INVESTMENT,
    "签约合同金额": Basis.CONTRACT_INVESTMENT,
    "协议金额": Basis.AGREEMENT_AMOUNT,
    "总投资额": Basis.TOTAL_INVESTMENT,
    "投资总额": Basis.TOTAL_INVESTMENT,
    "引资额": Basis.INVESTMENT_ATTRACTED,
    "引资总额": Basis.INVESTMENT_ATTRACTED,
    "域外投资": Basis.FROM_OUTSIDE_PROVINCE,
    "计划投资金额": Basis.PLANNED_INVESTMENT,
    "contract investment": Basis.CONTRACT_INVESTMENT,
    "agreement amount": Basis.AGREEMENT_AMOUNT,
    "total investment": Basis.TOTAL_INVESTMENT,
    "investment attracted": Basis.INVESTMENT_ATTRACTED,
    "investment from outside the province": Basis.FROM_OUTSIDE_PROVINCE,
    "planned investment": Basis.PLANNED_INVESTMENT,
}


class Unit(models.TextChoices):
    COUNT = "count", _("count")
    YUAN = "yuan", _("yuan")
    USD = "usd", _("US dollars")
    SQUARE_METRES = "m2", _("square metres")
    PERCENT = "percent", _("per cent")


class DatePrecision(models.TextChoices):
    """How much of a date a source gave: "at the end of 2014" is a day, "in 2013" only a year."""

    DAY = "day", _("day")
    YEAR = "year", _("year")


# Scale words, largest first, as pages write them: "84.475 billion yuan", "844.75亿元".
ENGLISH_SCALES = [(Decimal(10) ** 12, "trillion"), (Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million")]
CHINESE_SCALES = [(Decimal(10) ** 12, "万亿"), (Decimal(10) ** 8, "亿"), (Decimal(10) ** 4, "万")]

# Divisors that keep chart axis numbers short; the axis title says which one was used.
AXIS_SCALES = [
    (Decimal(10) ** 9, _("billion")),
    (Decimal(10) ** 6, _("million")),
    (Decimal(10) ** 3, _("thousand")),
]

# Every multiplier staff may write after a number in an import ("1.5亿", "3000万", "12 million"), longest first
# so that "万亿" is read before "亿" and "million" before "m".
SCALE_MULTIPLIERS = dict(
    sorted(
        {
            **{word: factor for factor, word in ENGLISH_SCALES + CHINESE_SCALES},
            "千": Decimal(10) ** 3,
            "bn": Decimal(10) ** 9,
            "m": Decimal(10) ** 6,
            "k": Decimal(10) ** 3,
        }.items(),
        key=lambda item: -len(item[0]),
    )
)
