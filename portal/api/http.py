"""HTTP caching and CORS for open data (the API and the data package).

Every answer is valid while the public data is unchanged, so its ETag is the site's data token (the one every
save, import and publish replaces; core/caching/tokens.py) with the release, and its Last-Modified the time that
token was last replaced. A client that sends the ETag back in If-None-Match gets a 304 before anything is read.
Anyone may read the data from a browser on another site: GET answers carry Access-Control-Allow-Origin: *.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import condition

from core.caching import tokens

CACHE_CONTROL = "public, max-age=60"
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "If-None-Match, If-Modified-Since",
    "Access-Control-Expose-Headers": "ETag, Last-Modified",
}


def data_etag(request, *args, **kwargs) -> str:
    release = settings.CACHES["default"].get("KEY_PREFIX", "")
    return hashlib.sha256(f"{release}:{tokens.current().site}".encode()).hexdigest()[:32]


def data_last_modified(request, *args, **kwargs):
    return tokens.site_changed_at()


def _head(view, request, *args, **kwargs):
    """HEAD: the GET answer's status and headers without its body (the API's routes are declared for GET only)."""
    request.method = "GET"
    try:
        response = view(request, *args, **kwargs)
    finally:
        request.method = "HEAD"
    if response.streaming:
        response.close()
        headers = list(response.items())
        response = HttpResponse(status=response.status_code)
        for name, value in headers:
            response[name] = value
    else:
        response["Content-Length"] = str(len(response.content))
        response.content = b""
    return response


def open_data(view):
    """The view's answers with ETag, Last-Modified and Cache-Control (a 304 when unchanged), and CORS for GET."""
    conditional = condition(etag_func=data_etag, last_modified_func=data_last_modified)(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        # A browser's preflight (OPTIONS) needs only the CORS headers.
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
        elif request.method not in ("GET", "HEAD"):
            # Read-only: a program that writes gets a JSON answer saying so, not the library's plain text.
            response = JsonResponse(
                {"error": _("The open data is read-only: only GET and HEAD are answered here.")}, status=405
            )
            response["Allow"] = "GET, HEAD, OPTIONS"
        elif request.method == "HEAD":
            response = _head(conditional, request, *args, **kwargs)
        else:
            response = conditional(request, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code in (200, 304):
            response["Cache-Control"] = CACHE_CONTROL
        for name, value in CORS_HEADERS.items():
            response[name] = value
        return response

    return wrapper
