"""The caches' sizes are set, and what visitors' questions add (pages, counts under a search word) never culls the
aggregates every page reads (core/caching/stores.py, expoportal/settings.py)."""

import os
import runpy
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.caching.stores import QUESTIONS
from tests.factories import EditionFactory, ProjectFactory

SETTINGS_FILE = Path(settings.BASE_DIR) / "expoportal" / "settings.py"
LOCMEM = "django.core.cache.backends.locmem.LocMemCache"


def project_caches(monkeypatch, **env) -> dict:
    """CACHES as the settings module sets them with `env` (and without REDIS_URL unless given)."""
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("SECRET_KEY", os.environ.get("SECRET_KEY", "test-only-secret-key"))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))["CACHES"]


def test_every_worker_cache_has_its_size_set(monkeypatch):
    caches = project_caches(monkeypatch)
    assert set(caches) == {"default", QUESTIONS}
    for alias, config in caches.items():
        assert config["BACKEND"] == LOCMEM, alias
        # Django's default, 300 entries, is what let the counts of twenty search words cull the aggregates.
        assert config["OPTIONS"]["MAX_ENTRIES"] >= 1000, alias
        assert config["KEY_PREFIX"], alias
    assert caches["default"]["LOCATION"] != caches[QUESTIONS]["LOCATION"]  # two stores, each culling its own


def test_with_redis_every_worker_shares_one_cache(monkeypatch):
    caches = project_caches(monkeypatch, REDIS_URL="redis://127.0.0.1:6379/3", RELEASE="r1")
    assert {config["BACKEND"] for config in caches.values()} == {"django.core.cache.backends.redis.RedisCache"}
    assert {config["LOCATION"] for config in caches.values()} == {"redis://127.0.0.1:6379/3"}
    assert {config["KEY_PREFIX"] for config in caches.values()} == {"r1"}


def grouped_queries(queries) -> list[str]:
    return [query["sql"] for query in queries.captured_queries if "GROUP BY" in query["sql"]]


@pytest.mark.django_db
def test_many_distinct_searches_do_not_evict_the_base_aggregates(client, settings):
    # The project's two caches, made small enough that the searches below fill the questions cache many times.
    settings.CACHES = {
        "default": {"BACKEND": LOCMEM, "LOCATION": "sizes-aggregates", "OPTIONS": {"MAX_ENTRIES": 30}},
        QUESTIONS: {"BACKEND": LOCMEM, "LOCATION": "sizes-questions", "OPTIONS": {"MAX_ENTRIES": 30}},
    }
    from django.core.cache import caches

    for alias in settings.CACHES:
        caches[alias].clear()
    for number in (11, 12, 13, 14):
        edition = EditionFactory(number=number, year=2000 + number)
        for index in range(3):
            ProjectFactory(edition=edition, title=f"Plant {number}-{index}", value=Decimal(100 + index) * 10**6)
    listing = reverse("projects:list")
    assert client.get(listing).status_code == 200  # the base aggregates, computed once
    for index in range(60):  # 60 words × 4 editions: far more entries than either cache holds
        response = client.get(f"{listing}?q=word{index}")
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        # Pages not seen before: rendered afresh, from the base aggregates still in the cache.
        for query in ("?sort=title", "?sort=-signed_on&per_page=10"):
            assert client.get(listing + query).status_code == 200
    assert grouped_queries(queries) == []
    with CaptureQueriesContext(connection) as queries:
        # A new choice of facet: the facets' counts under it are summed from the aggregate cells, not the projects.
        assert client.get(listing + "?edition=12").status_code == 200
    grouped = grouped_queries(queries)
    assert grouped and all('FROM "projects_aggregatecell"' in sql for sql in grouped), grouped
    # A search seen long ago was culled from the questions cache, and is simply counted again: its matches are
    # read once more, up to the cap (projects/search_facets.py).
    from projects.search_facets import FACET_COUNT_CAP

    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"{listing}?q=word0&sort=title").status_code == 200
    counted = [query["sql"] for query in queries.captured_queries if f"LIMIT {FACET_COUNT_CAP + 1}" in query["sql"]]
    assert len(counted) == 1 and "word0" in counted[0].lower(), counted
