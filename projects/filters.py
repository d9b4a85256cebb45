"""The filters of the projects table. URL values are readable: edition numbers, sector slugs, ISO codes."""

import re
import sqlite3

import django_filters
from django import forms
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.fields.array import ArrayContains
from django.core.validators import RegexValidator
from django.db import connection
from django.db.models import CharField, DecimalField, F, Func, IntegerField, Q, QuerySet, Subquery, TextField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.db.models.lookups import IContains
from django.utils.translation import gettext_lazy as _

from core.validators import ControlCharacterValidator
from editions.models import Edition, Sector
from projects.bands import BAND_CHOICES, BANDS_BY_SLUG
from projects.facets import FACET_NAMES
from projects.models import Project, Scope

# The columns the text search reads; on SQLite the index of migration 0007 holds the same six, on PostgreSQL the
# index of 0012 their join (SearchedText).
SEARCHED_COLUMNS = ("title", "title_zh", "parties", "parties_zh", "description", "description_zh")
SEARCH_INDEX = "projects_project_search"
# The trigram tokenizer indexes sequences of three characters: a shorter word can only be found by its LIKEs,
# except on PostgreSQL a word of two ideographs, whose pair the index of migration 0013 holds (the same ranges).
INDEXED_WORD_LENGTH = 3
IDEOGRAPH_PAIR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2}")


class SearchedText(Func):
    """The six searched columns as one text, joined by a unit separator (U+001F): on PostgreSQL a word is
    matched against it with one LIKE, which one trigram index serves (projects/migrations/0012_...).

    A search word holds no control character (ControlCharacterValidator), so it is found in the joined text
    exactly where it is found in one of the columns: never across two of them. The SQL must stay the index's
    expression once `icontains` has wrapped it in `UPPER((…)::text)`.
    """

    template = "(%(expressions)s)"
    arg_joiner = " || E'\\x1F' || "
    output_field = TextField()

    def __init__(self):
        super().__init__(*(F(column) for column in SEARCHED_COLUMNS))


class IdeographPairs(Func):
    """The pairs of adjacent ideographs in the searched text (SearchedText), as the PostgreSQL index of
    projects/migrations/0013_... holds them: its function on the same expression."""

    function = "projects_ideograph_pairs"
    output_field = ArrayField(TextField())

    def __init__(self):
        super().__init__(SearchedText())


def _paired_words(words: list[str]) -> list[str]:
    """The words the ideograph-pair index finds (two ideographs), on PostgreSQL; none elsewhere."""
    if connection.vendor != "postgresql":
        return []
    return [word for word in words if IDEOGRAPH_PAIR.fullmatch(word)]


def _looked_up_in_pairs(words: list[str]) -> Q:
    """On PostgreSQL, the projects whose searched text holds each word of two ideographs, from their index: exact
    (a pair is in the list only where it is in a column), but the LIKEs still decide, as for every index."""
    paired = _paired_words(words)
    return Q(ArrayContains(IdeographPairs(), paired)) if paired else Q()


def search_index_is_separate() -> bool:
    """Whether the search looks its words up in an index of its own before testing them (SQLite's FTS5 table),
    so that leaving it out makes the database test the words row by row along the order's index. PostgreSQL's
    trigram index serves the LIKE itself (SearchedText): its planner chooses between the two ways on its own."""
    return connection.vendor == "sqlite" and sqlite3.sqlite_version_info >= (3, 34)


def _index_query(words: list[str]) -> str | None:
    """The FTS5 query for the words of three characters or more (each a quoted string: every character literal,
    a quote doubled; all of them in one row), or None when there are none or no separate index to ask."""
    indexed = [word for word in words if len(word) >= INDEXED_WORD_LENGTH]
    if not indexed or not search_index_is_separate():
        return None
    return " AND ".join('"{}"'.format(word.replace('"', '""')) for word in indexed)


def indexed_search(words: list[str]) -> Q:
    """The projects an index finds for the words, narrowed before the LIKEs decide: on SQLite those whose searched
    columns hold every word of three characters or more, from the FTS5 trigram index (projects/migrations/
    0007_...); on PostgreSQL those holding every word of two ideographs, from their pairs (0013; its trigram
    index serves the LIKEs of the longer words themselves).

    The FTS5 index folds case as the LIKEs do and more (Unicode letters too), so it finds every row they match,
    and perhaps a few more, which the LIKEs then drop.
    """
    query = _index_query(words)
    if query is None:
        return _looked_up_in_pairs(words)
    return Q(pk__in=RawSQL(f"SELECT rowid FROM {SEARCH_INDEX} WHERE {SEARCH_INDEX} MATCH %s", [query]))  # noqa: S611


