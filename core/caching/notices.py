"""Tokens a process may keep between requests, because PostgreSQL tells it when they change (LISTEN/NOTIFY).

Reading the tokens is one query per request (tokens.current). On SQLite that costs microseconds; on PostgreSQL a
round trip to the server, as much as the rest of a page served from the cache (bench: a repeat visit 1.5-1.7x
the floor, against 1.0-1.5x on SQLite). So on PostgreSQL each process keeps the tokens it last read and a
connection of its own that LISTENs on CHANNEL, where a trigger on the tokens' table (core migration 0002)
NOTIFYs every write, whoever makes it: a save, an import, a restore, a row changed by hand. A request asks that
connection, without waiting, whether anything came; if nothing did, the kept tokens are still the database's.

Safety nets, each falling back to reading the tokens as before:
- the kept tokens are at most KEEP_SECONDS old, which bounds what a notice still on its way (microseconds after
  the commit) or a listening connection silently cut off could leave stale;
- a write in this process forgets them at once (it need not wait for its own notice);
- inside a transaction nothing is kept or used: the transaction's own view of the tokens is the one to read;
- any error of the listening connection closes it, and a new one is tried after RETRY_SECONDS;
- a forked process (gunicorn --preload) never uses its parent's connection.
"""

import logging
import os
import threading
import time
from collections.abc import Callable

import psycopg
from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)

CHANNEL = "expo_data_tokens"  # as core/migrations/0002_data_version_notifies.py names it
KEEP_SECONDS = 1.0
RETRY_SECONDS = 30.0

# Connection parameters Django passes to psycopg that belong to Django's own cursors, not to libpq.
_DJANGO_ONLY_PARAMETERS = ("cursor_factory", "context", "prepare_threshold")


def new_connection() -> psycopg.Connection:
    """A psycopg connection of its own (autocommit) to the database Django's connection uses."""
    parameters = connection.get_connection_params()
    for name in _DJANGO_ONLY_PARAMETERS:
        parameters.pop(name, None)
    return psycopg.connect(**parameters, autocommit=True)


class _Listener:
    def __init__(self):
        self.lock = threading.Lock()
        self.pid = None
        self.connection = None  # the psycopg connection that LISTENs, this process's own
        self.kept = None  # (tokens, monotonic time they were read)
        self.retry_at = 0.0
        self.server_spoke = False
        self.writes = 0  # writes made in this process: tokens read before one of them are not kept

    def kept_or_read(self, read: Callable):
        kept = self.kept_tokens()
        if kept is not None:
            return kept
        with self.lock:
            # Every notice so far is taken in before the read, which will see what they announced. Not listening
            # yet, this read is not kept: listening begins after it, once the database has answered (when it
            # does not, a request must fail within one connect timeout, not two: test_database_hang.py).
            listening = self._listening()
            if listening:
                self._heard_of_a_change()
            read_at, writes = time.monotonic(), self.writes
        tokens = read()  # outside the lock: another thread's read need not wait for this one
        with self.lock:
            if not listening:
                if not self._listening():
                    self._start()
            elif self._listening() and self.writes == writes:
                self.kept = (tokens, read_at)
        return tokens

    def kept_tokens(self):
        """The tokens last read, if nothing was heard of since and they are fresh enough; else None."""
        with self.lock:
            if self.kept is None or not self._listening():
                return None
            tokens, read_at = self.kept
            if time.monotonic() - read_at > KEEP_SECONDS or self._heard_of_a_change():
                self.kept = None
                return None
            return tokens

    def forget(self) -> None:
        with self.lock:
            self.kept = None
            self.writes += 1

    def close(self) -> None:
        with self.lock:
            self._drop(retry_after=0)

    def _listening(self) -> bool:
        if self.pid != os.getpid():  # forked: the parent's connection is the parent's
            self.connection, self.kept, self.pid, self.retry_at = None, None, os.getpid(), 0.0
        return self.connection is not None

    def _start(self) -> bool:
        if time.monotonic() < self.retry_at:
            return False
        try:
            self.connection = new_connection()
            self.connection.execute(f"LISTEN {CHANNEL}")
            # The connection runs nothing after this: any message of the server on it means it is going away.
            self.server_spoke = False
            self.connection.add_notice_handler(self._server_spoke)
        except psycopg.Error:
            logger.warning("Not listening for token changes; reading them on every request", exc_info=True)
            self._drop()
            return False
        return True

    def _heard_of_a_change(self) -> bool:
        """Whether a notice came since last asked (True too when the connection failed: nothing is known)."""
        heard = False
        try:
            for _notice in self.connection.notifies(timeout=0):  # every notice waiting, then at once out
                heard = True
            # A server ending the connection (a restart, pg_terminate_backend) first sends its reason, which
            # arrives as a notice and raises nothing; the error would come only at the next look.
            if self.server_spoke or self.connection.pgconn.status != psycopg.pq.ConnStatus.OK:
                raise psycopg.OperationalError("the listening connection was ended by the server")
        except psycopg.Error:
            logger.warning("The connection listening for token changes failed", exc_info=True)
            self._drop()
            return True
        return heard

    def _server_spoke(self, diagnostic) -> None:
        self.server_spoke = True

    def _drop(self, *, retry_after: float = RETRY_SECONDS) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            except Exception:  # noqa: BLE001 - it is being thrown away
                logger.debug("Closing the listening connection failed", exc_info=True)
        self.connection, self.kept = None, None
        self.retry_at = time.monotonic() + retry_after


_listener = _Listener()


def in_use() -> bool:
    """Whether tokens may be kept here: PostgreSQL, switched on, and outside a transaction."""
    return settings.DATA_TOKENS_LISTEN and connection.vendor == "postgresql" and not connection.in_atomic_block


def kept_or_read(read: Callable):
    """The tokens this process keeps, if the database sent no notice of a change since they were read; else
    `read()`, kept for the next requests when that is safe."""
    return _listener.kept_or_read(read) if in_use() else read()


def forget() -> None:
    _listener.forget()


def stop_listening() -> None:
    """Close this process's listening connection (a test database cannot be dropped while it is open)."""
    _listener.close()
