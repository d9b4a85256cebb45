"""The tokens query stands in for Django's connection health check (core/caching/tokens.py).

With CONN_HEALTH_CHECKS on, Django sends a separate query before the first one of each request to see that a
reused connection is alive; on PostgreSQL that round trip cost a page-cache hit as much as the page itself.
"""

from unittest import mock

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.urls import reverse

from core.caching import tokens
from core.caching.pages import CACHED_HEADER
from tests.factories import EditionFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)  # outside a transaction, as a request


@pytest.fixture(autouse=True)
def tokens_read_on_every_request(settings):
    settings.DATA_TOKENS_LISTEN = False  # kept tokens would make no query at all (tests/core/test_token_notices.py)


def start_of_a_new_request():
    """What Django's request_started does for a reused connection (the test client leaves it out)."""
    connection.ensure_connection()
    connection.health_check_done = False


def test_a_cached_page_makes_no_separate_health_check(client):
    url = EditionFactory(number=14, year=2023).get_absolute_url()
    assert client.get(url).status_code == 200  # fills the page cache
    start_of_a_new_request()
    with mock.patch.object(connections["default"], "is_usable") as is_usable:
        response = client.get(url)
    assert response.status_code == 200
    assert response.has_header(CACHED_HEADER)
    is_usable.assert_not_called()
    assert connection.health_check_done


def test_a_dead_connection_is_replaced_and_the_page_served(client):
    url = reverse("editions:list")
    EditionFactory(number=14, year=2023)
    start_of_a_new_request()
    if connection.vendor == "sqlite":
        pytest.skip("an SQLite connection cannot die under Django: it is a file")
    connection.connection.close()  # as a database restart or an idle timeout would
    dead = connection.connection
    response = client.get(url)
    assert response.status_code == 200
    assert connection.connection is not dead


def test_an_error_of_the_query_itself_is_not_retried():
    start_of_a_new_request()
    failing = mock.Mock(side_effect=DatabaseError("no such table"))
    with mock.patch.object(tokens, "_select_rows", failing), pytest.raises(DatabaseError, match="no such table"):
        tokens.current()
    assert failing.call_count == 1


def test_inside_a_transaction_django_checks_as_usual():
    # A connection replaced inside a transaction would lose it, so there the tokens query does not stand in.
    with transaction.atomic():
        start_of_a_new_request()
        with mock.patch.object(connections["default"], "is_usable", return_value=True) as is_usable:
            tokens.current()
    is_usable.assert_called_once()
