"""Aggregates of editions' projects, cached edition by edition (core/caching/__init__.py).

Aggregating a million projects on every page view is what made the list, summary and comparison pages slow.
After a change to one edition's projects only that edition is aggregated again (a million projects over twenty
editions: a twentieth of the work). Values must not depend on whether an edition is published (ask only for
published ones); a value of `per_edition` must not depend on the language either, while one of `for_editions`
may (its key includes the language).
"""

import hashlib
from collections.abc import Callable, Iterable
from typing import Any

from django.utils.translation import get_language

from core.caching import tokens
from core.caching.stores import aggregates_cache, questions_cache

CACHE_SECONDS = 6 * 60 * 60


def _key(name: str, token: str, parts: tuple) -> str:
    digest = hashlib.sha256(repr((token, parts)).encode()).hexdigest()[:32]
    return f"expo:aggregate-{name}:{digest}"


def per_edition(
    name: str,
    edition_ids: Iterable[int],
    *parts: Any,
    compute: Callable[[list[int]], dict[int, Any]],
    empty: Any,
    question: bool = False,
) -> dict[int, Any]:
    """{edition id: value}, each cached under its edition's token; `compute(missing)` aggregates the missing ones.

    `compute` aggregates every missing edition at once (one query, however many are missing) and returns
    {edition id: value}; an edition it leaves out gets `empty`. `question` marks values under something a
    visitor typed (a search word, a value range): they go in the questions cache (core/caching/stores.py), so
    that however many there are, they never cull the aggregates every page reads.
    """
    cache = questions_cache() if question else aggregates_cache()
    current = tokens.current()
    keys = {pk: _key(f"{name}:{pk}", current.edition(pk), parts) for pk in edition_ids}
    found = cache.get_many(list(keys.values()))
    values = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [pk for pk in keys if pk not in values]
    if missing:
        computed = compute(missing)
        fresh = {pk: computed.get(pk, empty) for pk in missing}
        cache.set_many({keys[pk]: value for pk, value in fresh.items()}, CACHE_SECONDS)
        values.update(fresh)
    return values


def for_editions(
    name: str,
    edition_ids: Iterable[int],
    *parts: Any,
    compute: Callable[[], Any],
    question: bool = False,
    language_neutral: bool = False,
) -> Any:
    """One value over several editions' projects, in the active language, valid while none of their projects changes.

    `question` as for `per_edition`; `language_neutral` for a value the language does not change (one entry
    for both languages).
    """
    cache = questions_cache() if question else aggregates_cache()
    current = tokens.current()
    ids = sorted(set(edition_ids))
    language = None if language_neutral else get_language()
    key = _key(name, "|".join(current.edition(pk) for pk in ids), (ids, language, parts))
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CACHE_SECONDS)
    return value


def many_for_editions(
    name: str,
    edition_ids: Iterable[int],
    wanted: Iterable[tuple],
    *,
    compute: Callable[[list[tuple]], dict[tuple, Any]],
    missing: Any = None,
) -> dict[tuple, Any]:
    """Several language-neutral values over the same editions' projects, each cached under its own parts (a
    tuple), read in one round trip: {parts: value}.

    Values two questions share are computed once for both. `compute(missing parts)` returns {parts: value} for
    those missing, and may return more (values a query found on its way, kept for later questions); a part it
    leaves out gets `missing`.
    """
    cache = aggregates_cache()
    current = tokens.current()
    ids = sorted(set(edition_ids))
    token = "|".join(current.edition(pk) for pk in ids)

    def key(parts: tuple) -> str:
        return _key(name, token, (ids, None, parts))

    wanted = list(wanted)
    found = cache.get_many([key(parts) for parts in wanted])
    values = {parts: found[key(parts)] for parts in wanted if key(parts) in found}
    absent = [parts for parts in wanted if parts not in values]
    if absent:
        computed = compute(absent)
        computed.update({parts: missing for parts in absent if parts not in computed})
        cache.set_many({key(parts): value for parts, value in computed.items()}, CACHE_SECONDS)
        values.update({parts: computed[parts] for parts in absent})
    return values


def for_question(name: str, *parts: Any, compute: Callable[[], Any]) -> Any:
    """One value of one visitor's question (e.g. a page's facet counts under its filters), in the active language,
    valid while nothing a public page shows changes (the site token), kept in the questions cache.

    For what many addresses share: the pages of one filter choice in every order share their facet counts, so
    only the first of them counts.
    """
    cache = questions_cache()
    key = _key(name, tokens.current().site, (get_language(), parts))
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CACHE_SECONDS)
    return value
