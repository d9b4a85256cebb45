"""Simple-history's revert form is a save like the change form's, under the same roles.

A revert that a user's role does not allow is a 403 with a sentence and writes nothing; publishing and
unpublishing go only through the publishing service, whatever version is put back.
"""

import csv
import io

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains
from simple_history.admin import SimpleHistoryAdmin

from core.admin_history import HistoryAdmin
from editions.models import Edition, EditionStatus, ReportedFigure, Sector, Source, SpanFigure
from editions.services import publish_edition, unpublish_edition
from projects.models import Project
from tests.factories import (
    EditionFactory,
    ProjectFactory,
    ReportedFigureFactory,
    SectorFactory,
    SourceFactory,
)
from tests.staff_helpers import login, role_user

pytestmark = pytest.mark.django_db

PUBLISHED_DATA = "The 14th edition (2023) is published; only editors can change its data."
NOTHING_CHANGED = "Nothing was changed."


def revert_url(obj, record) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[record.id, record.history_id])


def record_where(obj, **values):
    """The latest history record of obj with these values."""
    return obj.history.filter(**values).latest("history_date", "history_id")


def posted_back(page) -> dict:
    """The revert form of a history page as its Revert button would post it back."""
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = field.prepare_value(form[name].value())
        if value is None or value is False:
            continue
        if isinstance(value, (list, tuple)):
            data[name] = [str(item) for item in value]
        else:
            data[name] = "on" if value is True else str(value)
    return {**data, "_save": "Revert"}


def revert(client, obj, record, *, follow=False, **changes):
    """GET the history record's form, then POST it back, as a browser would (with changes, if any)."""
    url = revert_url(obj, record)
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, {**posted_back(page), **changes}, follow=follow)


def assert_refused(response, sentence: str):
    assertContains(response, sentence, status_code=403)
    assertContains(response, NOTHING_CHANGED, status_code=403)


def history_count(obj) -> int:
    return type(obj).history.filter(id=obj.pk).count()


@pytest.fixture
def editor():
    return role_user("Editors", username="editor")


@pytest.fixture
def clerk_client(client):
    return login(client, role_user("Data entry", username="clerk"))


@pytest.fixture
def republished(editor):
    """The report's edition: an editor published it, then unpublished it; it has one project."""
    edition = EditionFactory(number=14, year=2023, draft=True)
    ProjectFactory(edition=edition, title="Unpublished wind farm")
    publish_edition(edition=edition, user=editor)
    unpublish_edition(edition=edition, user=editor)
    edition.refresh_from_db()
    return edition


# Editions: publishing only through the service ---------------------------------------------------


def assert_not_public(client, edition):
    assert edition.status == EditionStatus.DRAFT
    assert edition.published_at is None and edition.published_by is None
    assert client.get(reverse("editions:detail", kwargs={"number": edition.number})).status_code == 404
    exported = client.get(reverse("projects:list"), {"_export": "csv"})
    titles = [row["title"] for row in csv.DictReader(io.StringIO(b"".join(exported.streaming_content).decode()))]
    assert "Unpublished wind farm" not in titles


def test_data_entry_cannot_publish_an_edition_by_reverting_to_its_published_version(clerk_client, republished):
    published = record_where(republished, status=EditionStatus.PUBLISHED)
    before = history_count(republished)

    response = revert(clerk_client, republished, published)

    assert_refused(
        response,
        "This version of the 14th edition (2023) was recorded while it was published; only editors can put it back.",
    )
    republished.refresh_from_db()
    assert history_count(republished) == before
    clerk_client.logout()
    assert_not_public(clerk_client, republished)


@pytest.mark.parametrize("role", ["Editors", None], ids=["editor", "superuser"])
def test_reverting_to_a_published_version_puts_the_data_back_but_leaves_the_edition_a_draft(client, role, editor):
    edition = EditionFactory(number=14, year=2023, draft=True, city="Changchun")
    ProjectFactory(edition=edition, title="Unpublished wind farm")
    publish_edition(edition=edition, user=editor)
    Edition.objects.filter(pk=edition.pk).update(city="Jilin")
    unpublish_edition(edition=edition, user=editor)
    login(client, role_user(role))

    response = revert(client, edition, record_where(edition, status=EditionStatus.PUBLISHED), follow=True)

    assert response.redirect_chain[-1][1] == 302
    assertContains(response, "Reverting neither publishes nor unpublishes: the 14th edition (2023) stays a draft.")
    edition.refresh_from_db()
    assert edition.city == "Changchun"
    assert edition.history.latest("history_date").history_user == client.user
    client.logout()
    assert_not_public(client, edition)


def test_reverting_a_published_edition_to_its_draft_version_leaves_it_published(client, editor):
    edition = EditionFactory(number=14, year=2023, draft=True)
    publish_edition(edition=edition, user=editor)
    edition.refresh_from_db()
    stamps = (edition.published_at, edition.published_by)
    login(client, role_user("Editors", username="other-editor"))

    response = revert(client, edition, record_where(edition, status=EditionStatus.DRAFT))

    assert response.status_code == 302
    edition.refresh_from_db()
    assert edition.status == EditionStatus.PUBLISHED and (edition.published_at, edition.published_by) == stamps
    assert client.get(edition.get_absolute_url()).status_code == 200


