import datetime
import random
from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from editions.models import Edition, Metric, ReportedBand, ReportedFigure, ReportedSector, Sector, Source
from projects.bands import VALUE_BANDS
from projects.models import Project, Scope
from tests.factories import (
    EditionFactory,
    MetricFactory,
    ProjectFactory,
    ReportedBandFactory,
    ReportedFigureFactory,
    ReportedSectorFactory,
    SectorFactory,
    SourceFactory,
)

pytestmark = [
    pytest.mark.django_db,
]

MODELS = [Edition, Source, Metric, ReportedFigure, ReportedBand, Sector, ReportedSector, Project]


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def one_of_everything():
    """One row of every model, all tied to one edition."""
    project = ProjectFactory(international=True)
    edition = project.edition
    ReportedFigureFactory(edition=edition, value=20000, qualifier="more_than")
    ReportedBandFactory(edition=edition)
    ReportedSectorFactory(edition=edition, sector=project.sector)
    return project


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
@pytest.mark.parametrize("view", ["changelist", "add", "change", "history"])
def test_every_admin_page_opens_for_staff(admin_client, one_of_everything, model, view):
    if view in ("change", "history"):
        url = admin_url(model, view, model.objects.order_by("pk").first().pk)
    else:
        url = admin_url(model, view)
    assert admin_client.get(url).status_code == 200


