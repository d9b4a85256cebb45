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
    # A test outside a transaction on PostgreSQL may have opened the connection that listens for token changes:
    # the next test starts without kept tokens, and the test database can be dropped at the end.
    from core.caching import notices

    notices.stop_listening()


@pytest.fixture
def staff_client(client, django_user_model):
    from tests.factories import SuperuserFactory

    user = SuperuserFactory()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def three_projects():
    """Three projects over two editions and two sectors: small, middle (international) and large (illustrative)."""
    from decimal import Decimal

    from projects.models import Scope
    from tests.factories import EditionFactory, ProjectFactory, SectorFactory

    edition = EditionFactory(number=14, year=2023)
    energy = SectorFactory(slug="new-energy-x", name_en="Clean energy")
    farming = SectorFactory(slug="farming", name_en="Farming")
    small = ProjectFactory(
        edition=edition, title="Seed bank", sector=farming, value=Decimal("50000000"), signed_on="2023-08-24"
    )
    middle = ProjectFactory(
        edition=edition,
        title="Wind farm",
        sector=energy,
        value=Decimal("300000000"),
        scope=Scope.INTERNATIONAL,
        partner="RU",
        parties="Amur Power; Jilin Wind",
        signed_on="2023-08-23",
    )
    large = ProjectFactory(
        edition=EditionFactory(number=13, year=2022),
        title="Auto parts plant",
        title_zh="汽车零部件工厂",
        sector=energy,
        value=Decimal("6000000000"),
        scope=Scope.INTERNATIONAL,
        partner="JP",
        description="Brake systems for export.",
        is_illustrative=True,
        signed_on="2022-08-26",
    )
    return small, middle, large
