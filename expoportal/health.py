"""The health endpoint and the last-resort error handler."""

import logging
import sys

from django.db import DatabaseError, connection
from django.http import HttpResponseServerError, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from expoportal.middleware import DATABASE_UNAVAILABLE, RETRY_AFTER_SECONDS, service_unavailable_response

logger = logging.getLogger("expoportal.database")


@never_cache
@require_safe
def healthz(request):
    """200 {"status": "ok"} when the database answers a trivial query; 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.error("Health check: the database does not answer", exc_info=True)
        response = JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return JsonResponse({"status": "ok", "database": "ok"})


def server_error(request):
    """handler500: a database outage anywhere (even in middleware) is a 503; anything else a 500.

    Django calls this while handling the exception, so sys.exception() is the error. Both pages are
    standalone templates: no database, no request context.
    """
    if isinstance(sys.exception(), DATABASE_UNAVAILABLE):
        return service_unavailable_response()
    return HttpResponseServerError(loader.get_template("500.html").render())
