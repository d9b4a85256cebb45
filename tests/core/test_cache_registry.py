"""Every model a public page shows stales the cache when a row of it changes: none can be forgotten."""

import pytest
from django.apps import apps

from core.caching.pages import CACHED_HEADER
from core.caching.tokens import WATCHED, current
from core.models import derived_models
from tests.factories import (
    EditionFactory,
    MetricFactory,
    ProjectFactory,
    ReportedBandFactory,
    ReportedFigureFactory,
    ReportedSectorFactory,
    SectorFactory,
    SourceFactory,
    SpanFigureFactory,
)

pytestmark = pytest.mark.django_db

# The apps whose rows public pages, downloads and aggregates show.
PUBLIC_DATA_APPS = ["editions", "projects"]
# Counted from projects and bands (projects/tallying.py) in the transaction that writes them, which stales the
# cache already: these rows never change on their own.


FACTORIES = {
    "editions.Edition": EditionFactory,
    "editions.Source": SourceFactory,
    "editions.Metric": MetricFactory,
    "editions.ReportedFigure": ReportedFigureFactory,
    "editions.ReportedBand": ReportedBandFactory,
    "editions.Sector": SectorFactory,
    "editions.ReportedSector": ReportedSectorFactory,
    "editions.SpanFigure": SpanFigureFactory,
    "projects.Project": ProjectFactory,
}


def public_data_models():
    for label in PUBLIC_DATA_APPS:
        for model in apps.get_app_config(label).get_models():
            # History records are staff-only; a model's own rows are what pages show.
            if not model.__name__.startswith("Historical") and model not in derived_models():
                yield model


def test_every_model_of_the_public_data_is_watched():
    assert [model._meta.label for model in public_data_models() if model not in WATCHED] == []


def test_every_watched_model_is_exercised_below():
    assert sorted(model._meta.label for model in WATCHED) == sorted(FACTORIES)


@pytest.mark.parametrize("label", sorted(FACTORIES))
def test_a_save_a_link_change_and_a_delete_each_stale_every_cached_page(client, label):
    page = EditionFactory(number=14).get_absolute_url()
    row = FACTORIES[label]()

    def assert_stale(change):
        client.get(page)
        assert client.get(page)[CACHED_HEADER] == "hit"
        before = current().site
        change()
        assert current().site != before, label
        assert CACHED_HEADER not in client.get(page), label

    assert_stale(row.save)
    for relation in type(row)._meta.many_to_many:
        assert_stale(lambda relation=relation: getattr(row, relation.name).add(SourceFactory()))
    if label != "editions.Edition":  # an edition with rows pointing at it is deleted by staff only when empty
        assert_stale(row.delete)
