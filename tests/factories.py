import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from core.vocabulary import Qualifier, Stage, Unit
from editions.models import (
    Edition,
    EditionStatus,
    Metric,
    ReportedBand,
    ReportedFigure,
    ReportedSector,
    Sector,
    Source,
    SpanFigure,
)
from projects.models import Project, ProjectKind, Scope


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    # Hashed when the user is built, so the saved row has it (a post-generation set_password is not saved).
    password = factory.django.Password("correct horse battery staple")


class SuperuserFactory(UserFactory):
    is_staff = True
    is_superuser = True


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ["key"]

    key = factory.Sequence(lambda n: f"T{n}")
    title = factory.Sequence(lambda n: f"Closing press release {n}")
    publisher = "Expo organising committee"
    url = factory.Sequence(lambda n: f"https://news.example.org/releases/{n}.html")
    published_on = datetime.date(2023, 8, 28)
    language = "en"


class EditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Edition

    class Params:
        draft = factory.Trait(status=EditionStatus.DRAFT)

    number = factory.Sequence(lambda n: 100 + n)
    year = factory.LazyAttribute(lambda edition: 2000 + edition.number % 100)
    start_date = factory.LazyAttribute(lambda edition: datetime.date(edition.year, 8, 23))
    end_date = factory.LazyAttribute(lambda edition: datetime.date(edition.year, 8, 27))
    name_zh = "中国—东北亚博览会"
    name_en = "China-Northeast Asia Expo"
    theme_en = "Sharing new opportunities"
    city = "Changchun"
    venue = "International Convention and Exhibition Center"
    status = EditionStatus.PUBLISHED


class MetricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Metric

    code = factory.Sequence(lambda n: f"metric_{n}")
    name_en = factory.Sequence(lambda n: f"Metric {n}")
    name_zh = factory.Sequence(lambda n: f"指标{n}")
    unit = Unit.COUNT
    position = factory.Sequence(lambda n: 1000 + n)


def standard_metric(code: str) -> Metric:
    """A metric the data migration created (participants, signed_value, ...)."""
    return Metric.objects.get(code=code)


class ReportedFigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportedFigure
        skip_postgeneration_save = True

    edition = factory.SubFactory(EditionFactory)
    metric = factory.SubFactory(MetricFactory)
    value = Decimal("20000")
    qualifier = Qualifier.EXACT
    stage = Stage.CLOSING

    @factory.post_generation
    def sources(self, create, extracted, **kwargs):
        if not create:
            return
        self.sources.set(extracted if extracted is not None else [SourceFactory()])


class ReportedBandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportedBand
        skip_postgeneration_save = True

    edition = factory.SubFactory(EditionFactory)
    lower_yuan = Decimal("100000000")
    upper_yuan = Decimal("500000000")
    count = 10
    is_nested = False

    @factory.post_generation
    def sources(self, create, extracted, **kwargs):
        if create:
            self.sources.set(extracted if extracted is not None else [SourceFactory()])


class SpanFigureFactory(factory.django.DjangoModelFactory):
    """A figure for several editions (by default the 1st-3rd, a cumulative project count)."""

    class Meta:
        model = SpanFigure
        skip_postgeneration_save = True

    class Params:
        draft = factory.Trait(status=EditionStatus.DRAFT)

    status = EditionStatus.PUBLISHED
    first_edition = 1
    last_edition = 3
    metric = factory.SubFactory(MetricFactory)
    value = Decimal("300")
    qualifier = Qualifier.EXACT
    stage = Stage.RETROSPECTIVE
    as_of = datetime.date(2023, 8, 28)

    @factory.post_generation
    def sources(self, create, extracted, **kwargs):
        if create:
            self.sources.set(extracted if extracted is not None else [SourceFactory()])


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector

    slug = factory.Sequence(lambda n: f"sector-{n}")
    name_en = factory.Sequence(lambda n: f"Sector {n}")
    name_zh = factory.Sequence(lambda n: f"行业{n}")
    position = factory.Sequence(lambda n: 1000 + n)


class ReportedSectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportedSector

    edition = factory.SubFactory(EditionFactory)
    sector = factory.SubFactory(SectorFactory)
    position = factory.Sequence(lambda n: n)


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    class Params:
        international = factory.Trait(scope=Scope.INTERNATIONAL, partner="RU")

    edition = factory.SubFactory(EditionFactory)
    title = factory.Sequence(lambda n: f"Wind farm phase {n}")
    title_zh = factory.Sequence(lambda n: f"风电场{n}期")
    sector = factory.SubFactory(SectorFactory)
    scope = Scope.DOMESTIC
    partner = ""
    parties = "Jilin Energy Group; Northeast Power Co."
    location = "Changchun"
    value = Decimal("250000000.00")
    signed_on = factory.LazyAttribute(lambda project: project.edition.start_date)
    description = "An illustrative project."
    # One source for every project that names none: a new source (with its history row and cache token change)
    # per project would only slow the tests down.
    source = factory.Maybe(
        "is_illustrative",
        yes_declaration=None,
        no_declaration=factory.SubFactory(SourceFactory, key="T-projects", title="Signed projects of the edition"),
    )
    is_illustrative = False
    # An illustrative project names the release whose totals it was generated to match, never a source of its own.
    generated_from = factory.Maybe(
        "is_illustrative",
        yes_declaration=factory.SubFactory(SourceFactory, key="T-totals", title="Closing release with the totals"),
        no_declaration=None,
    )
    kind = ProjectKind.CONTRACT
