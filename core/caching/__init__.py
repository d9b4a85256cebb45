"""The cache, in three sentences.

1. Two things are cached: whole public pages for visitors without a session (``pages.cache_public_page``),
   and aggregates of each edition's projects (``aggregates.per_edition`` and ``aggregates.for_editions``),
   most of them sums of the aggregate cells that every write keeps up to date (projects/tallying.py).
2. A page is keyed by the release, host, path, its known query parameters and the *site token*; an aggregate by
   the release, its name and parts, and the *tokens of the editions* it covers (``tokens.current``, one query).
3. Every save or delete of a model a public page shows replaces the site token, and of a project also its
   edition's token (each app registers its models in its own ``signals.py`` with ``tokens.watch``), so a changed
   page or aggregate is never read again and its old entry simply expires.

Pages, aggregates under a search word and the facet counts of one choice of filters (``aggregates.for_question``,
under the site token) go in the "questions" cache and the other aggregates in the default
one (``stores``), so that visitors' many distinct questions never cull what every page reads.

The same page token gives public pages and downloads their ETag (``http``), so browsers and a reverse proxy can
keep them for a minute and revalidate them with a 304.

Writes that send no signals (``bulk_create``, raw SQL) call ``tokens.changed()`` themselves; the querysets of
editions and projects do it for ``update()`` and ``bulk_create()``. Adding a page: decorate its view with
``cache_public_page`` naming its form or filter set; adding a model a page shows: ``watch`` it in its app's
``signals.py`` (tests/core/test_cache_registry.py fails otherwise).
"""
