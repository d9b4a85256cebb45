"""How spreadsheet cells written by people become values: amounts, dates, names, countries.

Every function takes what a cell holds (text, a number, a date or nothing) and either returns a
clean value or raises ``CellError`` with a message a member of staff understands, naming the column.
The import resources use these; nothing here touches the database except through the lookups
passed in.
"""

import datetime
import difflib
import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from core.vocabulary import QUALIFIER_ALIASES, QUALIFIER_HINTS, QUALIFIER_NO_HINT, SCALE_MULTIPLIERS, Qualifier


class CellError(ValueError):
    """A cell that cannot be read; the message is shown to staff as it is."""


# Currency words that may follow the number; they change nothing.
_CURRENCY_WORDS = ("元人民币", "人民币", "元", "yuan", "rmb", "cny", "¥", "￥")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
# Excel counts days from 1899-12-30 (its 1900 leap-year bug included).
_EXCEL_EPOCH = datetime.date(1899, 12, 30)


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def reject_formula(value, column: str) -> None:
    """A cell holding a formula is refused: its value depends on a spreadsheet we do not have."""
    if isinstance(value, str) and value.lstrip().startswith("="):
        raise CellError(
            _("%(column)s holds a formula (%(formula)s); paste the value instead")
            % {"column": column, "formula": value.strip()[:40]}
        )


def _normalise_text(value: str) -> str:
    # Full-width digits and punctuation (１２３，４５６) become their ASCII forms.
    return unicodedata.normalize("NFKC", value).strip()


def parse_amount(value, column: str = "value", unit_words: str | None = None) -> Decimal | None:
    """'1,234,567', '1.5亿', '3000万', '12.5 亿元', '12 million', 1234.5 -> Decimal; blank -> None.

    ``unit_words`` ends the error message: "value must be a number in yuan".
    """
    if is_blank(value):
        return None
    reject_formula(value, column)
    if isinstance(value, bool):
        raise _not_a_number(column, value, unit_words)
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = _normalise_text(str(value)).lower()
    for word in _CURRENCY_WORDS:
        text = text.removeprefix(word).removesuffix(word).strip()
    multiplier = Decimal(1)
    for word, factor in SCALE_MULTIPLIERS.items():
        if text.endswith(word) and _NUMBER.match(_strip_separators(text.removesuffix(word))):
            text, multiplier = text.removesuffix(word), factor
            break
    text = _strip_separators(text)
    if not _NUMBER.match(text):
        raise _not_a_number(column, value, unit_words)
    try:
        amount = Decimal(text) * multiplier
    except InvalidOperation as error:  # pragma: no cover - the pattern above rules this out
        raise _not_a_number(column, value, unit_words) from error
    return amount.normalize() if amount == amount.to_integral() else amount


def _strip_separators(text: str) -> str:
    text = text.strip().replace(" ", "").replace("\u00a0", "").replace("_", "")
    # "1,234,567" and "1'234'567" group thousands; a comma alone before 1-2 digits is no decimal mark here.
    if re.fullmatch(r"[+-]?\d{1,3}([,']\d{3})+(\.\d+)?", text):
        text = text.replace(",", "").replace("'", "")
    return text


def _not_a_number(column: str, value, unit_words: str | None) -> CellError:
    if unit_words:
        message = _("%(column)s must be a number in %(unit)s (got '%(value)s')")
    else:
        message = _("%(column)s must be a number (got '%(value)s')")
    return CellError(message % {"column": column, "unit": unit_words, "value": str(value)[:40]})


