"""The headline workload: hundreds of distinct questions to the projects table, each with Datasette's equivalent.

Visitors seldom ask the same address twice; each one filters, sorts, pages and searches in its own way. So the
headline asks at least 400 different addresses of the projects table, once each, in families (sorted, by sector,
by edition, partner/band/value range, text search, deep page), drawn from a seeded generator: the same seed and
the same data give the same addresses. Every address has the Datasette query that answers the same question on
the SQLite copy of the same rows:

- filters as Datasette's column filters (`sector_id=`, `edition_id=`, `scope=`, `partner=`, `value__gte=`,
  `value__lt=`, `value__lte=`), ids read from the copy (the ids are the same in the database under test);
- the order as `_sort=` / `_sort_desc=` on the same column (the edition's id for the edition's number: they
  rise together), the same page size (`_size=`);
- the text search as `_where=` holding the portal's own condition on SQLite: the six `LIKE`s of every word,
  and for a word of three characters or more the same FTS5 trigram index lookup (`id IN (SELECT rowid …
  MATCH …)`), so both ask SQLite the same question with the same index (Datasette's `_search` would read the
  index alone, which finds a superset and no word under three characters);
- a later page as Datasette's keyset `_next=<sort value>,<id>`, computed here as Datasette computes its own
  next link (the last row of the page before, in its order `<column> [desc], id`, each part tilde-encoded).
  Datasette pages by keyset, the portal by page number; the rows are the same, reached each its own way.
"""

import random
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from math import ceil
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit

from bench.pages import DATASETTE_DB, PAGE_SIZE
from bench.vocabulary import ADJECTIVES, FACILITIES, PARTNERS, THINGS, THINGS_ZH

DEFAULT_PER_FAMILY = 70
FAMILIES = {
    "sorted": "sorted",
    "sector": "by sector",
    "edition": "by edition",
    "range": "partner, band or value range",
    "search": "text search",
    "deep": "deep page",
}
ALL = "all"
LISTING = "/en/projects/"
TABLE = f"/{DATASETTE_DB}/projects_project"
SEARCH_INDEX = "projects_project_search"  # projects/migrations/0007_…
SEARCHED_COLUMNS = ("title", "title_zh", "parties", "parties_zh", "description", "description_zh")
INDEXED_WORD_LENGTH = 3  # the trigram index cannot look up a shorter word
# The portal's orders (projects/selection.py OFFERED_ORDERS) and the column Datasette sorts by for each.
ORDERS = {
    "-value": "value",
    "value": "value",
    "-edition": "edition_id",
    "edition": "edition_id",
    "-signed_on": "signed_on",
    "signed_on": "signed_on",
    "title": "title",
    "-title": "title",
}
DEFAULT_ORDER = "-value"
# Value bands (projects/bands.py): slug, inclusive lower bound, exclusive upper bound, in yuan.
BANDS = {
    "under-100m": (None, 100_000_000),
    "100m-500m": (100_000_000, 500_000_000),
    "500m-1b": (500_000_000, 1_000_000_000),
    "1b-5b": (1_000_000_000, 5_000_000_000),
    "5b-plus": (5_000_000_000, None),
}
VALUE_STEPS = [10_000_000, 50_000_000, 200_000_000, 800_000_000, 3_000_000_000, 12_000_000_000]
SEARCH_WORDS = [*THINGS, *(word.lower() for word in ADJECTIVES), *FACILITIES, *THINGS_ZH.values(), "项目"]

Condition = tuple[str, list]  # an SQL condition on projects_project and its parameters


class Catalogue(Protocol):
    """What the generator reads from the data: how many rows match, and Datasette's next token for a page."""

    def count(self, conditions: list[Condition]) -> int: ...

    def row_before(self, column: str, descending: bool, conditions: list[Condition], offset: int) -> tuple | None: ...


@dataclass(frozen=True)
class Question:
    family: str
    filters: tuple[tuple[str, str], ...]  # the portal's filter parameters, in order
    order: str = DEFAULT_ORDER
    page: int = 1


@dataclass(frozen=True)
class Address:
    family: str
    portal: str
    datasette: str


@dataclass(frozen=True)
class Ids:
    """Datasette filters by id: the ids of the sectors (by slug) and editions (by number) in the copy."""

    sectors: dict[str, int]
    editions: dict[int, int]


def tilde_encode(text: str) -> str:
    """Datasette's encoding of the parts of a `_next` token (datasette.utils.tilde_encode)."""
    safe = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
    return "".join(chr(b) if b in safe else "+" if b == 32 else f"~{b:02X}" for b in text.encode())


