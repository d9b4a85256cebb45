"""Whole public pages from the cache, for every visitor who has nothing of their own on the page.

A public page looks the same to every anonymous visitor: the filter form is a GET form, the language
switcher is links, and nothing personal is shown without a session. So the complete HTML of a public
page is cached per address (path and query, which carries the language prefix) under the public data
token (projects.caching.public_token): every save, delete, import and publish replaces the token, and
withdrawing an edition changes the draft list the token includes, so a cached page never outlives the
data it shows. A hit costs one query (the token with the draft list) and one cache read; a miss renders
the page as before (its own fragments are cached too) and stores it. With a shared cache (Redis) each worker also
keeps its own copy of the pages it served (settings.CACHES["local"]): a key names one version of one
page, so the copy is never stale, and a repeat visit skips the round trip to Redis.

A query parameter the page does not know (utm_source=..., junk=1) is dropped by a redirect to the same
address without it, before anything is read or rendered: such parameters can neither fill the cache nor
make the page render on every request, and the page they lead to is the one the cache already holds.
(A page echoes its query into its links and forms, so it cannot simply be served as if they were absent.)

What is never cached: a request with a session or messages cookie (staff see their edit links and
their messages), anything but GET, and any response that is not a plain 200 HTML page or that used the
CSRF token, set a cookie or queued a message. Headers the middleware adds (CSP, HSTS, Content-Language,
...) are added afresh to every response, cached or not, because this runs inside the view.
"""

from collections.abc import Callable, Iterable
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache, caches
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.encoding import escape_uri_path
from django.utils.http import escape_leading_slashes

CACHED_HEADER = "X-Page-Cache"
LOCAL_CACHE = "local"


def cache_public_page(*, params: Iterable[str] = ()) -> Callable:
    """Serve the view's page from the cache for visitors without a session; `params` are its known query keys."""
    known = frozenset(params)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method in ("GET", "HEAD") and any(name not in known for name in request.GET):
                return _without_unknown_parameters(request, known)
            if not _cacheable_request(request):
                return view(request, *args, **kwargs)
            # Imported here: editions never imports projects at module level, and this wraps editions' views.
            from projects.caching import CACHE_SECONDS, cache_key, public_token, query_parts

            # The host too: no page shows it today, but one that ever links to itself absolutely must not
            # hand one allowed host's links to visitors of another.
            parts = (request.get_host(), request.path, query_parts(request.GET))
            key = cache_key("page", *parts, token=public_token())
            stored = _read(key)
            if stored is not None:
                return _response_from(stored)
            response = view(request, *args, **kwargs)
            if callable(getattr(response, "render", None)) and not getattr(response, "is_rendered", True):
                response = response.render()  # a TemplateResponse: its HTML is what gets stored
            if _cacheable_response(request, response):
                _write(key, (response.status_code, response.content, list(response.items())), CACHE_SECONDS)
            return response

        return wrapper

    return decorator


def _local():
    """The worker's own cache in front of a shared one (settings.CACHES["local"]), if there is one."""
    return caches[LOCAL_CACHE] if LOCAL_CACHE in settings.CACHES else None


def _read(key: str):
    # A key names one version of one page (the data token is in it), so a local copy is never stale.
    local = _local()
    stored = local.get(key) if local is not None else None
    if stored is None:
        stored = cache.get(key)
        if stored is not None and local is not None:
            local.set(key, stored, timeout=None)
    return stored


def _write(key: str, value, seconds: int) -> None:
    cache.set(key, value, seconds)
    local = _local()
    if local is not None:
        local.set(key, value, timeout=None)


def _without_unknown_parameters(request: HttpRequest, known: frozenset[str]) -> HttpResponseRedirect:
    """A redirect to the same path with only the known parameters, in their order, every value kept."""
    query = request.GET.copy()
    for name in [name for name in query if name not in known]:
        del query[name]
    path = escape_leading_slashes(escape_uri_path(request.path))
    return HttpResponseRedirect(f"{path}?{query.urlencode()}" if query else path)


def _cacheable_request(request: HttpRequest) -> bool:
    if request.method != "GET":
        return False
    return not (settings.SESSION_COOKIE_NAME in request.COOKIES or CookieStorage.cookie_name in request.COOKIES)


def _cacheable_response(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # the page holds a CSRF token: it is this visitor's
        return False
    storage = getattr(request, "_messages", None)
    return not getattr(storage, "_queued_messages", None)


def _response_from(stored: tuple) -> HttpResponse:
    status, content, headers = stored
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    response[CACHED_HEADER] = "hit"
    return response
