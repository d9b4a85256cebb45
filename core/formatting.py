"""How numbers read on every page: one place, used by templates, tables and charts.

English groups by thousands ("84.475 billion yuan", "over 20,000"); Chinese groups by
万 (10^4) and 亿 (10^8) ("844.75亿元", "超过2万").
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from core.vocabulary import AXIS_SCALES, QUALIFIER_PREFIXES
from core.vocabulary import CHINESE_SCALES as _ZH_SCALES
from core.vocabulary import ENGLISH_SCALES as _EN_SCALES


def _is_chinese(language: str | None) -> bool:
    return (language or get_language() or "en").lower().startswith("zh")


def is_chinese(language: str | None = None) -> bool:
    """True when the given language, or else the active one, is Chinese."""
    return _is_chinese(language)


# The languages bilingual text is in, as HTML's lang attribute names them.
ENGLISH = "en"
CHINESE = "zh-Hans"


def page_language(language: str | None = None) -> str:
    """The lang of text written in the given (or active) language: 'en' or 'zh-Hans'."""
    return CHINESE if _is_chinese(language) else ENGLISH


def localized(obj, field: str, language: str | None = None) -> str:
    """A bilingual field in the reader's language, falling back to the other one when it is empty.

    Fields come in pairs named `<field>_zh` and `<field>_en`, or `<field>_zh` beside the English
    `<field>` itself (Project.title / title_zh, Edition.city / city_zh). No query: both are on the same row.
    """
    return localized_with_language(obj, field, language)[0]


def localized_with_language(obj, field: str, language: str | None = None) -> tuple[str, str]:
    """localized(), with the language the text is in ('en' or 'zh-Hans')."""
    english = getattr(obj, f"{field}_en", None)
    if english is None:
        english = getattr(obj, field, "")
    return pick_with_language(english or "", getattr(obj, f"{field}_zh", "") or "", language)


def pick(english: str, chinese: str, language: str | None = None) -> str:
    """The text for the reader's language, or the other one when that is empty."""
    return pick_with_language(english, chinese, language)[0]


def pick_with_language(english: str, chinese: str, language: str | None = None) -> tuple[str, str]:
    """pick(), with the language the text is in ('en' or 'zh-Hans')."""
    if _is_chinese(language):
        return (chinese, CHINESE) if chinese else (english, ENGLISH if english else CHINESE)
    return (english, ENGLISH) if english else (chinese, CHINESE if chinese else ENGLISH)


def in_language(text: str, text_language: str, language: str | None = None) -> str:
    """The text, escaped, inside <span lang="…"> when it is not in the page's language.

    A Chinese page that shows English for want of Chinese (or an English page Chinese) says so, so that
    screen readers pronounce it and browsers pick fonts for the language it is in.
    """
    if text and text_language != page_language(language):
        # text_language is ENGLISH or CHINESE: nothing to escape. (format_html cost a table page 1-2 ms.)
        return mark_safe(f'<span lang="{text_language}">{conditional_escape(text)}</span>')  # noqa: S308
    return conditional_escape(text)


def localized_html(obj, field: str, language: str | None = None) -> str:
    """localized() as HTML: text in the other language marked with its lang."""
    return in_language(*localized_with_language(obj, field, language), language)


def pick_html(english: str, chinese: str, language: str | None = None) -> str:
    """pick() as HTML: text in the other language marked with its lang."""
    return in_language(*pick_with_language(english, chinese, language), language)


def _round(number: Decimal, places: int) -> Decimal:
    return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _trim(number: Decimal, places: int, grouping: bool = True) -> str:
    """Round to at most `places` decimals and drop trailing zeros: 84.4750 -> '84.475'."""
    text = f"{_round(number, places):{',' if grouping else ''}.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# An exact amount is written in the largest scale that shows it with at most this many decimals
# ("2.24931 billion yuan"); when none does, in full ("2,249,310,001 yuan"). It is never rounded.
EXACT_DECIMALS = 5


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


def _significant(value: Decimal, digits: int | None) -> Decimal:
    """The value rounded to `digits` significant digits (a computed average, not a published figure)."""
    if digits is None or value == 0:
        return value
    return value.quantize(Decimal(1).scaleb(value.adjusted() + 1 - digits), rounding=ROUND_HALF_UP)


def _amount(value: Decimal, language: str | None, significant: int | None) -> str:
    """An amount of money without its currency: exact unless `significant` asks for rounding."""
    value = _significant(value, significant)
    if _is_chinese(language):
        return _scaled(value, _ZH_SCALES, EXACT_DECIMALS, sep="", exact=True) or _trim(value, 2, grouping=False)
    return _scaled(value, _EN_SCALES, EXACT_DECIMALS, exact=True) or _trim(value, 2)


def format_number(value, language: str | None = None) -> str:
    """A plain count: '20,000' in English; in Chinese '2万' where 万 or 亿 shows it exactly."""
    value = Decimal(value)
    if _is_chinese(language):
        # A count stays exact: 20000 is "2万", 123456 stays "123456".
        return _scaled(value, _ZH_SCALES, 2, sep="", exact=True) or _trim(value, 2, grouping=False)
    return _trim(value, 2)


def format_yuan(value, language: str | None = None, *, significant: int | None = None) -> str:
    """'84.475 billion yuan' / '844.75亿元', exactly as given; `significant` rounds a computed amount."""
    text = _amount(Decimal(value), language, significant)
    return f"{text}元" if _is_chinese(language) else f"{text} yuan"


