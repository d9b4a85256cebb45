from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from editions.models import EditionStatus
from editions.reconciliation import edition_reconciliation
from editions.services import publish_edition, unpublish_edition
from tests.factories import EditionFactory, ProjectFactory, ReportedFigureFactory, standard_metric
from tests.staff_helpers import login, role_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    edition = EditionFactory(number=14, draft=True)
    ReportedFigureFactory(edition=edition, metric=standard_metric("projects_signed"), value=3)
    ReportedFigureFactory(edition=edition, metric=standard_metric("signed_value"), value=Decimal("900000000"))
    ProjectFactory.create_batch(2, edition=edition, value=Decimal("300000000"))
    return edition


def test_an_editor_publishes_and_the_edition_records_who_and_when(draft):
    editor = role_user("Editors")
    publish_edition(edition=draft, user=editor)
    draft.refresh_from_db()
    assert draft.status == EditionStatus.PUBLISHED
    assert draft.published_by == editor and draft.published_at is not None
    record = draft.history.first()
    assert record.history_user == editor and record.history_change_reason == "published"


def test_publishing_twice_is_refused_and_unpublishing_makes_a_draft(draft):
    editor = role_user("Editors")
    publish_edition(edition=draft, user=editor)
    with pytest.raises(ValidationError, match="already published"):
        publish_edition(edition=draft, user=editor)
    unpublish_edition(edition=draft, user=editor)
    draft.refresh_from_db()
    assert draft.status == EditionStatus.DRAFT and draft.published_at is None and draft.published_by is None


def test_data_entry_cannot_publish_through_the_service(draft):
    with pytest.raises(PermissionDenied):
        publish_edition(edition=draft, user=role_user("Data entry"))
    draft.refresh_from_db()
    assert draft.status == EditionStatus.DRAFT


def test_reconciliation_compares_reported_and_recorded(draft):
    check = edition_reconciliation(edition=draft)
    assert check.reported_count.value == 3 and check.recorded_count == 2
    assert check.count_difference == -1
    assert check.recorded_value == Decimal("600000000") and check.value_difference == Decimal("-300000000")
    assert not check.is_clean
    missing = {metric.code for metric in check.missing_main_metrics}
    assert missing == {"countries_regions", "participants", "exhibitors"}


def test_the_publish_page_shows_the_reconciliation_before_publishing(client, draft):
    login(client, role_user("Editors"))
    url = reverse("admin:editions_edition_publish", args=[draft.pk])
    page = client.get(url)
    assertContains(page, "Number of projects")
    assertContains(page, "600 million yuan")  # recorded
    assertContains(page, "900 million yuan")  # reported
    assertContains(page, "Main figures missing:")
    assertContains(page, "Participants")
    draft.refresh_from_db()
    assert draft.status == EditionStatus.DRAFT  # looking publishes nothing

    response = client.post(url, follow=True)
    assertContains(response, "Published 1 edition(s).")
    draft.refresh_from_db()
    assert draft.is_published


def test_the_publish_action_asks_first_then_publishes(client, draft):
    login(client, role_user("Editors"))
    changelist = reverse("admin:editions_edition_changelist")
    data = {"action": "publish_selected", "_selected_action": [draft.pk]}
    page = client.post(changelist, data)
    assertContains(page, "Yes, publish")
    draft.refresh_from_db()
    assert not draft.is_published
    client.post(changelist, {**data, "confirm": "yes"})
    draft.refresh_from_db()
    assert draft.is_published


def test_data_entry_gets_403_from_the_publish_page_and_no_action(client, draft):
    login(client, role_user("Data entry"))
    assert client.get(reverse("admin:editions_edition_publish", args=[draft.pk])).status_code == 403
    assert client.post(reverse("admin:editions_edition_publish", args=[draft.pk])).status_code == 403
    changelist = client.get(reverse("admin:editions_edition_changelist"))
    assertNotContains(changelist, "publish_selected")
    client.post(
        reverse("admin:editions_edition_changelist"),
        {"action": "publish_selected", "_selected_action": [draft.pk], "confirm": "yes"},
    )
    draft.refresh_from_db()
    assert draft.status == EditionStatus.DRAFT


def test_status_cannot_be_changed_through_the_edition_form(client, draft):
    login(client, role_user("Editors"))
    url = reverse("admin:editions_edition_change", args=[draft.pk])
    page = client.get(url)
    assert "status" not in page.context["adminform"].form.fields
    data = {name: value for name, value in page.context["adminform"].form.initial.items() if value is not None}
    client.post(url, {**data, "status": "published"})
    draft.refresh_from_db()
    assert draft.status == EditionStatus.DRAFT


def test_staff_preview_a_draft_as_the_public_page(client, draft):
    login(client, role_user("Data entry"))
    response = client.get(reverse("editions:preview", args=[14]))
    assert response.status_code == 200
    assertContains(response, draft.name_en)
    assert response["Cache-Control"] == "private, no-store"
    assert client.get(reverse("editions:detail", args=[14])).status_code == 404  # still not public


def test_anonymous_visitors_never_see_a_draft_preview(client, draft):
    assert client.get(reverse("editions:preview", args=[14])).status_code == 404
    assert client.get(reverse("editions:detail", args=[14])).status_code == 404


def test_a_logged_in_non_staff_user_gets_404_from_the_preview(client, draft):
    from tests.factories import UserFactory

    login(client, UserFactory())
    assert client.get(reverse("editions:preview", args=[14])).status_code == 404


def test_every_preview_page_says_it_is_a_draft_and_keeps_its_links_inside_or_marked(client, draft):
    EditionFactory(number=13, year=2021)
    ProjectFactory(edition=draft, title="Draft mill")
    login(client, role_user("Data entry"))
    for url in ("/en/editions/14/preview/", "/zh-hans/editions/14/preview/"):
        assert client.get(url).status_code == 200
    response = client.get("/en/editions/14/preview/")
    assertContains(response, '<div class="preview-banner" role="note"><strong>Draft — not public</strong>')
    assertContains(client.get("/zh-hans/editions/14/preview/"), "<strong>草稿——尚未公开</strong>")
    html = response.content.decode()
    main = html.split('<main id="content"')[1].split("</main>")[0]
    # No link to the draft's projects, which no public page lists, nor to a comparison the public cannot open.
    assert "/en/projects/" not in main and "/en/compare/" not in main
    assertContains(response, "Draft mill")
    # A link to a public page says so.
    assertContains(
        response,
        '<a href="/en/editions/13/" rel="prev">← 13th edition (2021)</a>'
        ' <span class="leaves-preview">(public site)</span>',
        html=True,
    )


def test_view_on_site_in_the_admin_opens_a_drafts_preview(client, draft):
    from django.contrib.admin import site

    from editions.models import Edition

    admin = site._registry[Edition]
    assert admin.view_on_site(draft) == "/en/editions/14/preview/"
    login(client, role_user("Editors"))
    page = client.get(reverse("admin:editions_edition_change", args=[draft.pk]))
    assertContains(page, 'href="/en/editions/14/preview/" class="viewsitelink"')
    published = EditionFactory(number=15)
    assert admin.view_on_site(published) == "/en/editions/15/"