def joined_to_the_index(queryset: QuerySet, words: list[str]) -> QuerySet:
    """The same as filtering by `indexed_search(words)`, with the index joined rather than asked for a list of ids.

    `id IN (SELECT rowid … MATCH …)` makes SQLite read every match into a list before the first project: at a
    million projects the first 10,001 of "hydrogen" (62,314 match) took 72 ms that way, 28 ms joined, where the
    index hands its matches over in the ids' order and a LIMIT stops it after the first ones. Joined, the index
    always leads, so a page in some order sorts every match, where the list lets SQLite walk the order's index
    and stop after one page: for reads in no order only (`streaming_the_search_index`).

    `extra()`, because the index is no model's table and Django joins only the tables of models (a model of it
    would be one more in every backup, restore and check that goes through all of them). Its condition names
    the projects' table, so the result must not become a subquery, where Django would rename that table.
    """
    query = _index_query(words)
    if query is None:
        return queryset
    table = Project._meta.db_table
    return queryset.extra(
        tables=[SEARCH_INDEX],
        where=[f'"{SEARCH_INDEX}"."rowid" = "{table}"."id"', f'"{SEARCH_INDEX}" MATCH %s'],
        params=[query],
    )


def holding_every_word(words: list[str]) -> Q:
    """The projects one of whose searched columns holds each word, in any case; the public search and the admin's
    both read it. The caller may narrow the rows by an index first (`indexed_search`: on SQLite its FTS5 index, on
    PostgreSQL the pairs of a word of two ideographs), which the LIKEs still decide.

    On PostgreSQL each word is one LIKE on the joined columns (SearchedText), which its trigram index serves; a
    word shorter than a trigram gives the index nothing to look up, so that it would hand over every row (3.1 s
    at a million projects, where a sequential scan takes 0.14 s): it is written as one LIKE per column, which
    no index holds and the planner does not try.
    """
    joined = connection.vendor == "postgresql"
    condition = Q()
    for word in words:
        if joined and len(word) >= INDEXED_WORD_LENGTH:
            condition &= Q(IContains(SearchedText(), word))
        else:
            condition &= Q.create([(f"{column}__icontains", word) for column in SEARCHED_COLUMNS], connector=Q.OR)
    return condition


def found_through_an_index(data: dict) -> bool:
    """Whether the projects matching a search or value range (a filter form's cleaned data) are found through
    an index: a value range by the value index, a search by its words of INDEXED_WORD_LENGTH or more (the
    trigram indexes of both databases) or, on PostgreSQL, of two ideographs (their pairs' index). A search of
    other shorter words only is a read of every project, however few it finds."""
    if any(data.get(name) not in (None, "") for name in ("value_min", "value_max")):
        return True
    words = search_words(data.get("q") or "")
    return any(len(word) >= INDEXED_WORD_LENGTH for word in words) or bool(_paired_words(words))


