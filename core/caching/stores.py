"""Which cache an entry goes in: the aggregates every page reads, or what one visitor's question added.

An aggregate of an edition's projects is read by every page that shows the edition, and there are a few of
them per edition. A whole page (one per address) or the facet counts under one search word or value range are
read only by the visitors who ask the same question, and visitors ask endlessly many. In one cache of bounded
size the second kind would cull the first, and every page would pay for aggregating again; so they live in
the "questions" cache (expoportal/settings.py), which culls only its own. Where it is not configured (a test's
settings), everything goes in the default cache.
"""

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, BaseCache, caches

QUESTIONS = "questions"


def aggregates_cache() -> BaseCache:
    return caches[DEFAULT_CACHE_ALIAS]


def questions_cache() -> BaseCache:
    return caches[QUESTIONS if QUESTIONS in settings.CACHES else DEFAULT_CACHE_ALIAS]
