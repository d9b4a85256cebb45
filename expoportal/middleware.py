"""Keep the site answering when the database does not (a 503 page instead of a 500), and show the
portal's own 404 page with DEBUG on."""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse
from django.template import loader
from django.views.defaults import page_not_found

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


class NotFoundPageMiddleware:
    """With DEBUG on (`make run`), a missing page is the portal's 404 page rather than Django's technical one.

    Django shows the technical page, which lists every URL pattern, whenever DEBUG is on; someone trying the
    demo who follows a link to a page that does not exist should see what a visitor sees. Placed after the
    locale and common middleware, whose redirects (a language prefix, a trailing slash) still apply.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # No resolver match: no URL pattern matched, and Django answered with the technical page.
        if settings.DEBUG and response.status_code == 404 and getattr(request, "resolver_match", None) is None:
            return page_not_found(request, Http404())
        return response

    def process_exception(self, request, exception):
        if settings.DEBUG and isinstance(exception, Http404):
            return page_not_found(request, exception)
        return None