def _like(word: str) -> str:
    """An SQL string literal for `LIKE … ESCAPE '\\'` matching `word` anywhere, as Django's icontains writes it."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_").replace("'", "''")
    return f"'%{escaped}%'"


def search_condition(text: str) -> str:
    """The portal's text search on SQLite (projects/filters.py) as one SQL condition, literals inlined."""
    parts = []
    for word in text.split()[:10]:
        likes = " OR ".join(f"{column} LIKE {_like(word)} ESCAPE '\\'" for column in SEARCHED_COLUMNS)
        parts.append(f"({likes})")
    indexed = [word for word in text.split()[:10] if len(word) >= INDEXED_WORD_LENGTH]
    if indexed:
        match = " AND ".join('"{}"'.format(word.replace('"', '""')) for word in indexed).replace("'", "''")
        parts.insert(0, f"id IN (SELECT rowid FROM {SEARCH_INDEX} WHERE {SEARCH_INDEX} MATCH '{match}')")
    return " AND ".join(parts)


def datasette_filters(question: Question, ids: Ids) -> tuple[list[tuple[str, str]], list[Condition]]:
    """Datasette's query parameters for the question's filters, and the same filters as SQL conditions."""
    params: list[tuple[str, str]] = []
    conditions: list[Condition] = []

    def equal(column: str, value) -> None:
        params.append((column, str(value)))
        conditions.append((f"{column} = ?", [value]))

    def compare(column: str, operator: str, suffix: str, value: int) -> None:
        params.append((f"{column}__{suffix}", str(value)))
        conditions.append((f"{column} {operator} ?", [value]))

    for name, value in question.filters:
        if name == "sector":
            equal("sector_id", ids.sectors[value])
        elif name == "edition":
            equal("edition_id", ids.editions[int(value)])
        elif name in ("scope", "partner"):
            equal(name, value)
        elif name == "band":
            lower, upper = BANDS[value]
            if lower is not None:
                compare("value", ">=", "gte", lower)
            if upper is not None:
                compare("value", "<", "lt", upper)
        elif name == "value_min":
            compare("value", ">=", "gte", int(value))
        elif name == "value_max":
            compare("value", "<=", "lte", int(value))
        elif name == "q":
            condition = search_condition(value)
            params.append(("_where", condition))
            conditions.append((condition, []))
        else:
            raise ValueError(f"no Datasette equivalent for the filter {name!r}")
    return params, conditions


def address(question: Question, ids: Ids, catalogue: Catalogue) -> Address | None:
    """The question's two addresses, or None when its page is past the last one (the caller draws another)."""
    portal = [("sort", question.order), ("per_page", str(PAGE_SIZE)), *question.filters]
    if question.page > 1:
        portal.append(("page", str(question.page)))
    params, conditions = datasette_filters(question, ids)
    column, descending = ORDERS[question.order], question.order.startswith("-")
    params += [("_sort_desc" if descending else "_sort", column), ("_size", str(PAGE_SIZE))]
    if question.page > 1:
        before = catalogue.row_before(column, descending, conditions, (question.page - 1) * PAGE_SIZE - 1)
        if before is None:
            return None
        params.append(("_next", ",".join(tilde_encode(str(part)) for part in before)))
    return Address(question.family, f"{LISTING}?{urlencode(portal)}", f"{TABLE}?{urlencode(params)}")


def _question(family: str, rng: random.Random, ids: Ids, catalogue: Catalogue, n: int) -> Question:
    orders = list(ORDERS)
    order = DEFAULT_ORDER if rng.random() < 0.4 else rng.choice(orders)
    if family == "sorted":
        return Question(family, (), order, rng.randint(1, 20))
    if family == "sector":
        return Question(family, (("sector", rng.choice(sorted(ids.sectors))),), order, rng.randint(1, 5))
    if family == "edition":
        return Question(family, (("edition", str(rng.choice(sorted(ids.editions)))),), order, rng.randint(1, 5))
    if family == "range":
        return Question(family, _range_filters(rng), order, rng.choice([1, 1, 1, 2, 3]))
    if family == "search":
        if rng.random() < 0.6:
            text = rng.choice(SEARCH_WORDS)
        else:
            text = f"{rng.choice(ADJECTIVES).lower()} {rng.choice(THINGS)}"
        order = DEFAULT_ORDER if rng.random() < 0.7 else order
        return Question(family, (("q", text),), order, rng.choice([1, 1, 1, 1, 2, 3]))
    # A deep page: past the twentieth, anywhere up to the last, of the whole table or of one edition or sector.
    filters: tuple[tuple[str, str], ...] = ()
    kind = rng.random()
    if kind < 0.2:
        filters = (("edition", str(rng.choice(sorted(ids.editions)))),)
    elif kind < 0.4:
        filters = (("sector", rng.choice(sorted(ids.sectors))),)
    rows = catalogue.count(datasette_filters(Question(family, filters), ids)[1]) if filters else n
    last = max(1, ceil(rows / PAGE_SIZE))
    return Question(family, filters, order, rng.randint(min(21, last), last))