def test_data_entry_cannot_rename_a_published_edition_by_reverting(clerk_client, editor):
    edition = EditionFactory(number=14, year=2023, name_en="China-Northeast Asia Expo")
    first = edition.history.get()
    Edition.objects.filter(pk=edition.pk).update(name_en="Northeast Asia Expo")

    response = revert(clerk_client, edition, first)

    assert_refused(response, "The 14th edition (2023) is published; only editors can change its data.")
    edition.refresh_from_db()
    assert edition.name_en == "Northeast Asia Expo"


def test_data_entry_sees_a_version_it_cannot_restore_read_only(clerk_client, republished):
    url = revert_url(republished, record_where(republished, status=EditionStatus.PUBLISHED))

    page = clerk_client.get(url)

    assert page.status_code == 200 and page.context["revert_disabled"] is True
    assertContains(
        page,
        "You can view this version but not put it back. This version of the 14th edition (2023) was recorded while "
        "it was published; only editors can put it back.",
    )
    assertNotContains(page, 'name="_save"')  # no Revert button
    assertNotContains(page, 'name="city"')  # and no inputs: the values are shown as text
    assertContains(page, republished.city)


# Sources, figures, sectors and projects ----------------------------------------------------------


def test_data_entry_cannot_point_a_cited_source_at_another_address(clerk_client):
    source = SourceFactory(url="https://evil.example/release.html")
    outside = source.history.get()
    source.url = "https://news.example.org/release.html"
    source.save()
    ReportedFigureFactory(edition=EditionFactory(number=14, year=2023), sources=[source])

    response = revert(clerk_client, source, outside)

    assert_refused(response, "This source is cited by published figures or projects; only editors can change it.")
    source.refresh_from_db()
    assert source.url == "https://news.example.org/release.html"


def test_data_entry_reverts_a_source_only_drafts_cite(clerk_client):
    source = SourceFactory(title="Closing release")
    first = source.history.get()
    source.title = "Closing release, corrected"
    source.save()
    ReportedFigureFactory(edition=EditionFactory(draft=True), sources=[source])

    assert revert(clerk_client, source, first).status_code == 302
    source.refresh_from_db()
    assert source.title == "Closing release"


def test_data_entry_cannot_revert_a_figure_of_a_published_edition(clerk_client):
    figure = ReportedFigureFactory(edition=EditionFactory(number=14, year=2023), value=20000)
    first = figure.history.earliest("history_date")
    figure.value = 30000
    figure.save()

    assert_refused(revert(clerk_client, figure, first), PUBLISHED_DATA)
    figure.refresh_from_db()
    assert figure.value == 30000


def test_data_entry_cannot_revert_a_draft_figure_into_a_published_edition(clerk_client):
    figure = ReportedFigureFactory(edition=EditionFactory(number=14, year=2023))
    in_published = figure.history.earliest("history_date")
    draft = EditionFactory(number=15, year=2024, draft=True)
    figure.edition = draft
    figure.save()

    assert_refused(revert(clerk_client, figure, in_published), PUBLISHED_DATA)
    figure.refresh_from_db()
    assert figure.edition == draft


def test_data_entry_reverts_a_figure_of_a_draft_edition_and_the_edition_gets_a_new_version(clerk_client):
    figure = ReportedFigureFactory(edition=EditionFactory(draft=True), value=20000)
    first = figure.history.earliest("history_date")
    figure.value = 30000
    figure.save()
    version = figure.edition.version

    assert revert(clerk_client, figure, first).status_code == 302
    figure.refresh_from_db()
    assert figure.value == 20000 and figure.edition.version == version + 1


def test_data_entry_cannot_restore_a_deleted_figure_of_a_published_edition(clerk_client):
    figure = ReportedFigureFactory(edition=EditionFactory(number=14, year=2023))
    pk = figure.pk
    figure.delete()
    last = ReportedFigure.history.filter(id=pk).exclude(history_type="-").latest("history_date")

    assert_refused(revert(clerk_client, figure, last), PUBLISHED_DATA)
    assert not ReportedFigure.objects.filter(pk=pk).exists()


def test_data_entry_restores_a_deleted_figure_of_a_draft_edition(clerk_client):
    figure = ReportedFigureFactory(edition=EditionFactory(draft=True))
    pk, source = figure.pk, figure.sources.get()
    figure.delete()
    last = ReportedFigure.history.filter(id=pk).exclude(history_type="-").latest("history_date")

    # The form shows the figure's sources as they are now (none: they went with it), so the clerk picks one.
    assert revert(clerk_client, figure, last, sources=[source.pk]).status_code == 302
    assert ReportedFigure.objects.filter(pk=pk).exists()


