"""Facet counts under a search word or value range, bounded as Datasette bounds them.

The aggregate cells cannot answer "projects whose text holds this word": these counts group the matching
projects themselves. Counted exactly when there are at most FACET_COUNT_CAP matches (one query reading at most
one more row than that), or when grouping them all ends within FACET_TIME_LIMIT_MS; otherwise the counts of
the first matches found stand, each shown as a lower bound ("over N", "N or more").
"""

import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import OperationalError, connection, transaction
from django.db.models import Count, QuerySet

FACET_COUNT_CAP = 10_000
FACET_TIME_LIMIT_MS = 200
CELL_COLUMNS = ("edition_id", "sector_id", "scope", "partner", "band_position")


@contextmanager
def time_limit(milliseconds: int) -> Iterator[None]:
    """Interrupt the queries run inside after `milliseconds`, with an OperationalError."""
    if connection.vendor == "postgresql":
        # In a savepoint: a query cancelled rolls it back, and the setting with it; one that ends sets it back.
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT current_setting('statement_timeout')")
                (before,) = cursor.fetchone()
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [f"{milliseconds}ms"])
            yield
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [before])
    elif connection.vendor == "sqlite":
        # No transaction: on SQLite one would take the write lock (IMMEDIATE), and an interrupted read
        # leaves nothing to roll back.
        connection.ensure_connection()
        deadline = time.monotonic() + milliseconds / 1000
        sqlite = connection.connection
        sqlite.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
        try:
            yield
        finally:
            sqlite.set_progress_handler(None, 10_000)
    else:
        yield


def search_cells(base: QuerySet, edition_ids: list[int]) -> tuple[list[tuple], bool]:
    """(edition id, sector id, scope, partner, band position, count) of the matching projects, and whether the
    counts are only those of the first FACET_COUNT_CAP + 1 matches (each a lower bound)."""
    matching = base.filter(edition_id__in=edition_ids).order_by().with_band()
    first = list(matching.values_list(*CELL_COLUMNS)[: FACET_COUNT_CAP + 1])
    if len(first) <= FACET_COUNT_CAP:
        return [(*cell, count) for cell, count in Counter(first).items()], False
    try:
        with time_limit(FACET_TIME_LIMIT_MS):
            grouped = list(matching.values_list(*CELL_COLUMNS).annotate(count=Count("pk")))
        return grouped, False
    except OperationalError:
        return [(*cell, count) for cell, count in Counter(first).items()], True


def bounded_count(matching: QuerySet) -> tuple[int, bool]:
    """How many rows match, exactly up to FACET_COUNT_CAP; (FACET_COUNT_CAP, True) for more."""
    found = matching.order_by().values("pk")[: FACET_COUNT_CAP + 1].count()
    return (FACET_COUNT_CAP, True) if found > FACET_COUNT_CAP else (found, False)
