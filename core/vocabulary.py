"""The words figures are told in, each defined once: qualifiers, stages, units and scales.

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

# Other words staff write in a qualifier column of an import, besides the codes and the English labels.
QUALIFIER_ALIASES = {
    "超过": Qualifier.MORE_THAN,
    "more than": Qualifier.MORE_THAN,
    "约": Qualifier.ABOUT,
    "近": Qualifier.NEARLY,
    "至少": Qualifier.AT_LEAST,
}


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


class Unit(models.TextChoices):
    COUNT = "count", _("count")
    YUAN = "yuan", _("yuan")
    USD = "usd", _("US dollars")
    SQUARE_METRES = "m2", _("square metres")


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
