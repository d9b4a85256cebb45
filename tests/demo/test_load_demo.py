"""`manage.py load_demo`: the published facts, illustrative projects that reproduce them, idempotence."""

import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Sum

from demo import loading
from demo.data import DATA_DIR, read_demo_data
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
from projects.bands import VALUE_BANDS
from projects.models import Project, ProjectKind, Scope
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

FOURTEENTH_SECTORS = {
    "New energy",
    "Modern agriculture",
    "Equipment manufacturing",
    "Pharmaceuticals",
    "Healthcare",
    "Modern services",
}


def load(*args) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def _demo_loaded_once(django_db_setup, django_db_blocker):
    """Load the demo once for this module inside a transaction rolled back at the end, as
    TestCase.setUpTestData does; each test runs in a savepoint within it, so changes stay local."""
    with django_db_blocker.unblock():
        module_atomic = transaction.atomic()
        module_atomic.__enter__()
        output = load()
    yield output
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        module_atomic.__exit__(None, None, None)


@pytest.fixture
def loaded(_demo_loaded_once, db):
    return _demo_loaded_once


def band_counts(queryset) -> list[int]:
    return [queryset.filter(band.q()).count() for band in VALUE_BANDS]


def test_14th_edition_has_99_projects_worth_exactly_the_published_total(loaded):
    projects = Project.objects.filter(edition__number=14)
    assert projects.count() == 99
    assert projects.aggregate(total=Sum("value"))["total"] == Decimal("84475000000.00")
    assert not projects.filter(is_illustrative=False).exists()


def test_14th_edition_projects_fall_in_the_published_bands(loaded):
    assert band_counts(Project.objects.filter(edition__number=14)) == [0, 59, 18, 18, 4]


def test_14th_edition_projects_use_exactly_the_six_named_sectors(loaded):
    used = set(Project.objects.filter(edition__number=14).values_list("sector__name_en", flat=True))
    assert used == FOURTEENTH_SECTORS
    named = ReportedSector.objects.filter(edition__number=14).values_list("sector__name_en", flat=True)
    assert list(named) == [
        "New energy",
        "Modern agriculture",
        "Equipment manufacturing",
        "Pharmaceuticals",
        "Healthcare",
        "Modern services",
    ]


def test_14th_edition_projects_are_generated_from_the_published_value_source_and_mix_scopes(loaded):
    projects = Project.objects.filter(edition__number=14)
    # Made up, so no article is their own source: they name the release whose totals they match.
    assert set(projects.values_list("source", flat=True)) == {None}
    assert set(projects.values_list("generated_from__key", flat=True)) == {"S4"}
    assert projects.filter(scope=Scope.INTERNATIONAL).exclude(partner="").count() > 10
    assert projects.filter(scope=Scope.DOMESTIC, partner="").count() > 10
    assert all(project.signed_on.isoformat() >= "2023-08-23" for project in projects)


@pytest.mark.parametrize(
    ("code", "shown"),
    [
        ("exhibitors", "1,006"),
        ("foreign_exhibitors", "201"),
        ("foreign_exhibitor_countries", "65"),
        ("participants", "over 20,000"),
        ("countries_regions", "123"),
        ("product_varieties", "over 60,000"),
        ("senior_officials", "13"),
        ("senior_officials_countries", "5"),
        ("diplomatic_envoys", "40"),
        ("diplomatic_envoys_countries", "15"),
        ("projects_signed", "99"),
        ("signed_value", "84.475 billion yuan"),
    ],
)
def test_14th_edition_reported_figures_with_qualifier_and_source(loaded, code, shown):
    figure = ReportedFigure.objects.for_display().get(edition__number=14, metric__code=code, stage="closing")
    assert figure.display_value == shown
    assert figure.sources.exists()
    assert all(source.url.startswith("http") for source in figure.sources.all())


