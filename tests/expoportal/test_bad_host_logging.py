"""A request with a Host header the site does not serve is refused with a 400 and one line in the log."""

import io
import logging

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGGER = "django.security.DisallowedHost"


@pytest.fixture
def console():
    """What the site's own console handler (settings.LOGGING) writes, as text."""
    (handler,) = [handler for handler in logging.getLogger().handlers if type(handler) is logging.StreamHandler]
    stream = io.StringIO()
    # Swapped by hand: setStream() flushes the stream it replaces, which an earlier test's captured output may
    # already have closed.
    previous, handler.stream = handler.stream, stream
    yield stream
    handler.stream = previous


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1.evil.example"])
def test_a_bad_host_header_is_a_400_and_one_log_line_without_a_traceback(client, caplog, console, host):
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        response = client.get(reverse("home"), HTTP_HOST=host)
    assert response.status_code == 400
    (record,) = [record for record in caplog.records if record.name == LOGGER]
    assert record.getMessage().startswith(f"Invalid HTTP_HOST header: '{host}'.")
    assert record.exc_info is None
    assert console.getvalue().splitlines() == [record.getMessage()]
