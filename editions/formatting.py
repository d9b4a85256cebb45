"""How numbers read on every page: one place, used by templates, tables and charts.

English groups by thousands ("84.475 billion yuan", "over 20,000"); Chinese groups by
万 (10^4) and 亿 (10^8) ("844.75亿元", "超过2万").
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import get_language

QUALIFIER_WORDS = {
    "en": {"exact": "", "more_than": "over", "about": "about", "nearly": "nearly", "at_least": "at least"},
    "zh": {"exact": "", "more_than": "超过", "about": "约", "nearly": "近", "at_least": "至少"},
}

_EN_SCALES = [(Decimal(10) ** 12, "trillion"), (Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million")]
_ZH_SCALES = [(Decimal(10) ** 12, "万亿"), (Decimal(10) ** 8, "亿"), (Decimal(10) ** 4, "万")]


def _is_chinese(language: str | None) -> bool:
    return (language or get_language() or "en").lower().startswith("zh")


def _round(number: Decimal, places: int) -> Decimal:
    return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _trim(number: Decimal, places: int, grouping: bool = True) -> str:
    """Round to at most `places` decimals and drop trailing zeros: 84.4750 -> '84.475'."""
    text = f"{_round(number, places):{',' if grouping else ''}.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _scaled(value: Decimal, scales, places: int, sep: str = " ", exact: bool = False) -> str | None:
    """The value in the largest scale it reaches (scales largest first), or None below the smallest.

    Rounding that reaches the next scale moves up to it (999,999,999.99 is "1 billion", not
    "1,000 million"). With `exact`, only a scale that shows the value without rounding is used.
    Chinese (no separator before the word) has no thousands commas.
    """
    grouping = sep != ""
    larger = None
    for factor, word in scales:
        if abs(value) >= factor:
            rounded = _round(value / factor, places)
            if exact and rounded != value / factor:
                larger = (factor, word)
                continue
            if not exact and larger and abs(rounded) * factor >= larger[0]:
                factor, word = larger
                rounded = _round(value / factor, places)
            return f"{_trim(rounded, places, grouping)}{sep}{word}"
        larger = (factor, word)
    return None


def format_number(value, language: str | None = None) -> str:
    """A plain count: '20,000' in English; in Chinese '2万' where 万 or 亿 shows it exactly."""
    value = Decimal(value)
    if _is_chinese(language):
        # A count stays exact: 20000 is "2万", 123456 stays "123456".
        return _scaled(value, _ZH_SCALES, 2, sep="", exact=True) or _trim(value, 2, grouping=False)
    return _trim(value, 2)


def format_yuan(value, language: str | None = None) -> str:
    """'84.475 billion yuan' / '844.75亿元'."""
    value = Decimal(value)
    if _is_chinese(language):
        return (_scaled(value, _ZH_SCALES, 4, sep="") or _trim(value, 2, grouping=False)) + "元"
    return f"{_scaled(value, _EN_SCALES, 3) or _trim(value, 2)} yuan"


def format_usd(value, language: str | None = None) -> str:
    value = Decimal(value)
    if _is_chinese(language):
        return (_scaled(value, _ZH_SCALES, 4, sep="") or _trim(value, 2, grouping=False)) + "美元"
    return f"US${_scaled(value, _EN_SCALES, 3) or _trim(value, 2)}"


def format_area(value, language: str | None = None) -> str:
    value = Decimal(value)
    if _is_chinese(language):
        return f"{format_number(value, language)}平方米"
    return f"{_trim(value, 2)} m²"


_BY_UNIT = {"yuan": format_yuan, "usd": format_usd, "m2": format_area, "count": format_number}


def format_quantity(value, unit: str, qualifier: str = "exact", language: str | None = None) -> str:
    """A figure with its qualifier and unit: 'over 20,000', 'about 75,000 m²', '超过2万'."""
    if value is None:
        return "—"
    text = _BY_UNIT.get(unit, format_number)(value, language)
    words = QUALIFIER_WORDS["zh" if _is_chinese(language) else "en"]
    prefix = words.get(qualifier or "exact", "")
    if not prefix:
        return text
    return f"{prefix}{text}" if _is_chinese(language) else f"{prefix} {text}"
