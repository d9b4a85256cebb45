"""Two editors edit the same edition: the second save is refused, inline rows included, and says what changed."""

import datetime
from decimal import Decimal

import pytest
from django.db import models
from django.urls import reverse
from pytest_django.asserts import assertContains

from editions.models import Edition, ReportedBand, ReportedFigure, ReportedSector
from editions.services import publish_edition, unpublish_edition
from tests.factories import (
    EditionFactory,
    MetricFactory,
    ReportedBandFactory,
    ReportedFigureFactory,
    ReportedSectorFactory,
    SourceFactory,
)
from tests.staff_helpers import login, role_user

pytestmark = pytest.mark.django_db

REFUSAL = (
    "Someone else saved this edition since you opened it, so your changes were not saved, neither to the "
    "edition nor to its figures, bands or sectors. Their changes: {changes}. Reload the page to see the "
    "current version, then make your changes again."
)


def _posted(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [_posted(item) for item in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else value


def _form_fields(form) -> dict:
    data = {}
    for bound in form:
        value = bound.value()
        if value is False:
            continue  # an unticked box is not posted
        data[bound.html_name] = "on" if value is True else _posted(value)
    return data


def opened_form(client, edition) -> dict:
    """What the browser posts back when the change form is saved unchanged, inline rows included."""
    page = client.get(reverse("admin:editions_edition_change", args=[edition.pk]))
    assert page.status_code == 200
    data = _form_fields(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        data |= _form_fields(inline.formset.management_form)
        for form in inline.formset.forms:
            data |= _form_fields(form)
    return data


def save(client, edition, data):
    return client.post(reverse("admin:editions_edition_change", args=[edition.pk]), data)


def both_open(client, edition, editors) -> tuple[dict, dict]:
    """Each editor in turn opens the edition's change form: what each one's page would post back."""
    forms = []
    for editor in editors:
        login(client, editor)
        forms.append(opened_form(client, edition))
    return forms[0], forms[1]


@pytest.fixture
def edition():
    edition = EditionFactory(draft=True, number=14, year=2023, city="Changchun", venue="Old hall")
    metric = MetricFactory(name_en="Visitors")
    ReportedFigureFactory(edition=edition, metric=metric, value=Decimal("20000"))
    ReportedBandFactory(edition=edition, count=10)
    return edition


@pytest.fixture
def editors(client):
    return role_user("Editors", username="alice"), role_user("Editors", username="bob")


def test_both_editors_open_the_edition_at_version_one(client, edition, editors):
    alice, bob = editors
    alice_form, bob_form = both_open(client, edition, editors)
    assert alice_form["loaded_version"] == bob_form["loaded_version"] == 1


def test_a_save_after_an_edition_change_is_refused_and_stores_nothing(client, edition, editors):
    alice, bob = editors
    alice_form, bob_form = both_open(client, edition, editors)

    login(client, alice)
    assert save(client, edition, alice_form | {"city": "Jilin", "venue": "New hall"}).status_code == 302

    login(client, bob)
    response = save(client, edition, bob_form | {"notes": "Bob's note", "figures-0-value": "25000"})
    assert response.status_code == 200
    changes = "city (English): “Changchun” → “Jilin”; venue (English): “Old hall” → “New hall”; saved by alice"
    assertContains(response, REFUSAL.format(changes=changes))

    edition.refresh_from_db()
    assert (edition.city, edition.venue, edition.notes, edition.version) == ("Jilin", "New hall", "", 2)
    assert ReportedFigure.objects.get(edition=edition).value == Decimal("20000")


def test_a_save_after_an_inline_figure_change_is_refused_and_stores_nothing(client, edition, editors):
    alice, bob = editors
    alice_form, bob_form = both_open(client, edition, editors)

    login(client, alice)
    assert save(client, edition, alice_form | {"figures-0-value": "30000"}).status_code == 302
    edition.refresh_from_db()
    assert edition.version == 2

    login(client, bob)
    response = save(client, edition, bob_form | {"city": "Harbin", "reported_bands-0-count": "12"})
    assert response.status_code == 200
    changes = "changed reported figure “Visitors: 30,000”; saved by alice"
    assertContains(response, REFUSAL.format(changes=changes))

    edition.refresh_from_db()
    assert (edition.city, edition.version) == ("Changchun", 2)
    assert ReportedFigure.objects.get(edition=edition).value == Decimal("30000")
    assert ReportedBand.objects.get(edition=edition).count == 10


def test_a_save_after_an_inline_row_was_added_is_refused(client, edition, editors):
    alice, bob = editors
    sector = ReportedSectorFactory.build().sector
    sector.save()
    alice_form, bob_form = both_open(client, edition, editors)

    login(client, alice)
    added = {
        "reported_sectors-TOTAL_FORMS": "1",
        "reported_sectors-0-position": "1",
        "reported_sectors-0-sector": sector.pk,
        "reported_sectors-0-sources": [SourceFactory().pk],
    }
    assert save(client, edition, alice_form | added).status_code == 302

    login(client, bob)
    response = save(client, edition, bob_form | {"notes": "Bob's note"})
    changes = f"added sector named in a release “{edition}: {sector}”; saved by alice"
    assertContains(response, REFUSAL.format(changes=changes))
    edition.refresh_from_db()
    assert (edition.notes, edition.version) == ("", 2)
    assert ReportedSector.objects.filter(edition=edition).count() == 1


def test_every_save_bumps_the_version_by_one_and_a_reloaded_form_saves(client, edition, editors):
    alice, bob = editors
    login(client, alice)
    assert save(client, edition, opened_form(client, edition) | {"city": "Jilin"}).status_code == 302
    edition.refresh_from_db()
    assert edition.version == 2

    # Only an inline row changes: the edition's version moves all the same.
    assert save(client, edition, opened_form(client, edition) | {"reported_bands-0-count": "11"}).status_code == 302
    edition.refresh_from_db()
    assert edition.version == 3

    login(client, bob)
    reloaded = opened_form(client, edition)
    assert reloaded["loaded_version"] == 3
    assert save(client, edition, reloaded | {"notes": "Bob's note", "figures-0-value": "21000"}).status_code == 302
    edition.refresh_from_db()
    assert (edition.city, edition.notes, edition.version) == ("Jilin", "Bob's note", 4)
    assert ReportedFigure.objects.get(edition=edition).value == Decimal("21000")
    assert ReportedBand.objects.get(edition=edition).count == 11


def test_the_history_records_each_version_and_names_the_inline_changes(client, edition, editors):
    login(client, editors[0])
    save(client, edition, opened_form(client, edition) | {"figures-0-value": "30000"})
    records = Edition.history.filter(id=edition.pk).order_by("history_id")
    assert [(record.version, record.history_change_reason) for record in records] == [
        (1, None),
        (2, "changed reported figure “Visitors: 30,000”"),
    ]


def test_a_form_without_its_version_is_refused(client, edition, editors):
    login(client, editors[0])
    data = opened_form(client, edition) | {"city": "Jilin", "loaded_version": ""}
    assertContains(save(client, edition, data), "This form is out of date")
    edition.refresh_from_db()
    assert (edition.city, edition.version) == ("Changchun", 1)


def test_publishing_bumps_the_version_and_refuses_a_form_opened_before(client, edition, editors):
    alice, bob = editors
    login(client, bob)
    bob_form = opened_form(client, edition)
    publish_edition(edition=edition, user=alice)
    edition.refresh_from_db()
    assert edition.version == 2

    response = save(client, edition, bob_form | {"city": "Harbin"})
    changes = "status: “draft” → “published”; published; saved by alice"
    assertContains(response, REFUSAL.format(changes=changes))

    unpublish_edition(edition=edition, user=alice)
    edition.refresh_from_db()
    assert (edition.city, edition.version) == ("Changchun", 3)


def test_an_import_of_figures_bumps_each_changed_edition_once_and_refuses_a_form_opened_before(
    client, edition, editors
):
    from core.imports import IMPORT_FORMATS
    from editions.resources import ReportedFigureResource
    from tests.projects.test_imports import csv_bytes, run_import

    alice, bob = editors
    login(client, bob)
    bob_form = opened_form(client, edition)
    SourceFactory(key="S7")
    rows = [[14, "Visitors", "closing", "40000", "S7"], [14, "Visitors", "opening", "15000", "S7"]]
    data = csv_bytes(["edition", "metric", "stage", "value", "sources"], rows)
    result = run_import(ReportedFigureResource, data, IMPORT_FORMATS[0], dry_run=False, user=alice)
    assert (result.totals["new"], result.totals["update"]) == (1, 1)
    edition.refresh_from_db()
    assert edition.version == 2

    response = save(client, edition, bob_form | {"figures-0-value": "25000"})
    assertContains(response, REFUSAL.format(changes="imported from projects.csv; saved by alice"))
    assert ReportedFigure.objects.get(edition=edition, stage="closing").value == Decimal("40000")

    run_import(ReportedFigureResource, data, IMPORT_FORMATS[0], dry_run=False, user=alice)  # nothing changes
    edition.refresh_from_db()
    assert edition.version == 2


# Rows changed on their own admin pages, not through the edition's form.


def own_page_form(client, url_name, row) -> dict:
    page = client.get(reverse(url_name, args=[row.pk]))
    assert page.status_code == 200
    return _form_fields(page.context["adminform"].form)


def test_a_figure_changed_on_its_own_page_refuses_an_edition_form_opened_before(client, edition, editors):
    alice, bob = editors
    login(client, alice)
    alice_form = opened_form(client, edition)

    login(client, bob)
    figure = ReportedFigure.objects.get(edition=edition)
    figure_form = own_page_form(client, "admin:editions_reportedfigure_change", figure)
    response = client.post(
        reverse("admin:editions_reportedfigure_change", args=[figure.pk]), figure_form | {"value": "30000"}
    )
    assert response.status_code == 302
    edition.refresh_from_db()
    assert edition.version == 2

    login(client, alice)
    response = save(client, edition, alice_form | {"city": "Harbin"})
    assert response.status_code == 200
    assertContains(response, REFUSAL.format(changes="changed reported figure “Visitors: 30,000”; saved by bob"))
    edition.refresh_from_db()
    assert edition.city == "Changchun"
    assert ReportedFigure.objects.get(edition=edition).value == Decimal("30000")


def test_a_band_deleted_on_its_own_page_refuses_an_edition_form_opened_before(client, edition, editors):
    alice, bob = editors
    login(client, alice)
    alice_form = opened_form(client, edition)

    login(client, bob)
    band = ReportedBand.objects.get(edition=edition)
    described = str(band)
    response = client.post(reverse("admin:editions_reportedband_delete", args=[band.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not ReportedBand.objects.filter(edition=edition).exists()

    login(client, alice)
    response = save(client, edition, alice_form | {"city": "Harbin"})
    assertContains(response, REFUSAL.format(changes=f"deleted reported value band “{described}”; saved by bob"))
    assert not ReportedBand.objects.filter(edition=edition).exists()  # not put back by the stale form


def test_a_sector_share_added_on_its_own_page_gives_its_edition_one_new_version(client, edition, editors):
    alice, _bob = editors
    login(client, alice)
    sector = ReportedSectorFactory.build().sector
    sector.save()
    response = client.post(
        reverse("admin:editions_reportedsector_add"),
        {"edition": edition.pk, "position": "1", "sector": sector.pk, "sources": [SourceFactory().pk]},
    )
    assert response.status_code == 302
    edition.refresh_from_db()
    assert edition.version == 2
    assert edition.history.first().history_change_reason == f"added sector named in a release “{edition}: {sector}”"


def test_figures_deleted_together_give_their_edition_one_new_version_and_one_history_line(client, edition, editors):
    alice, _bob = editors
    second = ReportedFigureFactory(edition=edition, metric=MetricFactory(name_en="Exhibitors"), value=Decimal("900"))
    login(client, alice)
    chosen = list(ReportedFigure.objects.filter(edition=edition).order_by("pk"))
    response = client.post(
        reverse("admin:editions_reportedfigure_changelist"),
        {"action": "delete_selected", "_selected_action": [figure.pk for figure in chosen], "post": "yes"},
    )
    assert response.status_code == 302
    assert not ReportedFigure.objects.filter(edition=edition).exists()
    edition.refresh_from_db()
    assert edition.version == 2
    reason = edition.history.first().history_change_reason
    assert reason == f"deleted reported figure “{chosen[0]}”; deleted reported figure “{second}”"
