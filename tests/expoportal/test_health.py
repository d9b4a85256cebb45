"""The health endpoint, the database-outage 503 page, recovery, and the statement timeout."""

import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import RequestFactory
from pytest_django.asserts import assertContains, assertNotContains

from expoportal.health import server_error
from tests.factories import EditionFactory

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


def database_down(error=OperationalError):
    """Every new cursor fails, as when the server refuses connections or drops them."""
    return mock.patch.object(
        BaseDatabaseWrapper, "cursor", side_effect=error("could not connect to server: Connection refused")
    )


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_not_under_a_language_prefix(client):
    assert client.get("/zh-hans/healthz").status_code == 404


def test_healthz_answers_503_when_the_database_is_unreachable(client, caplog):
    with database_down():
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable"}
    assert any(r.levelno == logging.ERROR and r.name == "expoportal.database" for r in caplog.records)


def test_healthz_refuses_writes(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
@pytest.mark.parametrize("url", ["/en/", "/en/editions/", "/en/projects/", "/zh-hans/editions/"])
def test_any_page_shows_the_503_page_and_logs_when_the_database_is_unreachable(client, caplog, url, error):
    with database_down(error):
        response = client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    heading = "暂时无法访问" if url.startswith("/zh-hans/") else "Temporarily unavailable"
    assertContains(response, heading, status_code=503)
    assertNotContains(response, "Connection refused", status_code=503)
    assertNotContains(response, "Traceback", status_code=503)
    errors = [r for r in caplog.records if r.levelno == logging.ERROR and r.name == "expoportal.database"]
    assert errors and url in errors[0].getMessage()
    assert isinstance(errors[0].exc_info[1], error)


def test_the_site_recovers_by_itself_when_the_database_returns(client):
    edition = EditionFactory(name_en="Back Again Expo")
    with database_down():
        assert client.get(edition.get_absolute_url()).status_code == 503
        assert client.get("/healthz").status_code == 503
    # No restart, no manual step: the next requests are served again.
    assertContains(client.get(edition.get_absolute_url()), "Back Again Expo")
    assert client.get("/healthz").json()["status"] == "ok"


def test_a_database_outage_outside_a_view_still_gets_the_503_page():
    request = RequestFactory().get("/")
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    assert b"Temporarily unavailable" in response.content


def test_any_other_error_outside_a_view_gets_the_500_page():
    request = RequestFactory().get("/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500
    assert b"Something went wrong" in response.content


def test_other_programming_errors_are_not_disguised_as_an_outage(client):
    client.raise_request_exception = False
    with mock.patch("portal.views.editions.Edition.objects.published", side_effect=KeyError("bug")):
        response = client.get("/en/editions/")
    assert response.status_code == 500


@on_postgresql
def test_postgresql_connections_carry_the_statement_timeout():
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        (value,) = cursor.fetchone()
    expected_ms = settings.DB_STATEMENT_TIMEOUT_MS
    assert value == (f"{expected_ms // 1000}s" if expected_ms % 1000 == 0 else f"{expected_ms}ms")


@on_postgresql
def test_a_query_past_the_statement_timeout_is_cut_off_as_an_outage_error():
    db = connection.settings_dict
    script = (
        "import time\n"
        "from django.db import connection, OperationalError\n"
        "start = time.monotonic()\n"
        "try:\n"
        "    connection.cursor().execute('SELECT pg_sleep(5)')\n"
        "except OperationalError as error:\n"
        "    print('cut off after', round(time.monotonic() - start, 1), 's:', error)\n"
    )
    env = {
        "PATH": os.environ.get("PATH", ""),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DB_STATEMENT_TIMEOUT_MS": "200",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    # An OperationalError: the middleware turns it into the 503 page instead of a held worker.
    assert "cut off after" in result.stdout
    assert "statement timeout" in result.stdout
