"""The tokens cached pages and aggregates are keyed by (core/caching/__init__.py), and what replaces them.

A token is a random string in a DataVersion row. Every process reads the tokens (one query per request, for
all of them) before it looks in the cache, so a change made by any process, through the admin, an import or
the ORM, stales every process's entries at once. On PostgreSQL a process keeps them between requests for as
long as the database sends no notice of a change (notices.py).
"""

import uuid
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.core.signals import request_finished, request_started
from django.db import DatabaseError, IntegrityError, connection, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import timezone

from core.caching import notices
from core.models import DataVersion

SITE = "site"  # everything a public page shows
GENERATION = "aggregates"  # every edition's aggregates at once (bulk writes, restores)
EDITION_PREFIX = "edition:"  # one edition's projects

# Within one request the tokens are read once: the page and its aggregates all ask for them. Outside requests
# (commands, shells) nothing is remembered, so a long-running process sees every change.
_request_tokens: ContextVar[dict | None] = ContextVar("expo_request_tokens", default=None)


def _start_request(**kwargs) -> None:
    _request_tokens.set({})


def _end_request(**kwargs) -> None:
    _request_tokens.set(None)


request_started.connect(_start_request, dispatch_uid="expo-tokens-start")
request_finished.connect(_end_request, dispatch_uid="expo-tokens-end")


@dataclass(frozen=True)
class Tokens:
    site: str
    generation: str
    editions: dict[int, str] = field(default_factory=dict)

    def edition(self, pk: int) -> str:
        """The token under which one edition's aggregates are valid: no project of it changed since."""
        return f"{self.generation}:{self.editions.get(pk, '')}"


def _new_token() -> str:
    return uuid.uuid4().hex


def current() -> Tokens:
    """Every token, in one query; rows that do not exist yet (an emptied database) are created."""
    memo = _request_tokens.get()
    if memo is None:  # commands and shells, outside requests, read them every time
        return _read_tokens()
    if "tokens" not in memo:
        # Between requests a process may keep them while the database says nothing changed (notices.py).
        memo["tokens"] = notices.kept_or_read(_read_tokens)
    return memo["tokens"]


def _read_tokens() -> Tokens:
    rows = _read_rows()
    site = rows.get(SITE) or _create(SITE)
    generation = rows.get(GENERATION) or _create(GENERATION)
    editions = {
        int(name.removeprefix(EDITION_PREFIX)): token
        for name, token in rows.items()
        if name.startswith(EDITION_PREFIX) and name.removeprefix(EDITION_PREFIX).isdigit()
    }
    return Tokens(site, generation, editions)


def site_changed_at():
    """When the site token was last replaced (the time behind HTTP Last-Modified), or None before any change."""
    return DataVersion.objects.filter(name=SITE).values_list("changed_at", flat=True).first()


def _read_rows() -> dict[str, str]:
    # This is the first query of nearly every request, so it doubles as the persistent connection's health
    # check: Django's own check is a separate SELECT 1 before it, a second round trip that cost a page-cache
    # hit on PostgreSQL about as much as the page (bench: repeat visit 1.7-2.5x the floor, against 1.0-1.5x
    # on SQLite). If the reused connection turns out to be dead, it is replaced and the query run once more.
    if _may_stand_in_for_health_check():
        connection.health_check_done = True
        try:
            return _select_rows()
        except DatabaseError:
            if connection.is_usable():
                raise  # the connection is fine: the error is the query's own
            connection.close()
    return _select_rows()


def _may_stand_in_for_health_check() -> bool:
    # Only for a reused connection not yet checked in this request, and never inside a transaction, which a
    # closed connection would lose.
    return (
        connection.connection is not None
        and connection.health_check_enabled
        and not connection.health_check_done
        and not connection.in_atomic_block
    )