def test_figure_sources_and_notes_are_kept(loaded):
    participants = ReportedFigure.objects.get(edition__number=14, metric__code="participants")
    assert set(participants.sources.values_list("key", flat=True)) == {"S1", "S2", "S4"}
    assert participants.research_note == "Offline."
    booths = ReportedFigure.objects.get(edition__number=14, metric__code="booths")
    assert booths.stage == "opening"
    assert booths.research_note.startswith("Other reports: 3,400-plus")


def test_13th_edition_reproduces_the_contract_and_agreement_split(loaded):
    projects = Project.objects.filter(edition__number=13)
    by_kind = {row["kind"]: row for row in projects.values("kind").annotate(total=Sum("value")).order_by()}
    assert projects.count() == 111
    assert projects.filter(kind=ProjectKind.CONTRACT).count() == 98
    assert projects.filter(kind=ProjectKind.AGREEMENT).count() == 13
    assert by_kind[ProjectKind.CONTRACT]["total"] == Decimal("117100000000.00")
    assert by_kind[ProjectKind.AGREEMENT]["total"] == Decimal("79100000000.00")
    assert set(projects.values_list("sector__name_en", flat=True)) == set(
        ReportedSector.objects.filter(edition__number=13).values_list("sector__name_en", flat=True)
    )


def test_6th_edition_nested_bands_are_stored_and_reproduced(loaded):
    bands = ReportedBand.objects.filter(edition__number=6)
    assert [(band.lower_yuan, band.upper_yuan, band.count, band.is_nested) for band in bands] == [
        (Decimal(10**8), None, 230, True),
        (Decimal(10**9), None, 36, True),
        (Decimal(10**10), None, 1, True),
    ]
    projects = Project.objects.filter(edition__number=6)
    assert projects.count() == 267
    assert projects.aggregate(total=Sum("value"))["total"] == Decimal("158930000000.00")
    assert projects.filter(value__gt=10**8).count() == 230
    assert projects.filter(value__gt=10**9).count() == 36
    assert projects.filter(value__gt=10**10).count() == 1


def test_editions_without_a_published_count_and_value_get_no_projects(loaded):
    with_projects = set(Project.objects.values_list("edition__number", flat=True))
    assert with_projects == {4, 6, 12, 13, 14}
    for number in [4, 12]:
        count = ReportedFigure.objects.get(edition__number=number, metric__code="projects_signed").value
        total = ReportedFigure.objects.get(edition__number=number, metric__code="signed_value").value
        projects = Project.objects.filter(edition__number=number)
        assert projects.count() == count
        assert projects.aggregate(total=Sum("value"))["total"] == total


def test_every_demo_project_carries_its_editions_number_which_the_table_sorts_by(loaded):
    pairs = set(Project.objects.values_list("edition_number", "edition__number"))
    assert len(pairs) > 1 and all(copied == actual for copied, actual in pairs)


def test_every_edition_of_the_data_is_published(loaded):
    assert list(Edition.objects.values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6, 7, 8, 12, 13, 14, 15]
    assert not Edition.objects.exclude(status=EditionStatus.PUBLISHED).exists()
    assert Edition.objects.get(number=8).end_date is None


def test_published_sector_names_map_to_canonical_sectors_and_keep_their_wording(loaded):
    assert Sector.objects.filter(slug="electronics-and-high-tech").count() == 1
    assert not Sector.objects.filter(slug__in=["new-and-clean-energy", "medical-and-elderly-care"]).exists()
    created = Sector.objects.get(slug="metallurgy-and-building-materials")
    assert (created.name_en, created.name_zh) == ("Metallurgy and building materials", "冶金建材")
    named = {
        (reported.edition.number, reported.published_name_en): (reported.sector.slug, reported.published_name_zh)
        for reported in ReportedSector.objects.select_related("edition", "sector")
    }
    assert named[13, "new and clean energy"] == ("new-energy", "")
    assert named[14, "new energy"] == ("new-energy", "新能源")
    assert named[13, "medical and elderly care"] == ("healthcare", "")
    assert named[12, "agro-processing"] == ("modern-agriculture", "农产品加工")
    # The 13th's and 14th's illustrative projects share canonical sectors.
    shared = set(Project.objects.filter(edition__number=13).values_list("sector__slug", flat=True)) & set(
        Project.objects.filter(edition__number=14).values_list("sector__slug", flat=True)
    )
    assert {"new-energy", "equipment-manufacturing", "healthcare"} <= shared


