"""Which rows a page of a text search or value range shows, read in a time that does not depend on how rare
the matches are.

Asked for one page in some order, both planners walk that order's index and test each row until the page is
full: quick when the matches are common (a page is found after a few hundred rows), a read of the whole table
when they are rare (the five-second timeout at a million projects, for "northern solar" sorted by title). The
page's count (projects/search_facets.py) says which case it is: when at most MATERIALISED_MATCHES projects
match, their ids are read first, without an order, through the index that finds them (FTS5 or pg_trgm for a
word, on PostgreSQL the ideograph pairs for a word of two, the value index for a range), and only those are
sorted; when more match, the walk usually finds a page within a few thousand rows, and gets WALK_TIME_LIMIT_MS
(DEEP_WALK_TIME_LIMIT_MS on a deep page) to do it before every match is sorted: a walk that slow means the
matches are sparse along the order, so sorting them all is the cheaper read.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import OperationalError, connection, transaction
from django.db.models import F, Func, OrderBy, QuerySet

from core.time_limits import time_limit
from projects.search_facets import FACET_COUNT_CAP

# At most the count's own cap: a count above it is a lower bound, and says nothing of how rare the matches are.
MATERIALISED_MATCHES = FACET_COUNT_CAP
# How long a page may walk the order's index before its matches are sorted all together, and on a page this deep
# (the walk reads further) a little longer.
WALK_TIME_LIMIT_MS = 150
# The same with SQLite's search index joined for sorting them all, which then reads every match in one pass
# (projects.filters.joined_to_the_index): at a million projects 80-150 ms for a word in one project of sixteen,
# where a walk in the order of value, signing date or edition found its page in 3-30 ms, and in title order (where
# the titles holding the word sort together) in 8-45 ms or else 80 ms to over a second.
JOINED_WALK_TIME_LIMIT_MS = 50
DEEP_PAGE_ROWS = 1_000
DEEP_WALK_TIME_LIMIT_MS = 300


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


def page_of_found_rows(
    matching: QuerySet,
    bottom: int,
    top: int,
    count: int | None,
    over: bool,
    *,
    walking: QuerySet | None = None,
    found_through_an_index: bool = True,
    unordered: QuerySet | None = None,
) -> list | None:
    """The ids of rows bottom..top of `matching` in its order, read without walking the order's index through
    rows that do not match; None for the planner's own way (`matching` sliced as it is).

    - Few matches (`count`, exact unless `over`) found through an index: from the list of their ids, sorted; or,
      given `unordered` (the same rows with SQLite's search index joined, which then always leads the read:
      projects.filters.streaming_the_search_index), sorted in the same query (29 ms for the 5,385 projects of
      "smart rail" at a million, against 51 ms for the list and its sort); on PostgreSQL always sorted in the
      query that finds them, its planner kept to the search's index (`sorting_only_the_rows_found`): 64 ms for the
      5,094 of "northern semiconductor", where reading their ids and then sorting them took 61 + 56 ms.
    - Otherwise the walk along the order's index, if it ends within its time limit: `walking` (the same rows
      with the search or range written so that no index but the order's serves them) or, for matches found
      through an index, `matching` itself. A walk cut off means the matches are sparse along the order
      (titles beginning with the word searched, all in one stretch of the alphabet): matches found through an
      index are then sorted all together; other filters take the planner's way.
    """
    order = tuple(name for name in matching.query.order_by if isinstance(name, str))
    if len(order) != len(matching.query.order_by):
        return None
    if found_through_an_index and count is not None and not over and count <= MATERIALISED_MATCHES:
        if not count or bottom >= top:
            return []
        if unordered is not None:
            return list(unordered.order_by(*_unindexed_order(order)).values_list("pk", flat=True)[bottom:top])
        if connection.vendor == "postgresql":
            with sorting_only_the_rows_found():
                return list(matching.order_by(*_unindexed_order(order)).values_list("pk", flat=True)[bottom:top])
        ids = list(matching.order_by().values_list("pk", flat=True)[: MATERIALISED_MATCHES + 1])
        if len(ids) <= MATERIALISED_MATCHES:  # more: projects written since the count was cached
            found = matching.model._default_manager.filter(pk__in=ids).order_by(*_unindexed_order(order))
            with sorting_only_the_rows_found():
                return list(found.values_list("pk", flat=True)[bottom:top])
    walk = walking if walking is not None else (matching if found_through_an_index else None)
    if walk is None or (not found_through_an_index and bottom >= DEEP_PAGE_ROWS):
        return None  # a deep page under other filters: their index, however far, beats a cut-off walk
    # The walk reads about bottom × (projects / matches) rows: a deep page may take longer to be worth it.
    if bottom >= DEEP_PAGE_ROWS:
        limit = DEEP_WALK_TIME_LIMIT_MS
    else:
        limit = WALK_TIME_LIMIT_MS if unordered is None else JOINED_WALK_TIME_LIMIT_MS
    try:
        with time_limit(limit):
            return list(walk.order_by(*order).values_list("pk", flat=True)[bottom:top])
    except OperationalError:
        pass
    if not found_through_an_index:
        return None
    with sorting_only_the_rows_found():
        every_match = unordered if unordered is not None else matching
        return list(every_match.order_by(*_unindexed_order(order)).values_list("pk", flat=True)[bottom:top])