def search_words(text: str) -> list[str]:
    return text.split()[:10]


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        max_length=200,
        validators=[ControlCharacterValidator()],
        help_text=_("Words in the title, signing parties or description, in English or Chinese."),
    )
    edition = django_filters.NumberFilter(
        label=_("Edition"),
        method="filter_edition",
        min_value=1,
        max_value=32767,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    sector = django_filters.CharFilter(
        label=_("Sector"),
        method="filter_sector",
        max_length=80,
        validators=[RegexValidator(r"^[-a-zA-Z0-9_]+$", _("Use a sector name from the list."))],
    )
    scope = django_filters.ChoiceFilter(
        label=_("Scope"), choices=Scope.choices, empty_label=_("Any scope"), method="filter_scope"
    )
    partner = django_filters.CharFilter(
        label=_("Partner country or region"),
        method="filter_partner",
        max_length=2,
        validators=[RegexValidator(r"^[A-Za-z]{2}$", _("Use a two-letter country code such as RU."))],
    )
    band = django_filters.ChoiceFilter(
        label=_("Value band"), choices=BAND_CHOICES, method="filter_band", empty_label=_("Any value")
    )
    value_min = django_filters.NumberFilter(
        label=_("Value from (yuan)"), field_name="value", method="filter_value_min", min_value=0, max_digits=17
    )
    value_max = django_filters.NumberFilter(
        label=_("Value up to (yuan)"), field_name="value", method="filter_value_max", min_value=0, max_digits=17
    )

    # Set on a copy of the filters (walking_the_order) before its rows are read: the value range (and on SQLite
    # the edition, sector, partner and scope) is then written so that no index serves it, and the search tests
    # its words row by row, so that the database walks the order's index instead.
    walks_order_index = False
    # Set on a copy (streaming_the_search_index) whose rows are read in no order: the search index is joined.
    joins_search_index = False

    def search(self, queryset, name, value):
        words = search_words(value)
        condition = holding_every_word(words)
        if self.walks_order_index:
            # Tested row by row along the order's index: looking the word up first would read every match.
            return queryset.filter(condition)
        # The index narrows the rows; the LIKEs above still decide, so the matches are exactly theirs.
        if self.joins_search_index:
            return joined_to_the_index(queryset, words).filter(_looked_up_in_pairs(words) & condition)
        return queryset.filter(indexed_search(words) & condition)

    # Edition and sector are matched by a scalar subquery rather than a join, so that the planners walk
    # the (edition, value) or (sector, value) index in the table's order and stop after one page.
    def filter_edition(self, queryset, name, value):
        queryset, column = self._column(queryset, "edition_id", IntegerField())
        return queryset.filter(**{column: Subquery(Edition.objects.filter(number=value).order_by().values("pk")[:1])})

    def filter_sector(self, queryset, name, value):
        queryset, column = self._column(queryset, "sector_id", IntegerField())
        return queryset.filter(**{column: Subquery(Sector.objects.filter(slug=value).order_by().values("pk")[:1])})

    def filter_partner(self, queryset, name, value):
        queryset, column = self._column(queryset, "partner", CharField())
        return queryset.filter(**{column: value.upper()})

    def filter_scope(self, queryset, name, value):
        queryset, column = self._column(queryset, "scope", CharField())
        return queryset.filter(**{column: value})

    def filter_band(self, queryset, name, value):
        queryset, column = self._value_column(queryset)
        return queryset.filter(BANDS_BY_SLUG[value].q(column))

    def filter_value_min(self, queryset, name, value):
        queryset, column = self._value_column(queryset)
        return queryset.filter(**{f"{column}__gte": value})

    def filter_value_max(self, queryset, name, value):
        queryset, column = self._value_column(queryset)
        return queryset.filter(**{f"{column}__lte": value})

    def _value_column(self, queryset) -> tuple:
        field = Project._meta.get_field("value")
        output = DecimalField(max_digits=field.max_digits, decimal_places=field.decimal_places)
        # On both databases: a range is what both planners read from the wrong index.
        return self._column(queryset, "value", output, on_every_database=True)

    def _column(self, queryset, column: str, output_field, *, on_every_database: bool = False) -> tuple:
        """A filter's column as its condition reads it: the column itself or, when walking the order, the same
        value cast, which no index serves (CAST keeps the column's kind of comparison on SQLite, which `+column`
        or `column + 0` would lose). Equalities are only unindexed on SQLite: PostgreSQL's planner chooses well
        between a filter's index and the order's."""
        if not self.walks_order_index or not (on_every_database or connection.vendor == "sqlite"):
            return queryset, column
        alias = f"{column}_unindexed"
        return queryset.alias(**{alias: Cast(column, output_field)}), alias

    @property
    def reads_value_ranges(self) -> bool:
        """Whether a value range or band is among the filters in use (the form must be valid)."""
        data = self.form.cleaned_data
        return any(data.get(name) not in (None, "") for name in ("value_min", "value_max", "band"))

    @property
    def searches(self) -> bool:
        return bool(self.form.cleaned_data.get("q"))


def walking_the_order(filterset: ProjectFilter) -> ProjectFilter:
    """The same filters, written so that the database finds a page by walking the order's index and testing
    the value range and the search word on each row, instead of reading every row of the range from the value
    index (or every match of the word from the search index) and sorting them all: 2.3 s for a third of a
    million projects in one range against 2 ms for the walk; 0.63 s for the word "project" against a few ms.

    Which is faster depends on how many rows the range holds, which the planners guess badly: the caller tries
    the walk within a time limit first (projects.views.ProjectPaginator)."""
    return _written_as(filterset, walks_order_index=True)


def streaming_the_search_index(filterset: ProjectFilter) -> ProjectFilter:
    """The same filters, with the search index joined, for reads in no order (the facets' first matches, a
    bounded count, the ids of a few matches): the index hands its matches over one by one and a LIMIT stops
    it, where asked for a list it reads every match first (`joined_to_the_index`). The same rows either way."""
    return _written_as(filterset, joins_search_index=True)


def search_asks_the_pairs_index(data: dict) -> bool:
    """Whether the filters (a form's cleaned data) look a word of two ideographs up in PostgreSQL's pairs index
    (`indexed_search`): its matches are then all read before the first page, where walking the order's index and
    testing the LIKEs finds the page of a common word after a few hundred rows ("钢铁" by value at a million
    projects: 145 ms for the page's query through the index, 9.9 ms walked; the page in all, 220 against 82 ms)."""
    return bool(_paired_words(search_words(data.get("q") or "")))


def search_joins_the_index(data: dict) -> bool:
    """Whether `streaming_the_search_index` joins anything for these filters (a form's cleaned data): a search
    with a word the index is asked for, on SQLite. Otherwise its copy reads as the filters themselves do."""
    return _index_query(search_words(data.get("q") or "")) is not None


def _written_as(filterset: ProjectFilter, **how: bool) -> ProjectFilter:
    """A copy of the filters, on the same data and rows, with the given ways of writing them set."""
    copy = type(filterset)(data=filterset.data, queryset=filterset.queryset, request=filterset.request)
    for name, value in how.items():
        setattr(copy, name, value)
    return copy


# The query parameters that filter (as opposed to sort, paginate or export), and those with no facet (no list
# of choices with counts beside them).
FILTER_PARAMS = tuple(ProjectFilter.base_filters)
UNFACETED_PARAMS = tuple(name for name in FILTER_PARAMS if name not in FACET_NAMES)
