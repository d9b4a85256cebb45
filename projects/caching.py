"""Cached aggregates over projects, and the one switch that makes all of them stale.

Aggregating a million projects on every page view is what made the list, summary and comparison pages
slow. Their results are cached (Redis in production, local memory otherwise) under keys that carry a
*data token*: a random string kept in one database row, replaced whenever projects, sectors or editions
change. Every process reads the token (one primary-key query) before it looks in the cache, so a change
made by any process, through the admin, an import or the ORM, stales every process's copies at once,
even with a per-process cache. Model signals replace the token on every save and delete
(projects/signals.py); bulk inserts and ``QuerySet.update()`` send no signals, so code that writes that
way calls :func:`projects_changed` itself.
"""

import hashlib
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils.translation import get_language

from projects.models import DataVersion

TOKEN_NAME = "projects"
# Entries under an old token are never read again; they only need to expire eventually.
CACHE_SECONDS = 6 * 60 * 60


def _new_token() -> str:
    return uuid.uuid4().hex


def data_token() -> str:
    """The current data token; created on first use (an emptied database has none)."""
    token = DataVersion.objects.filter(name=TOKEN_NAME).values_list("token", flat=True).first()
    if token is not None:
        return token
    try:
        with transaction.atomic():
            version, _created = DataVersion.objects.get_or_create(name=TOKEN_NAME, defaults={"token": _new_token()})
    except IntegrityError:  # another process created it at the same moment
        version = DataVersion.objects.get(name=TOKEN_NAME)
    return version.token


@transaction.atomic
def projects_changed() -> None:
    """Mark every cached aggregate stale. Call after bulk inserts, updates or raw SQL on projects."""
    updated = DataVersion.objects.filter(name=TOKEN_NAME).update(token=_new_token())
    if not updated:
        DataVersion.objects.update_or_create(name=TOKEN_NAME, defaults={"token": _new_token()})


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
