"""HTTP caching and CORS for open data (the API and the data package).

Every answer is valid while the public data is unchanged, so its ETag and Cache-Control are those of
core/caching/http.py for the data as a whole (from the site token every save, import and publish replaces), and
its Last-Modified the time that token was last replaced. A client that sends the ETag back in If-None-Match (or
the date in If-Modified-Since) gets a 304 before anything is read. Anyone may read the data from a browser on
another site: GET answers carry Access-Control-Allow-Origin: *.
"""

from functools import wraps

from django.http import HttpResponse, HttpResponseNotModified, JsonResponse
from django.utils.translation import gettext as _

from core.caching import http, tokens

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "If-None-Match, If-Modified-Since",
    "Access-Control-Expose-Headers": "ETag, Last-Modified",
}


def _conditional(view):
    """The view's answer, or a 304 when the client's copy is current; ETag and the rest on both."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        tag = http.etag()
        changed_at = tokens.site_changed_at()
        if http.unchanged(request, tag, last_modified=changed_at):
            return http.open_data(HttpResponseNotModified(), tag, last_modified=changed_at)
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            http.open_data(response, tag, last_modified=changed_at)
        return response

    return wrapper


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
    conditional = _conditional(view)

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
        for name, value in CORS_HEADERS.items():
            response[name] = value
        return response

    return wrapper
