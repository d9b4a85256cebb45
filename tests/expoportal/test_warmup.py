"""A worker compiles the public templates, imports the URL modules and reads the catalogues as it starts
(expoportal/warmup.py), so the first visitor after a restart does not wait for them."""

import pytest
from django.template import engines

from expoportal.warmup import public_template_names, warm_up


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
