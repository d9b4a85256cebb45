"""Which rows a page of a text search or value range shows, read in a time that does not depend on how rare
the matches are.

Asked for one page in some order, both planners walk that order's index and test each row until the page is
full: quick when the matches are common (a page is found after a few hundred rows), a read of the whole table
when they are rare (the five-second timeout at a million projects, for "northern solar" sorted by title). The
page's count (projects/search_facets.py) says which case it is: when at most MATERIALISED_MATCHES projects
match, their ids are read first, without an order, through the index that finds them (FTS5 or pg_trgm for a
word, the value index for a range), and only those are sorted; when more match, the walk finds a page within
a few thousand rows.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import F, Func, OrderBy, QuerySet

from projects.search_facets import FACET_COUNT_CAP

# At most the count's own cap: a count above it is a lower bound, and says nothing of how rare the matches are.
MATERIALISED_MATCHES = FACET_COUNT_CAP


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


def page_of_few_matches(matching: QuerySet, bottom: int, top: int, count: int | None, over: bool) -> list | None:
    """The ids of rows bottom..top of `matching` in its order, when `count` (exact unless `over`) says they
    are few; otherwise None, and the page is read by the walk."""
    if count is None or over or count > MATERIALISED_MATCHES:
        return None
    if not count or bottom >= top:
        return []
    ids = list(matching.order_by().values_list("pk", flat=True)[: MATERIALISED_MATCHES + 1])
    if len(ids) > MATERIALISED_MATCHES:  # projects written since the count was cached: the walk is still right
        return None
    order = tuple(name for name in matching.query.order_by if isinstance(name, str))
    if len(order) != len(matching.query.order_by):  # an order that is not column names: not seen here
        return None
    found = matching.model._default_manager.filter(pk__in=ids).order_by(*_unindexed_order(order))
    with sorting_only_the_rows_found():
        return list(found.values_list("pk", flat=True)[bottom:top])
