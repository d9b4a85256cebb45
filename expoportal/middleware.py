"""Keep the site answering when the database does not: a 503 page instead of a 500."""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

logger = logging.getLogger("expoportal.database")

# Errors meaning "the database is away or too slow", not "the code is wrong": the connection was
# refused or dropped, or PostgreSQL cancelled a query past its statement timeout.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)

RETRY_AFTER_SECONDS = 30


def service_unavailable_response():
    """The 503 page; it renders without the database, a request context or the base template."""
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    """A view that finds the database unreachable answers 503 and logs why.

    Django drops a connection that failed (CONN_HEALTH_CHECKS), so the next request reconnects and
    the site recovers by itself once the database is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_UNAVAILABLE):
            return None
        logger.error("Database unavailable while serving %s", request.path, exc_info=exception)
        return service_unavailable_response()


def client_ip(request) -> str:
    """The client's address for lockouts: behind our proxy, the one the proxy saw; else the peer."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        # The proxy appends the address it saw; anything to its left is what the client claimed.
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")
