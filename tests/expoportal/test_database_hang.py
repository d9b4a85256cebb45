"""A database server that accepts connections and never answers: every page answers 503 within seconds.

Without a connect timeout psycopg waits 130 s for the server's first word, and gunicorn kills the worker
after 30 s with a 500. The hung server here is a socket listener in a thread; the requests run in threads
of their own whose default database is what the settings give a PostgreSQL DATABASE_URL pointing at it,
so this runs the same way whichever database the suite itself uses.
"""

import runpy
import socketserver
import sys
import threading
import time
import traceback
from pathlib import Path

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import load_backend
from django.test import Client

pytestmark = pytest.mark.django_db

# Well past the few seconds the connect timeout allows, well short of psycopg's own 130 s.
DEADLINE_SECONDS = 12


class SilentServer(socketserver.ThreadingTCPServer):
    """Accepts every connection, then says nothing until it is closed."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        self.released = threading.Event()
        self.accepted = 0
        super().__init__(("127.0.0.1", 0), SilentHandler)


class SilentHandler(socketserver.BaseRequestHandler):
    def handle(self):
        self.server.accepted += 1
        self.server.released.wait()


@pytest.fixture
def silent_server():
    server = SilentServer()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.released.set()  # the handlers return and their sockets close: a waiting connect fails at once
    server.shutdown()
    server.server_close()


@pytest.fixture
def production_database(silent_server, monkeypatch):
    """The default database the settings build for a PostgreSQL DATABASE_URL naming the silent server."""
    monkeypatch.setenv("DATABASE_URL", f"postgres://expo@127.0.0.1:{silent_server.server_address[1]}/expoportal")
    monkeypatch.delenv("DB_CONNECT_TIMEOUT_SECONDS", raising=False)  # the default is what is tested
    monkeypatch.setenv("RELEASE", "test")
    namespace = runpy.run_path(str(Path(settings.BASE_DIR) / "expoportal" / "settings.py"))
    return namespace["DATABASES"][DEFAULT_DB_ALIAS]


def answers(database: dict, paths: list[str]) -> dict[str, tuple]:
    """Each path requested at once, each in a thread whose default database is `database`.

    For every path: (response, seconds), or (None, where the request was stuck) after the deadline.
    """
    results = {}

    def request(path):
        wrapper = load_backend(database["ENGINE"]).DatabaseWrapper(
            connections.configure_settings({DEFAULT_DB_ALIAS: dict(database)})[DEFAULT_DB_ALIAS]
        )
        connections[DEFAULT_DB_ALIAS] = wrapper  # this thread's own; the test's connection is untouched
        try:
            started = time.monotonic()
            response = Client(raise_request_exception=False).get(path)
            results[path] = (response, time.monotonic() - started)
        finally:
            wrapper.close()
            del connections[DEFAULT_DB_ALIAS]

    threads = {path: threading.Thread(target=request, args=[path], daemon=True) for path in paths}
    for thread in threads.values():
        thread.start()
    end = time.monotonic() + DEADLINE_SECONDS
    for path, thread in threads.items():
        thread.join(max(0.0, end - time.monotonic()))
        if thread.is_alive():
            stack = traceback.format_stack(sys._current_frames()[thread.ident])
            results[path] = (None, "".join(stack[-4:]))
    return results


def test_a_silent_database_gets_the_503_page_within_seconds(silent_server, production_database):
    paths = ["/healthz", "/en/editions/", "/zh-hans/projects/"]
    results = answers(production_database, paths)

    assert silent_server.accepted >= len(paths)  # the server took every connection: it hung, it did not refuse
    for path in paths:
        response, seconds = results[path]
        assert response is not None, f"{path}: no answer after {DEADLINE_SECONDS} s, stuck in:\n{seconds}"
        assert response.status_code == 503, path
        assert response["Retry-After"] == "30", path
        assert seconds < 6, f"{path} took {seconds:.1f} s"
    assert results["/healthz"][0].json() == {"status": "unavailable", "database": "unreachable"}
    assert "Temporarily unavailable" in results["/en/editions/"][0].content.decode()
    assert "暂时无法访问" in results["/zh-hans/projects/"][0].content.decode()


def test_the_connect_timeout_is_a_few_seconds_and_can_be_set(silent_server, production_database, monkeypatch):
    assert 2 <= production_database["OPTIONS"]["connect_timeout"] <= 5
    monkeypatch.setenv("DB_CONNECT_TIMEOUT_SECONDS", "10")
    namespace = runpy.run_path(str(Path(settings.BASE_DIR) / "expoportal" / "settings.py"))
    options = namespace["DATABASES"][DEFAULT_DB_ALIAS]["OPTIONS"]
    assert options["connect_timeout"] == 10
    assert options["options"] == f"-c jit=off -c statement_timeout={settings.DB_STATEMENT_TIMEOUT_MS}"  # still there