def test_admin_is_closed_to_anonymous_visitors(client):
    response = client.get(admin_url(Edition, "changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_edition_changelist_shows_figure_count_and_a_link_to_its_projects(admin_client):
    edition = EditionFactory(number=14, year=2023)
    ProjectFactory.create_batch(3, edition=edition)
    ReportedFigureFactory.create_batch(2, edition=edition)
    response = admin_client.get(admin_url(Edition, "changelist"))
    projects_url = admin_url(Project, "changelist") + f"?edition__id__exact={edition.pk}"
    assertContains(response, f'<a href="{projects_url.replace("&", "&amp;")}">3 projects</a>', html=True)
    assertContains(response, '<td class="field-figure_count">2</td>', html=True)


def test_the_projects_link_lists_only_that_editions_projects(admin_client):
    mine, other = ProjectFactory(title="Mine"), ProjectFactory(title="Not mine")
    response = admin_client.get(admin_url(Project, "changelist"), {"edition__id__exact": mine.edition.pk})
    assertContains(response, mine.title)
    assertNotContains(response, other.title)


def test_edition_change_form_shows_who_published_it_read_only(admin_client):
    edition = EditionFactory(published_at=datetime.datetime(2023, 8, 28, 10, tzinfo=datetime.UTC))
    response = admin_client.get(admin_url(Edition, "change", edition.pk))
    assertContains(response, "Published at")
    assertNotContains(response, 'name="published_at"')
    assertNotContains(response, 'name="published_by"')


def test_edition_form_saves_figures_with_their_sources_inline(admin_client):
    edition = EditionFactory()
    metric, source = MetricFactory(), SourceFactory()
    data = edition_post_data(edition)
    data.update(
        {
            "figures-TOTAL_FORMS": "1",
            "figures-0-metric": metric.pk,
            "figures-0-value": "20000",
            "figures-0-qualifier": "more_than",
            "figures-0-stage": "closing",
            "figures-0-sources": [source.pk],
            "figures-0-research_note": "",
        }
    )
    response = admin_client.post(admin_url(Edition, "change", edition.pk), data)
    assertRedirects(response, admin_url(Edition, "changelist"))
    figure = edition.figures.get()
    assert figure.display_value == "over 20,000"
    assert list(figure.sources.all()) == [source]


def edition_post_data(edition=None, **changes):
    """What the edition change form posts, with empty inlines."""
    edition = edition or EditionFactory.build(number=50)
    data = {
        "number": edition.number,
        "year": edition.year,
        "start_date": edition.start_date or "",
        "end_date": edition.end_date or "",
        "name_zh": edition.name_zh,
        "name_en": edition.name_en,
        "theme_zh": edition.theme_zh,
        "theme_en": edition.theme_en,
        "city": edition.city,
        "venue": edition.venue,
        "status": edition.status,
        "notes": edition.notes,
    }
    if edition.pk:
        data["loaded_version"] = edition.version
    for prefix in ("figures", "reported_bands", "reported_sectors"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    data.update(changes)
    return data


# Deleting an edition that still has projects


def test_deleting_an_edition_with_projects_is_refused_with_a_sentence(admin_client):
    edition = EditionFactory(number=14, year=2023)
    ProjectFactory.create_batch(2, edition=edition)
    for method in (admin_client.get, admin_client.post):
        response = method(admin_url(Edition, "delete", edition.pk), follow=True)
        assert response.status_code == 200
        assertContains(
            response,
            "The 14th edition (2023) cannot be deleted because 2 projects belong to it. "
            "Delete those projects or move them to another edition first.",
        )
    assert Edition.objects.filter(pk=edition.pk).exists()
    assert Project.objects.count() == 2


def test_bulk_deleting_editions_with_projects_is_refused_with_a_sentence(admin_client):
    busy = EditionFactory(number=13, year=2022)
    ProjectFactory(edition=busy)
    empty = EditionFactory(number=12, year=2019)
    data = {"action": "delete_selected", ACTION_CHECKBOX_NAME: [busy.pk, empty.pk]}
    for confirmed in ({}, {"post": "yes"}):
        response = admin_client.post(admin_url(Edition, "changelist"), {**data, **confirmed}, follow=True)
        assert response.status_code == 200
        assertContains(
            response,
            "The 13th edition (2022) cannot be deleted because 1 project belongs to it. "
            "Delete that project or move it to another edition first.",
        )
    assert Edition.objects.count() == 2


def test_an_edition_without_projects_can_still_be_deleted(admin_client):
    edition = EditionFactory()
    ReportedFigureFactory(edition=edition)
    response = admin_client.post(admin_url(Edition, "delete", edition.pk), {"post": "yes"})
    assertRedirects(response, admin_url(Edition, "changelist"))
    assert not Edition.objects.exists()
    assert not ReportedFigure.objects.exists()


def test_bulk_delete_of_editions_without_projects_still_works(admin_client):
    editions = EditionFactory.create_batch(2)
    data = {"action": "delete_selected", ACTION_CHECKBOX_NAME: [e.pk for e in editions], "post": "yes"}
    response = admin_client.post(admin_url(Edition, "changelist"), data, follow=True)
    assertContains(response, "Successfully deleted 2 editions.")
    assert not Edition.objects.exists()


def test_deleting_a_sector_in_use_is_refused_with_a_sentence(admin_client):
    project = ProjectFactory(sector=SectorFactory(name_en="Hydrogen"))
    response = admin_client.post(admin_url(Sector, "delete", project.sector.pk), {"post": "yes"}, follow=True)
    assertContains(response, "The sector “Hydrogen” cannot be deleted because 1 project is in it.")
    assert Sector.objects.filter(pk=project.sector.pk).exists()


def test_deleting_a_metric_in_use_is_refused_with_a_sentence(admin_client):
    figure = ReportedFigureFactory(metric=MetricFactory(name_en="Attendees"))
    response = admin_client.post(admin_url(Metric, "delete", figure.metric.pk), {"post": "yes"}, follow=True)
    assertContains(response, "The metric “Attendees” cannot be deleted because 1 reported figure uses it.")


def test_deleting_a_source_cited_by_projects_is_refused_with_a_sentence(admin_client):
    project = ProjectFactory(source=SourceFactory(key="S12"))
    data = {"action": "delete_selected", ACTION_CHECKBOX_NAME: [project.source.pk], "post": "yes"}
    response = admin_client.post(admin_url(Source, "changelist"), data, follow=True)
    assertContains(response, "The source S12 cannot be deleted because 1 project cites it.")
    assert Source.objects.filter(pk=project.source.pk).exists()


# The project changelist


def test_project_changelist_shows_value_formatted_and_illustrative_flag(admin_client):
    ProjectFactory(title="Grain terminal", value=Decimal("84475000000"), is_illustrative=True)
    response = admin_client.get(admin_url(Project, "changelist"))
    assertContains(response, "84.475 billion yuan")
    assertContains(response, "5 billion yuan and over")
    assertContains(response, '<td class="field-is_illustrative"><img src="/static/admin/img/icon-yes.svg" alt="True">')


@pytest.fixture
def filterable_projects():
    energy = Sector.objects.get(slug="new-energy")
    farming = Sector.objects.get(slug="modern-agriculture")
    return {
        "wind": ProjectFactory(title="Wind farm", sector=energy, value=Decimal("99999999.99")),
        "grain": ProjectFactory(
            title="Grain terminal", sector=farming, value=Decimal("100000000"), scope=Scope.INTERNATIONAL, partner="KR"
        ),
        "solar": ProjectFactory(
            title="Solar park", sector=energy, value=Decimal("6000000000"), scope=Scope.INTERNATIONAL, partner="RU"
        ),
    }


@pytest.mark.parametrize(
    ("params", "shown"),
    [
        ({}, {"wind", "grain", "solar"}),
        ({"sector__id__exact": "energy"}, {"wind", "solar"}),
        ({"scope__exact": "international"}, {"grain", "solar"}),
        ({"scope__exact": "domestic"}, {"wind"}),
        ({"partner": "KR"}, {"grain"}),
        ({"band": "under-100m"}, {"wind"}),
        ({"band": "100m-500m"}, {"grain"}),
        ({"band": "5b-plus"}, {"solar"}),
        ({"band": "500m-1b"}, set()),
        ({"band": "no-such-band"}, {"wind", "grain", "solar"}),
        ({"q": "Solar"}, {"solar"}),
        ({"q": "风电场"}, {"wind", "grain", "solar"}),
        ({"is_illustrative__exact": "0"}, {"wind", "grain", "solar"}),
        ({"o": "6"}, {"wind", "grain", "solar"}),
    ],
)
def test_project_changelist_filters(admin_client, filterable_projects, params, shown):
    params = dict(params)
    if params.get("sector__id__exact") == "energy":
        params["sector__id__exact"] = filterable_projects["wind"].sector.pk
    response = admin_client.get(admin_url(Project, "changelist"), params)
    assert response.status_code == 200
    listed = {obj.pk for obj in response.context["cl"].result_list}
    assert listed == {filterable_projects[name].pk for name in shown}


def test_project_changelist_filters_by_edition(admin_client, filterable_projects):
    edition = filterable_projects["grain"].edition
    response = admin_client.get(admin_url(Project, "changelist"), {"edition__id__exact": edition.pk})
    assert [obj.title for obj in response.context["cl"].result_list] == ["Grain terminal"]


def test_project_changelist_sorts_by_value_column(admin_client, filterable_projects):
    response = admin_client.get(admin_url(Project, "changelist"), {"o": "6"})
    assert [obj.title for obj in response.context["cl"].result_list] == ["Wind farm", "Grain terminal", "Solar park"]


def test_value_band_filter_offers_every_band(admin_client):
    response = admin_client.get(admin_url(Project, "changelist"))
    for band in VALUE_BANDS:
        assertContains(response, f"?band={band.slug}")


def test_project_changelist_of_ten_thousand_projects_is_a_handful_of_queries(
    admin_client, django_assert_max_num_queries
):
    editions = EditionFactory.create_batch(5)
    sectors = SectorFactory.create_batch(6)
    rng = random.Random(14)
    Project.objects.bulk_create(
        [
            Project(
                edition=editions[i % 5],
                sector=sectors[i % 6],
                title=f"Project {i}",
                scope=Scope.INTERNATIONAL if i % 3 == 0 else Scope.DOMESTIC,
                partner="RU" if i % 3 == 0 else "",
                value=Decimal(rng.randrange(1_000_000, 9_000_000_000)),
            )
            for i in range(10_000)
        ],
        batch_size=1000,
    )
    url = admin_url(Project, "changelist")
    for params in ({}, {"band": "1b-5b", "o": "-6"}, {"edition__id__exact": editions[0].pk, "q": "Project 1"}):
        with django_assert_max_num_queries(7):
            response = admin_client.get(url, params)
        assert response.status_code == 200
        assert len(response.context["cl"].result_list) == 100


def test_project_autocomplete_lookups_answer(admin_client):
    edition = EditionFactory(name_en="China-Northeast Asia Expo", number=14)
    url = reverse("admin:autocomplete")
    response = admin_client.get(
        url, {"app_label": "projects", "model_name": "project", "field_name": "edition", "term": "14"}
    )
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [str(edition.pk)]


def test_edition_search_with_words_does_not_fail(admin_client):
    EditionFactory(city="Changchun")
    response = admin_client.get(admin_url(Edition, "changelist"), {"q": "Changchun"})
    assert response.context["cl"].result_count == 1
    assert admin_client.get(admin_url(Edition, "changelist"), {"q": "14th"}).status_code == 200


def test_edition_changelist_counts_stay_a_handful_of_queries(admin_client, django_assert_max_num_queries):
    for edition in EditionFactory.create_batch(6):
        ProjectFactory.create_batch(2, edition=edition)
        ReportedFigureFactory.create_batch(3, edition=edition)
    with django_assert_max_num_queries(9):
        response = admin_client.get(admin_url(Edition, "changelist"), {"o": "-8"})
    assertContains(response, "2 projects", count=6)
    assertContains(response, '<td class="field-figure_count">3</td>', count=6, html=True)


def test_sector_changelist_shows_how_many_projects_each_sector_has(admin_client):
    sector = SectorFactory(name_en="Hydrogen")
    ProjectFactory.create_batch(3, sector=sector)
    response = admin_client.get(admin_url(Sector, "changelist"), {"q": "Hydrogen"})
    assertContains(response, '<td class="field-project_count">3</td>', html=True)
