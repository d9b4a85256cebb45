"""On PostgreSQL the counts of a value range that cuts a band group the value index alone, which carries the
grouped columns (projects/migrations/0014_...), instead of reading each matching project from the table."""

import pytest
from django.db import connection

from projects.search_facets import GROUPED_COLUMNS

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's covering index"),
]
VALUE_INDEX = "project_value_id_edition"


def index_columns(name: str) -> set[str]:
    """The columns an index holds, its key and its INCLUDE alike."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attribute.attname FROM pg_index AS index JOIN pg_attribute AS attribute"
            " ON attribute.attrelid = index.indrelid AND attribute.attnum = ANY(index.indkey)"
            " WHERE index.indexrelid = %s::regclass",
            [name],
        )
        return {row[0] for row in cursor.fetchall()}


def test_the_value_index_holds_every_column_a_value_range_is_counted_by():
    # An index-only scan needs them all: the band is computed from the value, the rest are read as they are.
    grouped = {column for column in GROUPED_COLUMNS if column != "band_position"} | {"value"}
    assert grouped <= index_columns(VALUE_INDEX)
