import pytest


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Cached aggregates must not outlive the test whose rolled-back rows they counted.
    from django.core.cache import cache
    from django.utils import translation

    cache.clear()
    yield
    # A request to a /zh-hans/ page leaves Chinese active in this thread; the next test starts in English.
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def staff_client(client, django_user_model):
    from tests.factories import SuperuserFactory

    user = SuperuserFactory()
    client.force_login(user)
    client.user = user
    return client