_DATE_PATTERNS = [
    (re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"), ("y", "m", "d")),
    (re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"), ("y", "m", "d")),
    (re.compile(r"^(\d{1,2})[.](\d{1,2})[.](\d{4})$"), ("d", "m", "y")),
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"), ("d", "m", "y")),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), ("y", "m", "d")),
]


def parse_date(value, column: str = "signed_on") -> datetime.date | None:
    """2023-08-23, 2023/8/23, 23.08.2023, 23/08/2023, 2023年8月23日, an Excel date or serial -> date."""
    if is_blank(value):
        return None
    reject_formula(value, column)
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return _excel_serial(value, column)
    text = _normalise_text(str(value))
    text = re.sub(r"[T ]00:00(:00)?$", "", text)
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        return _excel_serial(Decimal(text), column)
    for pattern, order in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            parts = dict(zip(order, (int(group) for group in match.groups()), strict=True))
            try:
                return datetime.date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                break
    raise CellError(
        _("%(column)s must be a date such as 2023-08-23 (got '%(value)s')") % {"column": column, "value": text[:40]}
    )


def _excel_serial(value, column: str) -> datetime.date:
    days = int(value)
    # 1982-01-01 .. 2173-12-31: beyond that a number is more likely a mistake than a date.
    if not 30000 <= days <= 100000:
        raise CellError(
            _("%(column)s must be a date such as 2023-08-23 (got '%(value)s')") % {"column": column, "value": value}
        )
    return _EXCEL_EPOCH + datetime.timedelta(days=days)


def parse_bool(value, column: str) -> bool:
    if is_blank(value):
        return False
    if isinstance(value, bool):
        return value
    text = _normalise_text(str(value)).lower()
    if text in {"1", "yes", "y", "true", "x", "是", "✓"}:
        return True
    if text in {"0", "no", "n", "false", "否", "-"}:
        return False
    raise CellError(_("%(column)s must be yes or no (got '%(value)s')") % {"column": column, "value": text[:40]})


def _key(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", _normalise_text(text).casefold()).strip()


class NameMatcher:
    """Finds a thing by any of its names (English, Chinese, slug, code), suggesting the closest on a miss.

    ``entries`` are (thing, names) pairs; the first name is the one suggested to staff. ``hints`` map
    other words people use ("renewables") to a thing: they are only ever suggested, never matched. Words in
    ``no_hint`` get no suggestion at all: the closest spelling would mislead ("不超过" is not "超过").
    """

    def __init__(
        self,
        entries: Iterable[tuple[object, Iterable[str]]],
        what: str,
        hints: dict | None = None,
        no_hint: Iterable[str] = (),
    ):
        self.what = what
        self._by_name: dict[str, object] = {}
        self._display: dict[object, str] = {}
        for thing, names in entries:
            names = [name for name in names if name]
            for name in names:
                self._by_name.setdefault(_key(name), thing)
            if names:
                self._display[thing] = names[0]
        self._hints = {_key(word): thing for word, thing in (hints or {}).items() if thing in self._display}
        self._no_hint = {_key(word) for word in no_hint}

    def match(self, value, column: str):
        if is_blank(value):
            return None
        reject_formula(value, column)
        text = _normalise_text(str(value))
        key = _key(text)
        found = self._by_name.get(key)
        if found is not None:
            return found
        raise CellError(self._miss_message(text, self.suggest(key)))

    def suggest(self, key: str):
        """The thing a mistyped or unlisted name most likely meant, or None."""
        if key in self._hints:
            return self._hints[key]
        if key in self._no_hint:
            return None
        close = difflib.get_close_matches(key, list(self._by_name), n=1, cutoff=0.6)
        if close:
            return self._by_name[close[0]]
        # One word of a longer name: "agriculture" for "Modern agriculture".
        words = {word: thing for name, thing in self._by_name.items() for word in name.split() if len(word) > 3}
        for part in key.split():
            close = difflib.get_close_matches(part, list(words), n=1, cutoff=0.8)
            if close:
                return words[close[0]]
        return None

    def _miss_message(self, text: str, suggestion) -> str:
        if suggestion is not None:
            return _("unknown %(what)s '%(value)s' — did you mean '%(suggestion)s'?") % {
                "what": self.what,
                "value": text[:60],
                "suggestion": self._display[suggestion],
            }
        return _("unknown %(what)s '%(value)s'") % {"what": self.what, "value": text[:60]}


# Everyday names that differ from the ones django-countries uses, in English and in Chinese; every other
# name comes from django-countries itself (its English and Simplified Chinese catalogues).
COUNTRY_ALIASES = {
    "russia": "RU",
    "russian federation": "RU",
    "south korea": "KR",
    "korea": "KR",
    "republic of korea": "KR",
    "north korea": "KP",
    "usa": "US",
    "united states": "US",
    "uk": "GB",
    "britain": "GB",
    "hong kong": "HK",
    "macao": "MO",
    "macau": "MO",
    "taiwan": "TW",
    "vietnam": "VN",
    "俄罗斯联邦": "RU",
    "大韩民国": "KR",
    "蒙古国": "MN",
    "中国香港": "HK",
    "中国澳门": "MO",
    "中国台湾": "TW",
    "阿联酋": "AE",
}


def country_matcher() -> NameMatcher:
    """Partner countries by English name, Chinese name or ISO code (two or three letters)."""
    from django.utils import translation
    from django_countries import countries

    names: dict[str, list[str]] = {}
    for code, name in countries:
        names.setdefault(code, [str(name), code, countries.alpha3(code) or ""])
    with translation.override("zh-hans"):
        for code, name in countries:
            names[code].append(str(name))
    for name, code in COUNTRY_ALIASES.items():
        names[code].append(name)
    return NameMatcher(((code, entry) for code, entry in names.items()), what=_("partner country"))


def choice_matcher(
    choices, what: str, extra: dict[str, str] | None = None, hints: dict | None = None, no_hint: Iterable[str] = ()
) -> NameMatcher:
    """A TextChoices field by its stored value or its label: 'more_than' or 'over'."""
    entries: dict[str, list[str]] = {value: [value, str(label)] for value, label in choices.choices}
    for name, value in (extra or {}).items():
        entries[value].append(name)
    hints = {word: getattr(value, "value", value) for word, value in (hints or {}).items()}
    return NameMatcher(entries.items(), what=what, hints=hints, no_hint=no_hint)


def qualifier_matcher() -> NameMatcher:
    """A figure's qualifier by its code, its label or any hedge word of either language ('余', '-plus')."""
    return choice_matcher(Qualifier, _("qualifier"), QUALIFIER_ALIASES, QUALIFIER_HINTS, QUALIFIER_NO_HINT)
