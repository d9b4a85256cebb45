"""The cache key prefix follows the code that renders pages (expoportal/release.py)."""

import pytest
from django.conf import settings

from expoportal.release import code_fingerprint

pytestmark = pytest.mark.django_db


def make_tree(base, template="<p>{{ edition }}</p>"):
    (base / "templates").mkdir(parents=True)
    (base / "templates" / "page.html").write_text(template)
    (base / "projects" / "__pycache__").mkdir(parents=True)
    (base / "projects" / "views.py").write_text("def view(): ...\n")
    return base


def test_a_changed_template_changes_the_fingerprint(tmp_path):
    tree = make_tree(tmp_path / "a")
    before = code_fingerprint(tree)
    (tree / "templates" / "page.html").write_text("<p>{{ edition.ordinal }}</p>")
    assert code_fingerprint(tree) != before


def test_a_new_file_changes_it_and_compiled_bytecode_does_not(tmp_path):
    tree = make_tree(tmp_path / "a")
    before = code_fingerprint(tree)
    (tree / "projects" / "__pycache__" / "views.cpython-313.pyc").write_bytes(b"\x00compiled")
    assert code_fingerprint(tree) == before
    (tree / "templates" / "other.html").write_text("new")
    assert code_fingerprint(tree) != before


def test_the_same_code_in_another_folder_has_the_same_fingerprint(tmp_path):
    # Several servers deployed from the same release share one Redis cache.
    assert code_fingerprint(make_tree(tmp_path / "one")) == code_fingerprint(make_tree(tmp_path / "two"))


def test_a_page_cached_by_one_release_is_not_served_by_the_next(client, settings):
    """Two releases share one cache (Redis in production); each reads only what it cached itself."""
    from core.caching.pages import CACHED_HEADER
    from tests.factories import EditionFactory

    url = EditionFactory(number=14).get_absolute_url()

    def cache_of(release: str) -> dict:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "shared",
                            "KEY_PREFIX": release}}  # fmt: skip

    settings.CACHES = cache_of("release-1")
    client.get(url)
    assert client.get(url)[CACHED_HEADER] == "hit"
    settings.CACHES = cache_of("release-2")
    assert CACHED_HEADER not in client.get(url)


def test_the_release_is_the_code_fingerprint_unless_the_deploy_names_it(monkeypatch):
    import runpy

    path = str(settings.BASE_DIR / "expoportal" / "settings.py")
    monkeypatch.setenv("DEBUG", "1")
    monkeypatch.delenv("RELEASE", raising=False)
    assert runpy.run_path(path)["CACHES"]["default"]["KEY_PREFIX"] == code_fingerprint(settings.BASE_DIR)
    monkeypatch.setenv("RELEASE", "2026-12-01.1")
    assert runpy.run_path(path)["CACHES"]["default"]["KEY_PREFIX"] == "2026-12-01.1"
