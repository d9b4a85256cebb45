"""A fingerprint of the code that renders pages, so a cache shared across deploys never serves an old release's HTML.

Cached pages and fragments are keyed by the data token, which only data changes replace. In a shared
cache (Redis) they outlive a deploy: without this, a new release would serve pages rendered by the old
templates, translations and views, linking to static files the new manifest no longer names. The cache
key prefix is this fingerprint (or the RELEASE environment variable, when the deploy sets one).
"""

import hashlib
from pathlib import Path

# What a rendered page is made from; generated folders (staticfiles/, bench results) are not.
RENDERING_FOLDERS = ("core", "editions", "projects", "portal", "expoportal", "templates", "locale", "static")
SKIPPED_PARTS = {"__pycache__", "migrations", "tests"}


def code_fingerprint(base: Path, folders: tuple[str, ...] = RENDERING_FOLDERS) -> str:
    """A short digest of the paths and contents of the files under `folders` (a few ms for the project)."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted((base / folder).rglob("*")):
            if not path.is_file() or SKIPPED_PARTS.intersection(path.relative_to(base).parts):
                continue
            digest.update(str(path.relative_to(base)).encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:12]
