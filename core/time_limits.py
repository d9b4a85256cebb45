"""A time limit on the queries of one block, on both databases, for reads that have a cheaper way out.

The facet counts of a search, a page's walk along an index and a renumbering of an edition's projects each
give their queries a limit of their own: shorter than the pages' statement timeout when a slow read means
another way is quicker, longer when the work is known to be big.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


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
