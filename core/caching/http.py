"""HTTP caching of public pages, downloads and open data, so that browsers and a reverse proxy can answer repeats.

A public response (core/caching/pages.py decides which pages are; every open-data answer is) says to every cache
on the way:

- **ETag**: a digest of the release (the cache's key prefix), the site token (replaced by every save, delete,
  import and publish) and what names the response: a page's key (language, host, path, known query), or nothing
  for open data, whose every answer changes with the data as a whole. So a published change or a new release gives
  a new ETag, and a visitor whose copy still matches gets a 304 before anything is read from the cache or
  rendered. It is weak: an answer built again from the same data means the same, byte for byte or not.
- **Cache-Control: public, max-age** (PUBLIC_MAX_AGE_SECONDS, a minute by default): a proxy may serve it that long
  without asking, so an edit shows once the max-age has passed. Pages add **stale-while-revalidate**: a proxy may
  keep serving a page for a few minutes more while it asks again in the background, which hides a first visit's
  rendering; open data does not, so that a program polling for changes sees them within the max-age.
- **Vary: Cookie** on pages: a visitor with a session (staff, who see edit links) is never handed the public copy,
  nor the public a staff member's. The language is in the path (/en/, /zh-hans/), so nothing varies on
  Accept-Language. Open data is the same for everyone, cookie or not.

Everything else a public page's view answers (a signed-in visitor's page, a page that set a cookie, used the
CSRF token or queued a message, an error or a redirect) is marked `private`, so no shared cache keeps it.
"""

import hashlib
from datetime import datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_etags, parse_http_date_safe

from core.caching import tokens
from core.caching.stores import questions_cache

# Short: the page cache behind the proxy makes a revalidation cheap, and an edit must show within a minute.
MAX_AGE_SECONDS = 60
STALE_WHILE_REVALIDATE_SECONDS = 300


def max_age_seconds() -> int:
    """How long a shared cache may serve a public answer without asking (the setting, a minute by default)."""
    return getattr(settings, "PUBLIC_MAX_AGE_SECONDS", MAX_AGE_SECONDS)


def etag(*names: str) -> str:
    """The weak ETag of the current version of what `names` name (a page's cache key; nothing for open data)."""
    # make_key adds the release (the cache's KEY_PREFIX), so a new release never answers 304 to an old answer.
    key = questions_cache().make_key(repr((tokens.current().site, names)))
    return f'W/"{hashlib.sha256(key.encode()).hexdigest()[:32]}"'


def unchanged(request: HttpRequest, tag: str, *, last_modified: datetime | None = None) -> bool:
    """Whether the visitor's copy is this version, so a 304 answers.

    Only a listed ETag counts, compared weakly (RFC 9110 8.8.3.2): `*` ("any version you have") would answer
    304 for an address the view answers 404. If-Modified-Since counts only without If-None-Match (13.2.2), and
    only where the answer has a Last-Modified. If-Match and If-Unmodified-Since guard writes, which these
    answers do not take, so they are answered as if those were absent.
    """
    offered = request.META.get("HTTP_IF_NONE_MATCH")
    if offered is not None:
        return _opaque(tag) in {_opaque(offer) for offer in parse_etags(offered) if offer != "*"}
    since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
    return since is not None and last_modified is not None and int(last_modified.timestamp()) <= since


def not_modified(request: HttpRequest, tag: str) -> HttpResponse | None:
    """A page's 304 when the visitor's copy (If-None-Match) is this version, with the public headers; else None."""
    return public(HttpResponseNotModified(), tag) if unchanged(request, tag) else None


def _opaque(tag: str) -> str:
    return tag.removeprefix("W/")


def public(response: HttpResponse, tag: str) -> HttpResponse:
    """Mark a page every visitor without a session would get, so shared caches may keep and revalidate it."""
    response.headers["ETag"] = tag
    patch_cache_control(
        response, public=True, max_age=max_age_seconds(), stale_while_revalidate=STALE_WHILE_REVALIDATE_SECONDS
    )
    patch_vary_headers(response, ("Cookie",))
    return response


def open_data(response: HttpResponse, tag: str, *, last_modified: datetime | None = None) -> HttpResponse:
    """Mark an open-data answer (API, data package): the same for everyone while the data is unchanged."""
    response.headers["ETag"] = tag
    if last_modified is not None:
        response.headers["Last-Modified"] = http_date(last_modified.timestamp())
    patch_cache_control(response, public=True, max_age=max_age_seconds())
    return response


def private(response: HttpResponse) -> HttpResponse:
    """Mark a response that is this visitor's alone (or not worth sharing): no shared cache may keep it."""
    if "Cache-Control" not in response:
        patch_cache_control(response, private=True)
    patch_vary_headers(response, ("Cookie",))
    return response
