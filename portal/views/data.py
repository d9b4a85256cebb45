"""/data/expo-portal.zip: the data package (portal/open_data/package.py), kept under the data token."""

from django.core.cache import cache
from django.http import HttpResponse, StreamingHttpResponse
from django.views.decorators.http import require_safe

from core.caching import tokens
from core.downloads import attachment
from portal.api.http import open_data
from portal.open_data import package

# A package up to this size is kept whole in the cache; a larger one is streamed again on each (rare) request.
MAX_CACHED_BYTES = 32 * 1024 * 1024
CACHE_SECONDS = 6 * 60 * 60
CONTENT_TYPE = "application/zip"


def _key() -> str:
    return f"expo:data-package:{tokens.current().site}"


def _streamed_and_kept(key: str, chunks):
    """The zip's chunks as they come; when it is whole and small enough, it is cached under `key`."""
    kept, size = [], 0
    for chunk in chunks:
        size += len(chunk)
        if kept is not None:
            kept.append(chunk)
            if size > MAX_CACHED_BYTES:
                kept = None
        yield chunk
    if kept is not None:
        cache.set(key, b"".join(kept), CACHE_SECONDS)


@open_data
@require_safe
def data_package(request):
    key = _key()
    stored = cache.get(key)
    if stored is not None:
        response = HttpResponse(stored, content_type=CONTENT_TYPE)
    else:
        chunks = package.zip_chunks(tokens.site_changed_at())
        response = StreamingHttpResponse(_streamed_and_kept(key, chunks), content_type=CONTENT_TYPE)
    return attachment(response, package.FILENAME)