def format_usd(value, language: str | None = None, *, significant: int | None = None) -> str:
    text = _amount(Decimal(value), language, significant)
    return f"{text}美元" if _is_chinese(language) else f"US${text}"


def format_area(value, language: str | None = None) -> str:
    value = Decimal(value)
    if _is_chinese(language):
        return f"{format_number(value, language)}平方米"
    return f"{_trim(value, 2)} m²"


def format_percent(value, language: str | None = None) -> str:
    """A published rate with every digit the source gave: '89.44%', '47.6%'."""
    return f"{_trim(Decimal(value), 2)}%"


_BY_UNIT = {
    "yuan": format_yuan,
    "usd": format_usd,
    "m2": format_area,
    "count": format_number,
    "percent": format_percent,
}
_MONEY_UNITS = ("yuan", "usd")


def format_quantity(
    value, unit: str, qualifier: str = "exact", language: str | None = None, *, significant: int | None = None
) -> str:
    """A figure with its qualifier and unit: 'over 20,000', 'about 75,000 m²', '超过2万'.

    A published figure is shown with every digit the source gave, whatever its qualifier ("about 70,000"
    was published as that); `significant` rounds an amount computed here (an average) to that many digits.
    """
    if value is None:
        return "—"
    if significant is not None and unit in _MONEY_UNITS:
        text = _BY_UNIT[unit](value, language, significant=significant)
    else:
        text = _BY_UNIT.get(unit, format_number)(value, language)
    words = QUALIFIER_PREFIXES["zh" if _is_chinese(language) else "en"]
    prefix = words.get(qualifier or "exact", "")
    if not prefix:
        return text
    return f"{prefix}{text}" if _is_chinese(language) else f"{prefix} {text}"


SMALLEST_SHARE = Decimal("0.05")  # below it, one decimal would round a share that exists to 0.0


def format_share(percent, language: str | None = None) -> str:
    """A share in per cent to one decimal: '38.5%'.

    Rounding never makes a part vanish or fill the whole: a share below 0.05% is '<0.1%' and one just
    short of all is '>99.9%'; only nothing is '0.0%' and only everything '100.0%'.
    """
    if percent is None:
        return "—"
    percent = Decimal(percent)
    if 0 < percent < SMALLEST_SHARE:
        return "<0.1%"
    if 100 - SMALLEST_SHARE <= percent < 100:
        return ">99.9%"
    return f"{_round(percent, 1):.1f}%"


_EN_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_ZH_DIGITS = "〇一二三四五六七八九"


def format_date(value: datetime.date | None, language: str | None = None) -> str:
    """'23 Aug 2023' / '2023年8月23日'."""
    if value is None:
        return "—"
    if _is_chinese(language):
        return f"{value.year}年{value.month}月{value.day}日"
    return f"{value.day} {_EN_MONTHS[value.month - 1]} {value.year}"


def format_date_range(start: datetime.date | None, end: datetime.date | None, language: str | None = None) -> str:
    """'23–27 Aug 2023' / '2023年8月23日至27日'; the shared month and year are written once."""
    if start is None or end is None or start == end:
        return format_date(start or end, language)
    if _is_chinese(language):
        if start.year != end.year:
            tail = format_date(end, language)
        elif start.month != end.month:
            tail = f"{end.month}月{end.day}日"
        else:
            tail = f"{end.day}日"
        return f"{format_date(start, language)}至{tail}"
    if start.year != end.year:
        return f"{format_date(start, language)} – {format_date(end, language)}"
    if start.month != end.month:
        return f"{start.day} {_EN_MONTHS[start.month - 1]} – {format_date(end, language)}"
    return f"{start.day}–{format_date(end, language)}"


def chinese_numeral(number: int) -> str:
    """14 -> '十四', 20 -> '二十', 105 -> '一百〇五': how edition ordinals are written in Chinese."""
    if number < 0:
        raise ValueError("Only counting numbers have a Chinese ordinal here")
    if number < 10:
        return _ZH_DIGITS[number]
    if number < 20:
        return "十" + (_ZH_DIGITS[number % 10] if number % 10 else "")
    if number < 100:
        tens, units = divmod(number, 10)
        return _ZH_DIGITS[tens] + "十" + (_ZH_DIGITS[units] if units else "")
    if number < 1000:
        hundreds, rest = divmod(number, 100)
        if rest == 0:
            text = ""
        elif rest < 10:
            text = "〇" + _ZH_DIGITS[rest]
        elif rest < 20:
            text = "一" + chinese_numeral(rest)
        else:
            text = chinese_numeral(rest)
        return _ZH_DIGITS[hundreds] + "百" + text
    return str(number)


def format_ordinal(number: int, language: str | None = None) -> str:
    """'14th' / '第十四届': an edition's ordinal."""
    if _is_chinese(language):
        return f"第{chinese_numeral(number)}届"
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def axis_scale(maximum: Decimal, unit_label: str, language: str | None = None) -> tuple[Decimal, str]:
    """The divisor that keeps a chart's numbers short for amounts up to `maximum`, and the unit it writes them in:
    (10**9, 'billion yuan'); in Chinese the Chinese scales (10**8, '亿元'), as every Chinese page writes money."""
    if _is_chinese(language):
        for divisor, word in _ZH_SCALES:
            if maximum >= divisor:
                return divisor, f"{word}{unit_label}"
        return Decimal(1), unit_label
    for divisor, word in AXIS_SCALES:
        if maximum >= divisor:
            return divisor, f"{word} {unit_label}".strip()
    return Decimal(1), unit_label
