"""Which rows a page of a text search or value range shows, read in a time that does not depend on how rare
the matches are.

Asked for one page in some order, both planners walk that order's index and test each row until the page is
full: quick when the matches are common (a page is found after a few hundred rows), a read of the whole table
when they are rare (the five-second timeout at a million projects, for "northern solar" sorted by title). The
page's count (projects/search_facets.py) says which case it is: when at most MATERIALISED_MATCHES projects
match, their ids are read first, without an order, through the index that finds them (FTS5 or pg_trgm for a
word, the value index for a range), and only those are sorted; when more match, the walk finds a shallow page
within a few thousand rows. A deep page among many matches gets the walk for WALK_TIME_LIMIT_MS, then sorts
every match: a walk that slow means the matches are sparse, so sorting them all is the cheaper read.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import OperationalError, connection, transaction
from django.db.models import F, Func, OrderBy, QuerySet

from projects.search_facets import FACET_COUNT_CAP, time_limit

# At most the count's own cap: a count above it is a lower bound, and says nothing of how rare the matches are.
MATERIALISED_MATCHES = FACET_COUNT_CAP
# A page this deep among more matches may walk far: the walk gets WALK_TIME_LIMIT_MS before the matches are sorted.
DEEP_PAGE_ROWS = 1_000
WALK_TIME_LIMIT_MS = 300


class Unindexed(Func):
    """A column as it is, in a form no index serves: on SQLite `+column` (same value, same collation)."""

    template = "%(expressions)s"

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="+%(expressions)s", **extra_context)


@contextmanager
def sorting_only_the_rows_found() -> Iterator[None]:
    """Plan the queries inside to find their rows first and sort them, rather than walk an index in order.

    Given a list of ids, the planners expect the walk of the order's index to meet them evenly and stop early;
    they meet them late when the ids sort together (titles that begin with the word searched). On PostgreSQL
    (settings local to a savepoint: no sequential scan, no index walk) the ids are then read by a bitmap of
    the primary key; on SQLite the order names its columns as `+column` instead (`Unindexed`).
    """
    if connection.vendor != "postgresql":
        yield
        return
    names = ("enable_seqscan", "enable_indexscan", "enable_indexonlyscan")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(["set_config(%s, 'off', true)"] * len(names)), names)
        yield
        # Within an outer transaction the settings would outlive this savepoint: back to the session's own.
        cursor.execute("; ".join(f"RESET {name}" for name in names))


def _unindexed_order(names: tuple[str, ...]) -> list[OrderBy]:
    return [
        OrderBy(Unindexed(F(name.removeprefix("-"))), descending=name.startswith("-"))
        for name in names
    ]  # fmt: skip


def page_of_found_rows(matching: QuerySet, bottom: int, top: int, count: int | None, over: bool) -> list | None:
    """The ids of rows bottom..top of `matching` in its order, read without walking the order's index through
    rows that do not match: when `count` (exact unless `over`) says the matches are few, from the list of
    their ids; on a deep page, by the walk if it ends within WALK_TIME_LIMIT_MS, else by sorting every match.
    None when the walk is the way (a shallow page of many matches), and for an order that is not column names.
    """
    order = tuple(name for name in matching.query.order_by if isinstance(name, str))
    if len(order) != len(matching.query.order_by):
        return None
    if count is not None and not over and count <= MATERIALISED_MATCHES:
        if not count or bottom >= top:
            return []
        ids = list(matching.order_by().values_list("pk", flat=True)[: MATERIALISED_MATCHES + 1])
        if len(ids) <= MATERIALISED_MATCHES:  # more: projects written since the count was cached
            found = matching.model._default_manager.filter(pk__in=ids).order_by(*_unindexed_order(order))
            with sorting_only_the_rows_found():
                return list(found.values_list("pk", flat=True)[bottom:top])
    if bottom < DEEP_PAGE_ROWS:
        return None
    # Deep among many matches: the walk reads about bottom × (projects / matches) rows, quick when the
    # matches are dense; when it is not, there are few enough matches to sort them all.
    try:
        with time_limit(WALK_TIME_LIMIT_MS):
            return list(matching.values_list("pk", flat=True)[bottom:top])
    except OperationalError:
        with sorting_only_the_rows_found():
            return list(matching.order_by(*_unindexed_order(order)).values_list("pk", flat=True)[bottom:top])
