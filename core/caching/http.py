"""HTTP caching of public pages and downloads, so that browsers and a reverse proxy can answer repeat visits.

A public response (core/caching/pages.py decides which) says three things to every cache on the way:

- **ETag**: a digest of what decides the response: the release (the cache's key prefix), the site token
  (replaced by every save, delete, import and publish), the language, the host, the path and the known query.
  So a published change or a new release gives a new ETag, and a visitor whose copy still matches gets a
  304 without the page being read from the cache or rendered. It is weak: a page rendered again from the
  same data means the same, byte for byte or not.
- **Cache-Control: public, max-age, stale-while-revalidate**: a proxy may serve the page for a minute without
  asking, then keep serving it for a few minutes more while it revalidates in the background. An edit shows
  once the max-age has passed, at the latest.
- **Vary: Cookie**: a visitor with a session (staff, who see edit links) is never handed the public copy, nor the
  public a staff member's. The language is in the path (/en/, /zh-hans/), so nothing varies on
  Accept-Language.

Everything else a public page's view answers (a signed-in visitor's page, a page that set a cookie, used the
CSRF token or queued a message, an error or a redirect) is marked `private`, so no shared cache keeps it.
"""

import hashlib

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags

from core.caching.stores import questions_cache

# Short: the page cache behind the proxy makes a revalidation cheap, and an edit must show within a minute.
MAX_AGE_SECONDS = 60
STALE_WHILE_REVALIDATE_SECONDS = 300


def etag(page_key: str) -> str:
    """The weak ETag of one version of one page, from its page-cache key (which holds the site token)."""
    # make_key adds the release (the cache's KEY_PREFIX), so a new release never answers 304 to an old page.
    key = questions_cache().make_key(page_key)
    return f'W/"{hashlib.sha256(key.encode()).hexdigest()[:32]}"'


def not_modified(request: HttpRequest, tag: str) -> HttpResponse | None:
    """A 304 when the visitor's copy (If-None-Match) is this version, with the public headers; else None.

    Only a listed ETag counts, compared weakly (RFC 9110 8.8.3.2): `*` ("any version you have") would answer
    304 for an address the view answers 404, and If-Match and If-Unmodified-Since guard writes, which these
    pages do not take, so the page answers as if they were absent.
    """
    offered = {_opaque(offer) for offer in parse_etags(request.META.get("HTTP_IF_NONE_MATCH", "")) if offer != "*"}
    if _opaque(tag) in offered:
        return public(HttpResponseNotModified(), tag)
    return None


def _opaque(tag: str) -> str:
    return tag.removeprefix("W/")


def public(response: HttpResponse, tag: str) -> HttpResponse:
    """Mark a response every visitor without a session would get, so shared caches may keep and revalidate it."""
    response.headers["ETag"] = tag
    patch_cache_control(
        response, public=True, max_age=MAX_AGE_SECONDS, stale_while_revalidate=STALE_WHILE_REVALIDATE_SECONDS
    )
    patch_vary_headers(response, ("Cookie",))
    return response


def private(response: HttpResponse) -> HttpResponse:
    """Mark a response that is this visitor's alone (or not worth sharing): no shared cache may keep it."""
    if "Cache-Control" not in response:
        patch_cache_control(response, private=True)
    patch_vary_headers(response, ("Cookie",))
    return response
