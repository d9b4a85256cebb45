"""On PostgreSQL a process keeps the data tokens between requests until the database tells it they changed
(core/caching/notices.py), so a page from the cache costs no query, and a change is still seen at once."""

import importlib
import time

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.caching import notices, tokens
from core.caching.pages import CACHED_HEADER
from tests.factories import EditionFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)  # outside a transaction, as a request

postgresql_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="SQLite reads the tokens each time")


@pytest.fixture
def kept_for_a_minute(monkeypatch):
    # Long enough that only a notice can make the tokens be read again within a test.
    monkeypatch.setattr(notices, "KEEP_SECONDS", 60.0)


@pytest.fixture
def url():
    EditionFactory(number=14, year=2023)
    return reverse("editions:list")


def warm(client, url) -> None:
    """The page cached and the tokens kept: the first request begins listening after it read them, the second
    reads them again and keeps them."""
    for _ in range(2):
        client.get(url)


def served_from_the_cache(client, url) -> bool:
    response = client.get(url)
    assert response.status_code == 200
    return response.has_header(CACHED_HEADER)


@postgresql_only
def test_a_page_from_the_cache_costs_no_query_while_nothing_changes(client, url, django_assert_num_queries):
    warm(client, url)
    with django_assert_num_queries(0):
        assert served_from_the_cache(client, url)
        assert served_from_the_cache(client, url)


@postgresql_only
def test_a_token_written_by_another_process_is_heard_of_at_once(client, url, kept_for_a_minute):
    warm(client, url)
    assert served_from_the_cache(client, url)
    with notices.new_connection() as other:  # as a restore or another app instance would write it
        other.execute("UPDATE core_dataversion SET token = 'written-elsewhere' WHERE name = %s", [tokens.SITE])
    deadline = time.monotonic() + 2
    while served_from_the_cache(client, url):
        assert time.monotonic() < deadline, "the notice of the change never came"
        time.sleep(0.01)
    assert client.get(url).has_header(CACHED_HEADER)  # the new page, now cached under the new token


@postgresql_only
def test_a_write_in_this_process_is_seen_at_the_next_request(client, url, kept_for_a_minute, monkeypatch):
    warm(client, url)
    assert served_from_the_cache(client, url)
    # As if the notice of the write below were still on its way: only forgetting the tokens at once shows it.
    monkeypatch.setattr(notices._Listener, "_heard_of_a_change", lambda self: False)
    EditionFactory(number=15, year=2024)
    response = client.get(url)
    assert not response.has_header(CACHED_HEADER)
    assert "2024" in response.text


@postgresql_only
def test_tokens_read_while_this_process_wrote_are_not_kept(client, url):
    warm(client, url)
    notices.forget()

    def read_during_a_write():
        notices.forget()  # another thread's save, between this read and keeping what it read
        return tokens._read_tokens()

    notices._listener.kept_or_read(read_during_a_write)
    assert notices._listener.kept is None
    notices._listener.kept_or_read(tokens._read_tokens)
    assert notices._listener.kept is not None  # a read with no write during it is kept


@postgresql_only
def test_kept_tokens_are_read_again_after_keep_seconds(client, url, monkeypatch, django_assert_num_queries):
    warm(client, url)
    monkeypatch.setattr(notices, "KEEP_SECONDS", 0.0)
    with django_assert_num_queries(1):  # the tokens
        assert served_from_the_cache(client, url)


@postgresql_only
def test_a_lost_listening_connection_falls_back_to_reading_and_listens_again(
    client, url, kept_for_a_minute, django_assert_num_queries
):
    warm(client, url)
    listening = notices._listener.connection
    with notices.new_connection() as other:  # as a database restart or a cut connection would
        other.execute("SELECT pg_terminate_backend(%s)", [listening.info.backend_pid])
    time.sleep(0.05)
    with django_assert_num_queries(1):
        assert served_from_the_cache(client, url)
    assert notices._listener.connection is None  # dropped, and not tried again at once
    notices._listener.retry_at = 0.0  # as if RETRY_SECONDS had passed
    with django_assert_num_queries(1):
        assert served_from_the_cache(client, url)
    assert notices._listener.connection is not None  # listening again, from after that read
    with django_assert_num_queries(1):
        assert served_from_the_cache(client, url)  # this read is kept
    with django_assert_num_queries(0):
        assert served_from_the_cache(client, url)


@postgresql_only
def test_a_forked_process_does_not_use_its_parents_connection(client, url, monkeypatch):
    warm(client, url)
    parents = notices._listener.connection
    monkeypatch.setattr(notices.os, "getpid", lambda: -1)
    assert notices._listener.kept_tokens() is None  # the parent's kept tokens are the parent's too
    assert served_from_the_cache(client, url)
    assert notices._listener.connection is not parents
    parents.close()


@postgresql_only
def test_inside_a_transaction_the_tokens_are_read_not_kept(client, url):
    warm(client, url)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        assert not notices.in_use()
        assert served_from_the_cache(client, url)
    assert any("core_dataversion" in query["sql"] for query in queries.captured_queries)


@postgresql_only
def test_switched_off_every_request_reads_the_tokens(client, url, settings, django_assert_num_queries):
    settings.DATA_TOKENS_LISTEN = False
    warm(client, url)
    with django_assert_num_queries(1):
        assert served_from_the_cache(client, url)
    assert notices._listener.connection is None


def test_on_sqlite_every_request_reads_the_tokens(client, url, django_assert_num_queries):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL keeps them")
    warm(client, url)
    with django_assert_num_queries(1):
        assert served_from_the_cache(client, url)
    assert notices._listener.connection is None


def test_the_trigger_notifies_the_channel_the_processes_listen_on():
    migration = importlib.import_module("core.migrations.0002_data_version_notifies")
    assert f"pg_notify('{notices.CHANNEL}'" in migration.CREATE