@pytest.mark.parametrize(("role", "allowed"), [("Data entry", False), ("Editors", True), (None, True)])
def test_only_editors_rename_a_sector_by_reverting(client, role, allowed):
    sector = SectorFactory(name_en="Hydrogen")
    first = sector.history.get()
    sector.name_en = "Hydrogen power"
    sector.save()
    login(client, role_user(role))

    response = revert(client, sector, first)

    sector.refresh_from_db()
    if allowed:
        assert response.status_code == 302 and sector.name_en == "Hydrogen"
    else:
        assert_refused(response, "Your role does not let you change sectors.")
        assert sector.name_en == "Hydrogen power"


def test_data_entry_cannot_revert_a_project_of_a_published_edition(clerk_client):
    project = ProjectFactory(edition=EditionFactory(number=14, year=2023), title="Wind farm")
    first = project.history.get()
    Project.objects.filter(pk=project.pk).update(title="Wind farm II")

    assert_refused(revert(clerk_client, project, first), PUBLISHED_DATA)
    project.refresh_from_db()
    assert project.title == "Wind farm II"


def test_data_entry_cannot_revert_a_draft_project_into_a_published_edition(clerk_client):
    project = ProjectFactory(edition=EditionFactory(number=14, year=2023))
    in_published = project.history.get()
    draft = EditionFactory(number=15, year=2024, draft=True)
    project.edition = draft
    project.version += 1
    project.save()

    assert_refused(revert(clerk_client, project, in_published), PUBLISHED_DATA)
    project.refresh_from_db()
    assert project.edition == draft


def test_data_entry_cannot_restore_a_deleted_project_of_a_published_edition_from_its_history(clerk_client):
    project = ProjectFactory(edition=EditionFactory(number=14, year=2023))
    pk = project.pk
    project.delete()
    last = Project.history.get(id=pk, history_type="+")

    assert_refused(revert(clerk_client, project, last), PUBLISHED_DATA)
    assert not Project.objects.filter(pk=pk).exists()


def test_data_entry_cannot_restore_a_deleted_project_of_a_published_edition_from_the_deleted_list(clerk_client):
    project = ProjectFactory(edition=EditionFactory(number=14, year=2023))
    pk = project.pk
    project.delete()
    record = Project.history.get(id=pk, history_type="-")

    response = clerk_client.post(reverse("admin:projects_project_restore", args=[record.history_id]))

    assert_refused(response, PUBLISHED_DATA)
    assert not Project.objects.filter(pk=pk).exists()


# No lost updates, no anonymous writes, no history admin without the rules -------------------------


@pytest.mark.parametrize("make", [EditionFactory, ProjectFactory], ids=["edition", "project"])
def test_a_revert_form_opened_before_someone_elses_save_is_refused(client, make):
    obj = make(city="Changchun") if make is EditionFactory else make(location="Changchun")
    field = "city" if make is EditionFactory else "location"
    first = obj.history.get()
    login(client, role_user("Editors"))
    url = revert_url(obj, first)
    page = client.get(url)
    # Someone else saves in between.
    type(obj).objects.filter(pk=obj.pk).update(**{field: "Jilin"}, version=obj.version + 1)

    response = client.post(url, posted_back(page))

    assertContains(response, "Someone else saved this")
    obj.refresh_from_db()
    assert getattr(obj, field) == "Jilin" and obj.version == 2


def test_reverting_a_figure_into_another_edition_gives_both_editions_a_new_version(client):
    first, second = EditionFactory(draft=True), EditionFactory(draft=True)
    figure = ReportedFigureFactory(edition=first)
    in_first = figure.history.earliest("history_date")
    figure.edition = second
    figure.save()
    versions = first.version, second.version
    login(client, role_user("Editors"))

    assert revert(client, figure, in_first).status_code == 302

    first.refresh_from_db()
    second.refresh_from_db()
    # An edition form opened before, with the figure among its rows, is refused (core/versioning.py).
    assert (first.version, second.version) == (versions[0] + 1, versions[1] + 1)


@pytest.mark.parametrize("path", ["abc/history/1/", "1/history/x/", "abc/history/"])
def test_a_history_address_whose_id_is_no_number_is_not_found(client, path):
    EditionFactory()
    login(client, role_user("Editors"))
    assert client.get(reverse("admin:editions_edition_changelist") + path).status_code == 404


@pytest.mark.parametrize("make", [EditionFactory, SourceFactory, ReportedFigureFactory, SectorFactory, ProjectFactory])
def test_anonymous_visitors_are_sent_to_sign_in_and_nothing_is_written(client, make):
    obj = make()
    record = obj.history.latest("history_date")
    before = history_count(obj)

    response = client.post(revert_url(obj, record), {})

    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    assert history_count(obj) == before


def test_every_model_that_keeps_history_has_an_admin_that_applies_the_rules():
    kept = {model for model in apps.get_models() if hasattr(model._meta, "simple_history_manager_attribute")}
    assert kept == {Edition, Source, ReportedFigure, SpanFigure, Sector, Project}
    for model in kept:
        assert isinstance(admin.site._registry[model], HistoryAdmin), model
    for model_admin in admin.site._registry.values():
        assert not isinstance(model_admin, SimpleHistoryAdmin) or isinstance(model_admin, HistoryAdmin), model_admin
