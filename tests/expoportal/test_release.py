"""The cache key prefix follows the code that renders pages (expoportal/release.py)."""

from django.conf import settings

from expoportal.release import code_fingerprint


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


def test_the_shared_cache_is_keyed_by_the_release():
    # The module's own value: the tests' conftest swaps CACHES for a plain local-memory cache.
    from expoportal import settings as project_settings

    assert project_settings.CACHES["default"]["KEY_PREFIX"] == code_fingerprint(settings.BASE_DIR)
