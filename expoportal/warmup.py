"""What a gunicorn worker does once as it starts, so that its first visitor does not wait for it.

Django imports the URL modules, compiles templates and reads the translation catalogues lazily, in the
first request that needs them: after a restart that was the first visitor's wait (the API's schemas alone
took half a second to build, the public templates about a quarter). Each worker does it before it accepts
a request instead.

It also counts the facets' values of every published edition into the cache (projects/facets.py): the first
visitor choosing a partner or a scope waited 110–180 ms for it at a million projects. Where the database is not
ready yet (no tables before the first migration) or the cache cannot be reached, that part is left to the first
visitor; the worker starts all the same.
"""

import gc
import logging
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.template import engines
from django.template.loader import get_template
from django.urls import get_resolver
from django.utils import translation

from projects.facets import warm_facet_counts

logger = logging.getLogger(__name__)


def public_template_names() -> list[str]:
    """The project's own templates that public pages render (the admin's are left to the admin's first use)."""
    names = set()
    for engine in engines.all():
        for folder in engine.template_dirs:
            folder = Path(folder)
            if (
                not folder.is_relative_to(settings.BASE_DIR)
                or ".venv" in folder.parts
                or "site-packages" in folder.parts
            ):
                continue  # a library's templates
            names.update(
                path.relative_to(folder).as_posix() for path in folder.rglob("*.html") if "admin" not in path.parts
            )
    return sorted(names)


def warm_up() -> None:
    get_resolver().url_patterns  # noqa: B018 - importing them is the point
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Projects")
    for name in public_template_names():
        get_template(name)
    warm_data()
    leave_the_loaded_code_out_of_garbage_collection()


def leave_the_loaded_code_out_of_garbage_collection() -> None:
    """What is loaded by now (modules, URL patterns, templates, catalogues: 140,000 objects) stays for the life of
    the process: the garbage collector's full passes need not look at it again.

    Each full pass looked at all of it, 65 ms, and a page that builds many objects (the facets of a search count
    up to 10,001 matches) set off two of them: at a million projects, half of a new search's 290 ms. Frozen, a
    full pass looks only at what came later. Under gunicorn --preload the master freezes before it forks, and
    the workers' copies of those pages then stay shared, as the collector no longer writes to them.
    """
    gc.collect()
    gc.freeze()


def warm_data() -> None:
    try:
        warm_facet_counts()
    except Exception as error:  # noqa: BLE001 - an optimisation never stops a server from starting
        # Not only the database (no tables yet, PostgreSQL down): Redis down at a restart raised out of a
        # preloaded master, and gunicorn exited instead of serving once Redis was back.
        logger.warning("facet counts not warmed up: %s", error)
    finally:
        # A server that forks after loading the application (gunicorn --preload) must not hand one connection
        # to every worker.
        for connection in connections.all(initialized_only=True):
            if not connection.in_atomic_block:  # a test's transaction stays open
                connection.close()
