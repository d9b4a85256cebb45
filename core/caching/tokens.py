"""Cached aggregates over projects, and the one switch that makes all of them stale.

Aggregating a million projects on every page view is what made the list, summary and comparison pages
slow. Their results are cached (Redis in production, local memory otherwise) under keys that carry a
*data token*: a random string kept in one database row, replaced whenever projects, sectors or editions
change. Every process reads the token (one primary-key query) before it looks in the cache, so a change
made by any process, through the admin, an import or the ORM, stales every process's copies at once,
even with a per-process cache. Model signals replace the token on every save and delete
(projects/signals.py); bulk inserts and ``QuerySet.update()`` send no signals, so code that writes that
way calls :func:`projects_changed` itself.

The most expensive aggregates (facet counts, comparisons, edition summaries) are also cached edition by
edition (:func:`per_edition`, :func:`edition_token`) under a token of their own per edition, which a
saved or deleted project replaces only for its edition: after one project changes, the pages render
again but only that edition's projects are aggregated again.
"""

import hashlib
import uuid
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import Any

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from editions.models import Edition, EditionStatus
from projects.models import DataVersion

TOKEN_NAME = "projects"
# Per-edition aggregates: valid while both this generation and the edition's own token stay the same.
AGGREGATES_NAME = "aggregates"
EDITION_PREFIX = "edition:"
# Entries under an old token are never read again; they only need to expire eventually.
CACHE_SECONDS = 6 * 60 * 60


# Within one request the token is read once: the page's selectors and its cached HTML all ask for it.
# Outside requests (commands, shells) nothing is remembered, so a long-running process sees every change.
_request_token: ContextVar[dict | None] = ContextVar("expo_request_token", default=None)


def _start_request(**kwargs) -> None:
    _request_token.set({})


def _end_request(**kwargs) -> None:
    _request_token.set(None)


request_started.connect(_start_request, dispatch_uid="expo-data-token-start")
request_finished.connect(_end_request, dispatch_uid="expo-data-token-end")


def _new_token() -> str:
    return uuid.uuid4().hex


def data_token() -> str:
    """The current data token; created on first use (an emptied database has none)."""
    memo = _request_token.get()
    if memo is not None and "token" in memo:
        return memo["token"]
    token = _read_token()
    if memo is not None:
        memo["token"] = token
    return token


def _read_token() -> str:
    token = DataVersion.objects.filter(name=TOKEN_NAME).values_list("token", flat=True).first()
    return token if token is not None else _create_token(TOKEN_NAME)


def _create_token(name: str) -> str:
    try:
        with transaction.atomic():
            version, _created = DataVersion.objects.get_or_create(name=name, defaults={"token": _new_token()})
    except IntegrityError:  # another process created it at the same moment
        version = DataVersion.objects.get(name=name)
    return version.token


@transaction.atomic
def projects_changed(*, editions: Iterable[int] | None = None) -> None:
    """Mark the cached pages stale, and the cached aggregates of `editions` (of every edition when None).

    Call it with no argument after bulk inserts, updates or raw SQL on projects; the model signals pass
    the editions a saved or deleted project belonged to, so only those are aggregated again.
    """
    memo = _request_token.get()
    if memo is not None:
        memo.clear()  # a write in this request: read the new tokens afresh
    names = [TOKEN_NAME, AGGREGATES_NAME] if editions is None else [TOKEN_NAME]
    names += [f"{EDITION_PREFIX}{pk}" for pk in sorted(set(editions or ()))]
    token = _new_token()
    # One query in the usual case (every row exists): this runs on every save, a 10,000-row import included.
    if DataVersion.objects.filter(name__in=names).update(token=token) == len(names):
        return
    existing = set(DataVersion.objects.filter(name__in=names).values_list("name", flat=True))
    missing = [DataVersion(name=name, token=token) for name in names if name not in existing]
    # Another process may create the same rows meanwhile; theirs are as new as ours.
    DataVersion.objects.bulk_create(missing, ignore_conflicts=True)


def aggregate_tokens() -> tuple[str, dict[int, str]]:
    """The generation of every edition's aggregates (replaced by a change to all) and each edition's token."""
    memo = _request_token.get()
    if memo is not None and "aggregates" in memo:
        return memo["aggregates"]
    rows = DataVersion.objects.filter(Q(name=AGGREGATES_NAME) | Q(name__startswith=EDITION_PREFIX))
    generation, editions = None, {}
    for name, token in rows.values_list("name", "token"):
        if name == AGGREGATES_NAME:
            generation = token
        elif name.removeprefix(EDITION_PREFIX).isdigit():
            editions[int(name.removeprefix(EDITION_PREFIX))] = token
    tokens = (generation or _create_token(AGGREGATES_NAME), editions)
    if memo is not None:
        memo["aggregates"] = tokens
    return tokens