def _range_filters(rng: random.Random) -> tuple[tuple[str, str], ...]:
    """A partner, a value band or a value range, alone or two of them together."""
    choices = [
        lambda: [("scope", "international"), ("partner", rng.choice(PARTNERS))],
        lambda: [("band", rng.choice(list(BANDS)))],
        lambda: _value_range(rng),
    ]
    picked = rng.sample(choices, 2 if rng.random() < 0.3 else 1)
    return tuple(pair for choice in picked for pair in choice())


def _value_range(rng: random.Random) -> list[tuple[str, str]]:
    low, high = sorted(rng.sample(range(len(VALUE_STEPS)), 2))
    which = rng.random()
    if which < 0.25:
        return [("value_min", str(VALUE_STEPS[low]))]
    if which < 0.5:
        return [("value_max", str(VALUE_STEPS[high]))]
    return [("value_min", str(VALUE_STEPS[low])), ("value_max", str(VALUE_STEPS[high]))]


def workload(
    *,
    seed: int,
    n: int,
    ids: Ids,
    catalogue: Catalogue,
    per_family: int = DEFAULT_PER_FAMILY,
    exclude: Iterable[str] = (),
) -> list[Address]:
    """`per_family` distinct addresses of each family, none of them in `exclude`, in a shuffled order.

    Deterministic for the same seed, data and exclusions. The families are interleaved so that no family runs
    while the caches are in a state of its own (e.g. right after the others filled them).
    """
    rng = random.Random(seed)
    seen = {normalised(path) for path in exclude}
    chosen: list[Address] = []
    for family in FAMILIES:
        found, attempts = 0, 0
        while found < per_family and attempts < per_family * 50:
            attempts += 1
            candidate = address(_question(family, rng, ids, catalogue, n), ids, catalogue)
            if candidate is None or normalised(candidate.portal) in seen:
                continue
            seen.add(normalised(candidate.portal))
            chosen.append(candidate)
            found += 1
    rng.shuffle(chosen)
    return chosen


def normalised(path: str) -> tuple:
    """An address as the portal reads it (its path and its parameters, in any order and any quoting)."""
    parts = urlsplit(path)
    return parts.path, tuple(sorted(parse_qsl(parts.query)))


class SQLiteCatalogue:
    """Counts and keyset tokens read from the SQLite copy Datasette serves (or any connection to the same schema)."""

    def __init__(self, connection: sqlite3.Connection):
        self.connection = connection

    @classmethod
    def open(cls, path: Path) -> "SQLiteCatalogue":
        return cls(sqlite3.connect(path))

    def close(self) -> None:
        self.connection.close()

    @staticmethod
    def _where(conditions: list[Condition]) -> tuple[str, list]:
        if not conditions:
            return "", []
        return " WHERE " + " AND ".join(f"({sql})" for sql, _ in conditions), [p for _, ps in conditions for p in ps]

    def count(self, conditions: list[Condition]) -> int:
        where, params = self._where(conditions)
        return self.connection.execute(f"SELECT count(*) FROM projects_project{where}", params).fetchone()[0]  # noqa: S608

    def row_before(self, column: str, descending: bool, conditions: list[Condition], offset: int) -> tuple | None:
        """(sort value, id) of the row at `offset` in Datasette's keyset order: `<column> [desc], id`."""
        where, params = self._where(conditions)
        direction = "DESC" if descending else ""
        sql = f"SELECT {column}, id FROM projects_project{where} ORDER BY {column} {direction}, id LIMIT 1 OFFSET ?"  # noqa: S608
        return self.connection.execute(sql, [*params, offset]).fetchone()


def read_ids(path: Path) -> Ids:
    connection = sqlite3.connect(path)
    try:
        sectors = dict(connection.execute("SELECT slug, id FROM editions_sector"))
        editions = dict(connection.execute("SELECT number, id FROM editions_edition WHERE status = 'published'"))
    finally:
        connection.close()
    return Ids(sectors=sectors, editions=editions)