def test_a_figure_in_another_unit_than_its_metric_gets_its_own_metric(loaded):
    figure = ReportedFigure.objects.get(edition__number=12, metric__code="foreign_trade_yuan")
    assert figure.display_value == "728.67 million yuan"
    assert Metric.objects.get(code="foreign_trade").unit == "usd"


def test_it_prints_a_progress_line_per_step(loaded):
    for step in ["Sources:", "Editions:", "Metrics:", "Reported figures:", "Reported value bands:", "Sectors:"]:
        assert step in loaded
    assert "Illustrative projects: 5 editions generated" in loaded


def _snapshot() -> dict:
    models = [Source, Edition, Metric, ReportedFigure, SpanFigure, ReportedBand, Sector, ReportedSector, Project]
    rows = {model.__name__: list(model.objects.order_by("pk").values()) for model in models}
    for model in [ReportedFigure, SpanFigure, ReportedBand, ReportedSector]:
        rows[f"{model.__name__}.sources"] = list(model.sources.through.objects.order_by("pk").values())
    for model in [Source, Edition, ReportedFigure, Sector, Project]:
        rows[f"{model.__name__}.history"] = model.history.count()
    return rows


def test_a_second_run_changes_nothing(loaded):
    before = _snapshot()
    output = load()
    assert _snapshot() == before
    assert "Illustrative projects: 0 editions generated, 5 unchanged, 0 cleared; 741 projects in all." in output
    assert "Reported figures: 0 created, 0 updated, 118 unchanged." in output
    assert "Figures for several editions: 0 created, 0 updated, 19 unchanged." in output


def test_the_published_figures_for_several_editions_are_loaded_with_their_sources(loaded):
    total = SpanFigure.objects.get(first_edition=1, last_edition=14, metric__code="projects_signed")
    assert (total.value, total.qualifier, total.as_of.isoformat()) == (Decimal("3032"), "exact", "2023-08-28")
    assert [source.key for source in total.ordered_sources()] == ["S4", "S3"]
    rate = SpanFigure.objects.get(first_edition=4, last_edition=9, metric__code="funds_in_place_rate")
    assert (rate.display_value, rate.display_as_of) == ("47.6%", "end of 2014")
    city = SpanFigure.objects.get(region_en="Changchun", metric__code="signed_value")
    assert (city.region_zh, city.basis, city.display_value) == ("长春", "planned_investment", "11.13 billion yuan")
    early = SpanFigure.objects.get(first_edition=1, last_edition=8, metric__code="contract_projects")
    assert (early.display_as_of, early.value) == ("2013", Decimal("1838"))


def test_a_rerun_restores_changed_facts_and_projects_only_where_they_differ(loaded):
    ReportedFigure.objects.filter(edition__number=14, metric__code="exhibitors").update(value=5)
    Project.objects.filter(pk=Project.objects.filter(edition__number=14).first().pk).update(value=1)
    untouched = list(Project.objects.filter(edition__number=6).values_list("pk", flat=True))

    output = load()

    assert ReportedFigure.objects.get(edition__number=14, metric__code="exhibitors").value == 1006
    assert Project.objects.filter(edition__number=14).aggregate(total=Sum("value"))["total"] == Decimal(84_475_000_000)
    assert list(Project.objects.filter(edition__number=6).values_list("pk", flat=True)) == untouched
    assert "Reported figures: 0 created, 1 updated" in output
    assert "1 editions generated, 4 unchanged" in output