def edition_token(pk: int) -> str:
    """The token under which one edition's cached aggregates are valid: no project of it changed since."""
    generation, editions = aggregate_tokens()
    return f"{generation}:{editions.get(pk, '')}"


def per_edition(
    name: str, edition_ids: Iterable[int], *parts: Any, compute: Callable[[list[int]], dict[int, Any]], empty: Any
) -> dict[int, Any]:
    """Aggregates of each edition's projects, cached edition by edition, whatever the language.

    After a change to one edition's projects only that edition is aggregated again (a million projects
    over twenty editions: a twentieth of the work). `compute(missing)` aggregates every missing edition
    at once (one query, however many are missing) and returns {edition id: value}; an edition it leaves
    out gets `empty`. Values must not depend on whether the edition is published: ask only for those
    that are.
    """
    generation, tokens = aggregate_tokens()
    keys = {}
    for pk in edition_ids:
        digest = hashlib.sha256(repr((generation, tokens.get(pk, ""), parts)).encode()).hexdigest()[:32]
        keys[pk] = f"expo:edition-{name}:{pk}:{digest}"
    found = cache.get_many(list(keys.values()))
    values = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [pk for pk in keys if pk not in values]
    if missing:
        computed = compute(missing)
        fresh = {pk: computed.get(pk, empty) for pk in missing}
        cache.set_many({keys[pk]: value for pk, value in fresh.items()}, CACHE_SECONDS)
        values.update(fresh)
    return values


def cache_key(name: str, *parts: Any, token: str) -> str:
    """A short key for `name` with these parts under this token (and the active language)."""
    digest = hashlib.sha256(repr((token, get_language(), parts)).encode()).hexdigest()[:32]
    return f"expo:{name}:{digest}"


def cached(name: str, *parts: Any, token: str, compute: Callable[[], Any]) -> Any:
    """The cached value for (name, parts) under `token`, computing and storing it when missing."""
    key = cache_key(name, *parts, token=token)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CACHE_SECONDS)
    return value


def public_token() -> str:
    """The data token plus the unpublished editions: withdrawing an edition by a bare update() stales pages too."""
    memo = _request_token.get()
    if memo is not None and "public" in memo:
        return memo["public"]
    token, drafts = _read_token_and_drafts()
    if token is None:
        token = data_token()  # none yet: data_token creates it
    elif memo is not None:
        memo["token"] = token
    public = f"{token}:{','.join(map(str, sorted(drafts)))}"
    if memo is not None:
        memo["public"] = public
    return public


def _read_token_and_drafts() -> tuple[str | None, list[int]]:
    """The data token and the ids of the unpublished editions, in one round trip.

    Every cached public page asks for these first, and building two ORM queries took about two thirds
    of a cached page's time, so this is one plain statement (it works alike on SQLite and PostgreSQL).
    """
    quote = connection.ops.quote_name
    version, edition = DataVersion._meta, Edition._meta
    sql = (
        f"SELECT 'token', {quote(version.get_field('token').column)} FROM {quote(version.db_table)} "
        f"WHERE {quote(version.get_field('name').column)} = %s "
        f"UNION ALL SELECT 'draft', CAST({quote(edition.pk.column)} AS VARCHAR(20)) FROM {quote(edition.db_table)} "
        f"WHERE {quote(edition.get_field('status').column)} <> %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [TOKEN_NAME, EditionStatus.PUBLISHED.value])
        rows = cursor.fetchall()
    token = next((value for kind, value in rows if kind == "token"), None)
    return token, [int(value) for kind, value in rows if kind == "draft"]


def query_parts(query) -> tuple:
    """A request's query string in a stable order, so the same question reuses the same cached page."""
    return tuple(sorted((key, tuple(values)) for key, values in query.lists()))


def cached_fragment(name: str, *parts: Any, render: Callable[[], str], token: str | None = None) -> SafeString:
    """Rendered public HTML for (name, parts) under the data token and the active language.

    Only for what every visitor sees alike: never pass anything that depends on the user, the session
    or a CSRF token (a staff preview of a draft renders without this, so it never reads or writes here).
    """
    html = cached(f"html-{name}", *parts, token=token or public_token(), compute=lambda: str(render()))
    return mark_safe(html)  # rendered by our own templates, escaped there
