"""Facet counts under a search word or value range, bounded as Datasette bounds them.

The aggregate cells cannot answer "projects whose text holds this word": these counts group the matching
projects themselves. Counted exactly when there are at most FACET_COUNT_CAP matches (one query reading at most
one more row than that), or when grouping them all ends within FACET_TIME_LIMIT_MS; otherwise the counts of
the first matches found stand, each shown as a lower bound ("over N", "N or more").
"""

import time
from collections import Counter

from django.db import OperationalError
from django.db.models import Count, QuerySet

from core.time_limits import time_limit
from projects.cell_counts import CELL_COLUMNS

FACET_COUNT_CAP = 10_000
FACET_TIME_LIMIT_MS = 200
# The facets' columns, as the aggregate cells have them (one home: projects/cell_counts.py).
GROUPED_COLUMNS = tuple(CELL_COLUMNS.values())
# Where a first match's edition is: each is read as its id, then the grouped columns.
EDITION_AT = 1 + GROUPED_COLUMNS.index(CELL_COLUMNS["edition"])


def search_cells(
    base: QuerySet, edition_ids: list[int], at_least: int = 0, read_by_edition: bool = False
) -> tuple[list[tuple], bool]:
    """(edition id, sector id, scope, partner, band position, count) of the matching projects, and whether the
    counts are only those of the first FACET_COUNT_CAP + 1 matches (each a lower bound).

    `base` is read in no order (on SQLite with the search index joined: projects.filters.streaming_the_search_index,
    which at a million projects found the first matches of each word tried in 27-45 ms, as quick as a walk along
    the table for a word in every project, 24 ms for "project", and up to fourteen times quicker for the rest,
    556 ms walked for "smart rail"); `at_least` how many of them match at least, known without reading them (a
    value range's whole bands, from the aggregate cells); `read_by_edition` whether the database may hand the
    first matches over edition by edition (a value range without a search word, read along the edition-and-value
    index).
    """
    matching = base.filter(edition_id__in=edition_ids).order_by().with_band()
    started = time.monotonic()
    first = list(matching.values_list("pk", *GROUPED_COLUMNS)[: FACET_COUNT_CAP + 1])
    if len(first) <= FACET_COUNT_CAP:
        return _counted(first), False
    # One time limit for both reads: when grouping them all would not end in what is left of it, the first
    # matches' counts stand at once rather than after a grouping cut off at the limit.
    now = time.monotonic()
    remaining_ms = FACET_TIME_LIMIT_MS - (now - started) * 1000
    editions = len(edition_ids) if read_by_edition else 0
    projected_ms = _grouping_ms(first, (now - started) * 1000, base, at_least, editions)
    # Tried only when the projection fits in what is left. Allowed 1.5 times that, SQLite (which hands its first
    # matches over one by one, so reading them all takes at least the projection) sent "software" into a grouping
    # cut off at the limit, and PostgreSQL (whose bitmap of the trigram index holds every match before the first
    # is read, so that its projections overstate: 489 ms for "hydrogen", 238 ms grouped) five of fourteen of the
    # bench's words, none of whose groupings ended within the limit.
    if remaining_ms < FACET_TIME_LIMIT_MS / 10 or projected_ms > remaining_ms:
        return _counted(first), True
    try:
        with time_limit(int(remaining_ms)):
            grouped = list(matching.values_list(*GROUPED_COLUMNS).annotate(count=Count("pk")))
        return grouped, False
    except OperationalError:
        return _counted(first), True


def _counted(first: list[tuple]) -> list[tuple]:
    """The first matches' cells and counts (each row read as its id, then its cell)."""
    return [(*cell, count) for cell, count in Counter(row[1:] for row in first).items()]


def _grouping_ms(first: list[tuple], first_ms: float, base: QuerySet, at_least: int = 0, editions: int = 0) -> float:
    """About how long grouping every match would take: as long as reading the first ones took, for each time
    they fit into all the matches. Three floors of that number, the largest taken:

    - A search's first matches come in about the order of the ids (the table's order, or the search index's),
      so the share of the table they came from tells how many there are: at a million projects, "software"
      found its first 10,001 among the first 160,000 ids (62,347 match).
    - A value range's come in the order of an index of edition and value, edition by edition, from every part
      of the table, so the share of the ids says nothing; the share of the `editions` searched that they came
      from does ("50 to 200 million" read its first 10,001 from one edition of twenty). Only for such a read
      (`editions` 0 otherwise): a search word found in one edition alone would be projected twenty times too
      long, and its exact counts given up.
    - The projects known to match (`at_least`: a value range's whole bands): "from 200 million" read its first
      10,001 in 50 ms and its whole bands hold over half a million, where the ids alone projected 50 ms and the
      grouping was tried until the time limit.
    """
    reached = max(row[0] for row in first)
    last = base.model._default_manager.order_by("-pk").values_list("pk", flat=True).first() or reached
    editions_reached = len({row[EDITION_AT] for row in first})
    return first_ms * max(last / max(reached, 1), editions / max(editions_reached, 1), at_least / len(first))


def bounded_count(matching: QuerySet) -> tuple[int, bool]:
    """How many rows match, exactly up to FACET_COUNT_CAP; (FACET_COUNT_CAP, True) for more."""
    found = matching.order_by().values("pk")[: FACET_COUNT_CAP + 1].count()
    return (FACET_COUNT_CAP, True) if found > FACET_COUNT_CAP else (found, False)