def test_projects_entered_by_staff_are_left_alone(loaded):
    edition = Edition.objects.get(number=14)
    real = ProjectFactory(edition=edition, sector=Sector.objects.get(slug="new-energy"), value=Decimal(10**9))
    Project.objects.filter(pk=edition.projects.filter(is_illustrative=True).first().pk).update(value=1)
    assert "1 editions generated" in load()
    assert Project.objects.filter(pk=real.pk).exists()
    assert Project.objects.filter(edition=edition, is_illustrative=True).count() == 99


def test_another_seed_gives_other_projects_with_the_same_aggregates(loaded):
    first = set(Project.objects.filter(edition__number=14).values_list("title", "value"))
    load("--seed", "7")
    projects = Project.objects.filter(edition__number=14)
    assert set(projects.values_list("title", "value")) != first
    assert projects.aggregate(total=Sum("value"))["total"] == Decimal(84_475_000_000)
    assert band_counts(projects) == [0, 59, 18, 18, 4]


def test_the_admin_account_is_skipped_when_debug_is_off(loaded):
    assert not settings.DEBUG
    assert "Demo admin: skipped" in loaded
    assert not get_user_model().objects.exists()


def test_with_admin_creates_a_superuser_with_the_printed_password(loaded, client):
    output = load("--with-admin")
    password = output.split("password '")[1].split("'")[0]
    user = get_user_model().objects.get(username="demo")
    assert user.is_superuser and user.is_staff
    assert _signs_in(client, "demo", password)
    assert "left unchanged" in load("--with-admin")
    assert _signs_in(client, "demo", password)


def _signs_in(client, username, password) -> bool:
    """Through the admin's sign-in form, as a person would (the lockout backend needs a request)."""
    response = client.post("/admin/login/", {"username": username, "password": password, "next": "/admin/"})
    client.logout()
    return response.status_code == 302 and response.url == "/admin/"


def test_debug_on_creates_the_admin_account(loaded, settings):
    settings.DEBUG = True
    assert "Demo admin created for local use only" in load()
    assert get_user_model().objects.filter(username="demo", is_superuser=True).exists()


def test_infeasible_published_numbers_stop_the_command_and_change_nothing(loaded, monkeypatch):
    before = _snapshot()
    data = read_demo_data()
    figures = [
        figure.__class__(**{**figure.__dict__, "value": Decimal(10**9)})
        if (figure.edition, figure.metric) == (14, "signed_value")
        else figure
        for figure in data.figures
    ]
    monkeypatch.setattr(loading, "read_demo_data", lambda: data.__class__(**{**data.__dict__, "figures": figures}))
    with pytest.raises(CommandError, match="The published bands need at least .* 1,000,000,000.00 yuan"):
        load()
    assert _snapshot() == before


def test_the_data_files_live_inside_the_project():
    assert DATA_DIR.is_relative_to(settings.BASE_DIR)
    for name in ["editions.csv", "figures.csv", "bands.csv", "sectors.csv", "sources.csv"]:
        assert (DATA_DIR / name).is_file()


def test_editions_and_sources_are_loaded_with_their_chinese_wording(loaded):
    fourteenth = Edition.objects.get(number=14)
    assert (fourteenth.city, fourteenth.city_zh) == ("Changchun", "长春")
    assert (fourteenth.venue, fourteenth.venue_zh) == (
        "Changchun International Convention & Exhibition Center",
        "长春国际会展中心",
    )
    assert not Edition.objects.filter(city_zh="").exists()
    assert not Edition.objects.exclude(notes="").filter(notes_zh="").exists()
    # The English fields hold English only: the Chinese venue name moved to its own field.
    assert not [venue for venue in Edition.objects.values_list("venue", flat=True) if "长春" in venue]
    cnr = Source.objects.get(key="S69")
    assert (cnr.publisher, cnr.publisher_zh) == ("CNR (cnr.cn)", "央广网（cnr.cn）")
    assert Source.objects.exclude(publisher_zh="").count() > Source.objects.count() * 3 / 4
