"""A worker compiles the public templates, imports the URL modules and reads the catalogues as it starts
(expoportal/warmup.py), so the first visitor after a restart does not wait for them."""

import gc

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection
from django.template import engines
from django.test.utils import CaptureQueriesContext
from redis.exceptions import ConnectionError as RedisConnectionError

from expoportal import warmup
from expoportal.warmup import public_template_names, warm_up
from tests.factories import ProjectFactory


@pytest.fixture(autouse=True)
def collected_again():
    """The warm-up freezes what the process holds; a test process gives it back to the collector after."""
    yield
    gc.unfreeze()


def cached_template_names() -> set[str]:
    loader = engines["django"].engine.template_loaders[0]  # Django's cached loader, outside DEBUG too
    return {key.split("-")[0] for key in loader.get_template_cache}


def test_the_public_templates_are_the_projects_own_and_not_the_admins():
    names = public_template_names()
    assert {"base.html", "portal/home.html", "projects/project_list.html", "portal/compare/pair.html"} <= set(names)
    assert not [name for name in names if name.startswith("admin/")]


@pytest.mark.django_db
def test_after_the_warm_up_every_public_template_is_compiled():
    engines["django"].engine.template_loaders[0].reset()
    warm_up()
    assert set(public_template_names()) <= cached_template_names()


@pytest.mark.django_db
def test_what_the_warm_up_loaded_is_left_out_of_full_collections():
    gc.unfreeze()
    warm_up()
    # The modules, URL patterns and compiled templates: a full pass no longer looks at them.
    assert gc.get_freeze_count() > 50_000
    assert gc.get_count()[2] == 0


@pytest.mark.django_db
def test_the_warm_up_counts_the_facets_so_the_first_partner_reads_no_cell(client):
    ProjectFactory(scope="international", partner="JP")
    cache.clear()
    warm_up()
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/en/projects/", {"partner": "jp"})
    assert response.context["result_count"] == 1
    assert not [query["sql"] for query in queries if "projects_aggregatecell" in query["sql"]]


@pytest.mark.parametrize(
    "failure",
    [
        OperationalError("no such table: editions_edition"),  # before the first migration
        RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused."),  # the cache is down
    ],
)
def test_a_database_or_cache_not_ready_leaves_the_facets_to_the_first_visitor_and_the_worker_starts(
    monkeypatch, caplog, failure
):
    def not_ready():
        raise failure

    monkeypatch.setattr(warmup, "warm_facet_counts", not_ready)
    warm_up()
    assert f"facet counts not warmed up: {failure}" in caplog.text