def _select_rows() -> dict[str, str]:
    # Plain SQL: building the ORM query took most of a cached page's time, and the table holds a few dozen rows.
    table = connection.ops.quote_name(DataVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT name, token FROM {table}")  # noqa: S608 - the table name is our own
        return dict(cursor.fetchall())


def _create(name: str) -> str:
    try:
        with transaction.atomic():
            version, _created = DataVersion.objects.get_or_create(name=name, defaults={"token": _new_token()})
    except IntegrityError:  # another process created it at the same moment
        version = DataVersion.objects.get(name=name)
    return version.token


@transaction.atomic
def changed(*, editions: Iterable[int] | None = None) -> None:
    """Stale every cached page, and the aggregates of `editions` (of every edition when None).

    The signals pass the editions a saved or deleted project belonged to, so only those are aggregated again;
    bulk writes call it with no argument.
    """
    memo = _request_tokens.get()
    if memo is not None:
        memo.clear()  # a write in this request: read the new tokens afresh
    notices.forget()  # and in this process's next requests, without waiting for the notice of it
    names = [SITE, GENERATION] if editions is None else [SITE]
    names += [f"{EDITION_PREFIX}{pk}" for pk in sorted(set(editions or ()))]
    token = _new_token()
    # One query in the usual case (every row exists): this runs on every save, a 10,000-row import included.
    # changed_at by hand: update() skips auto_now, and HTTP Last-Modified is read from it (portal.api).
    if DataVersion.objects.filter(name__in=names).update(token=token, changed_at=timezone.now()) == len(names):
        return
    existing = set(DataVersion.objects.filter(name__in=names).values_list("name", flat=True))
    missing = [DataVersion(name=name, token=token) for name in names if name not in existing]
    # Another process may create the same rows meanwhile; theirs are as new as ours.
    DataVersion.objects.bulk_create(missing, ignore_conflicts=True)


class ChangeTrackingQuerySet(models.QuerySet):
    """A queryset whose bulk writes, which send no signals, stale the cache as a save would."""

    def update(self, **kwargs):
        rows = super().update(**kwargs)
        if rows:
            changed()
        return rows

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            changed()
        return created

    def bulk_update(self, objs, *args, **kwargs):
        rows = super().bulk_update(objs, *args, **kwargs)
        if rows:
            changed()
        return rows


# Models whose rows public pages show, with how a change to one row stales the cache (tests check the list).
WATCHED: dict[type[models.Model], str] = {}


def watch(
    model: type[models.Model], *, editions: Callable[[models.Model], Iterable[int]] | None = None, all_editions=False
):
    """Stale the cache whenever a row of `model` is saved or deleted (and its many-to-many links change).

    By default a change stales the pages only; `editions(instance)` names the editions whose aggregates it
    stales too, and `all_editions` stales every edition's (a row every aggregate shows, such as a sector name).
    """
    label = model._meta.label

    def stale(sender, instance=None, raw=False, action=None, **kwargs):
        # A fixture or backup being loaded (raw) brings its own token rows with it.
        if raw or (action is not None and not action.startswith("post_")):
            return
        if all_editions:
            changed()
        elif editions is not None and instance is not None:
            changed(editions=set(editions(instance)) - {None})
        else:
            changed(editions=())

    post_save.connect(stale, sender=model, weak=False, dispatch_uid=f"stale-save-{label}")
    post_delete.connect(stale, sender=model, weak=False, dispatch_uid=f"stale-delete-{label}")
    for m2m in model._meta.many_to_many:
        m2m_changed.connect(
            stale, sender=m2m.remote_field.through, weak=False, dispatch_uid=f"stale-m2m-{label}-{m2m.name}"
        )
    WATCHED[model] = "all editions" if all_editions else ("its editions" if editions else "pages")


def remember_before_save(model: type[models.Model], receiver: Callable) -> None:
    """Run `receiver(sender, instance, raw, **kwargs)` before each save of `model`, e.g. to note its old edition."""
    pre_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"remember-{model._meta.label}")
