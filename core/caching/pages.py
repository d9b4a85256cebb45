"""Whole public pages from the cache, for every visitor who has nothing of their own on the page.

A public page looks the same to every anonymous visitor: the filter form is a GET form, the language switcher
is links, and nothing personal is shown without a session. So its complete HTML is cached per host, path and
known query parameters (the path carries the language prefix) under the site token, which every save, delete,
import and publish replaces (core/caching/tokens.py). A hit costs one query (the tokens) and one cache read.

A query parameter the page does not know (utm_source=..., junk=1) is dropped by a redirect to the same address
without it, before anything is read or rendered: such parameters can neither fill the cache nor make the page
render on every request, and the page they lead to is the one the cache already holds. (A page echoes its query
into its links and forms, so it cannot simply be served as if they were absent.)

What is never cached: a request with a session or messages cookie (staff see their edit links and their
messages), anything but GET, and any response that is not a plain 200 HTML page or that used the CSRF token,
set a cookie or queued a message. Headers the middleware adds (CSP, HSTS, Content-Language, ...) are added
afresh to every response, cached or not, because this runs inside the view.

Browsers and reverse proxies are told the same (core/caching/http.py): a page or download every visitor without
a session gets carries an ETag from the site token, `Cache-Control: public` with a short max-age and
`Vary: Cookie`, and a visitor whose copy is current gets a 304 before the cache is read; the rest is `private`.
"""

import hashlib
from collections.abc import Callable, Iterable
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.encoding import escape_uri_path
from django.utils.http import escape_leading_slashes
from django.utils.translation import get_language

from core.caching import http, tokens
from core.caching.stores import questions_cache

CACHED_HEADER = "X-Page-Cache"
# Entries under an old token are never read again; they only need to expire eventually.
CACHE_SECONDS = 6 * 60 * 60


def known_parameters(*sources) -> frozenset[str]:
    """The query parameter names of forms, filter sets (their fields) and plain names, for cache_public_page."""
    names = set()
    for source in sources:
        if isinstance(source, str):
            names.add(source)
        elif hasattr(source, "base_filters"):  # a django-filter FilterSet
            names.update(source.base_filters)
        elif hasattr(source, "base_fields"):  # a Form
            names.update(source.base_fields)
        else:
            names.update(source)
    return frozenset(names)


def cache_public_page(*, params: Iterable = ()) -> Callable:
    """Serve the view's page from the cache for visitors without a session.

    `params` names the query parameters the page reads: names, or the form or filter set whose fields they are.
    """
    known = known_parameters(*params)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method in ("GET", "HEAD") and any(name not in known for name in request.GET):
                return _without_unknown_parameters(request, known)
            if request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            if _personal_request(request):
                return http.private(view(request, *args, **kwargs))
            # The host too: no page shows it today, but one that ever links to itself absolutely must not hand
            # one allowed host's links to visitors of another.
            key = page_key(request.get_host(), request.path, query_parts(request.GET))
            tag = http.etag(key)
            unchanged = http.not_modified(request, tag)
            if unchanged is not None:
                return unchanged
            cache = questions_cache()  # one entry per address: they must not cull the aggregates
            stored = cache.get(key) if request.method == "GET" else None
            if stored is not None:
                return http.public(_response_from(stored), tag)
            response = view(request, *args, **kwargs)
            if callable(getattr(response, "render", None)) and not getattr(response, "is_rendered", True):
                response = response.render()  # a TemplateResponse: its HTML is what gets stored
            if request.method == "GET" and _cacheable_response(request, response):
                cache.set(key, (response.status_code, response.content, list(response.items())), CACHE_SECONDS)
            return http.public(response, tag) if _shareable_response(request, response) else http.private(response)

        wrapper.cached_parameters = known
        return wrapper

    return decorator


def page_key(*parts) -> str:
    """The key of one version of one page: its parts, the active language and the site token."""
    digest = hashlib.sha256(repr((tokens.current().site, get_language(), parts)).encode()).hexdigest()[:32]
    return f"expo:page:{digest}"


def query_parts(query) -> tuple:
    """A request's query string in a stable order, so one question reuses one page."""
    return tuple(sorted((key, tuple(values)) for key, values in query.lists()))


def _without_unknown_parameters(request: HttpRequest, known: frozenset[str]) -> HttpResponseRedirect:
    """A redirect to the same path with only the known parameters, in their order, every value kept."""
    query = request.GET.copy()
    for name in [name for name in query if name not in known]:
        del query[name]
    path = escape_leading_slashes(escape_uri_path(request.path))
    return HttpResponseRedirect(f"{path}?{query.urlencode()}" if query else path)


def _personal_request(request: HttpRequest) -> bool:
    """A visitor with a session (staff see their edit links) or with messages waiting gets a page of their own."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES or CookieStorage.cookie_name in request.COOKIES


def _shareable_response(request: HttpRequest, response: HttpResponse) -> bool:
    """A plain 200, a download included, that is the same for every visitor without a session."""
    if response.status_code != 200 or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # the page holds a CSRF token: it is this visitor's
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:  # the session middleware will set a cookie
        return False
    storage = getattr(request, "_messages", None)
    return not getattr(storage, "_queued_messages", None)


def _cacheable_response(request: HttpRequest, response: HttpResponse) -> bool:
    """A shareable HTML page, kept whole in the cache (downloads stream, and are not kept)."""
    if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
        return False
    return _shareable_response(request, response)


def _response_from(stored: tuple) -> HttpResponse:
    status, content, headers = stored
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    response[CACHED_HEADER] = "hit"
    return response
