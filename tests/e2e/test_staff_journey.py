"""An editor enters a new edition in the admin, previews it while the public cannot see it, publishes it,
and finds it on the public pages."""

import re

import pytest
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "correct horse battery staple"
NUMBER = 16


def editor():
    from django.contrib.auth.models import Group

    from tests.factories import UserFactory

    user = UserFactory(username="editor", is_staff=True)
    group = Group.objects.filter(name="Editors").first()
    if group is None:  # before the staff roles existed, an editor was a superuser
        user.is_superuser = True
        user.save()
    else:
        user.groups.add(group)
    return user


def choose(page, select_id: str, search: str, option: str):
    """Pick in an admin autocomplete box: open it, type, click the matching result."""
    page.locator(f"#{select_id} + .select2").click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=option).first.click()


def navigate(page, target):
    """Click and wait until the next page has loaded its scripts: on SQLite the live server shares one
    connection between its request threads, so a page must not start while the last one still loads."""
    with page.expect_navigation(wait_until="load"):
        target.click()


def sign_in(page, base: str):
    page.goto(base + "/admin/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    navigate(page, page.get_by_role("button", name="Log in"))
    expect(page.locator("#user-tools")).to_contain_text("editor")


def test_editor_enters_previews_and_publishes_an_edition(live_server, page, browser, demo):
    editor()
    base = live_server.url
    visitor = browser.new_context().new_page()

    sign_in(page, base)

    # A draft edition with two headline figures.
    page.goto(base + "/admin/editions/edition/add/")
    page.locator("#id_number").fill(str(NUMBER))
    page.locator("#id_year").fill("2026")
    page.locator("#id_city").fill("Changchun")
    page.locator("#id_name_en").fill("China-Northeast Asia Expo")
    page.locator("#id_name_zh").fill("中国—东北亚博览会")
    page.locator("#id_theme_en").fill("Browser test edition")
    for row, (metric, value, qualifier) in enumerate([("Participants", "30000", "over"), ("Projects signed", "3", "")]):
        page.locator("#figures-group .add-row a").click()
        choose(page, f"id_figures-{row}-metric", metric, metric)
        page.locator(f"#id_figures-{row}-value").fill(value)
        if qualifier:
            page.locator(f"#id_figures-{row}-qualifier").select_option(label=qualifier)
        choose(page, f"id_figures-{row}-sources", "People", "People")
    navigate(page, page.get_by_role("button", name="Save and continue editing"))
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    expect(page.locator(".errornote")).to_have_count(0)

    from editions.models import Edition

    edition = Edition.objects.get(number=NUMBER)
    assert edition.status == "draft"
    assert edition.figures.count() == 2

    # Three projects of the draft edition.
    for index, (title, value) in enumerate(
        [
            ("Browser test wind farm", "1200000000"),
            ("Browser test seed bank", "300000000"),
            ("Browser test port", "80000000"),
        ]
    ):
        page.goto(base + "/admin/projects/project/add/")
        choose(page, "id_edition", str(NUMBER), f"{NUMBER}th")
        page.locator("#id_title").fill(title)
        choose(page, "id_sector", "New energy" if index == 0 else "agri", "New energy" if index == 0 else "agriculture")
        page.locator("#id_value").fill(value)
        navigate(page, page.get_by_role("button", name="Save", exact=True))
        expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    assert edition.projects.count() == 3

    # The public cannot see the draft anywhere.
    assert visitor.goto(base + edition.get_absolute_url()).status == 404
    visitor.goto(base + "/en/projects/?q=Browser+test")
    expect(visitor.locator(".result-count")).to_have_text("0 projects match")

    # The editor previews it exactly as it will look; the preview is no door for the public.
    try:
        preview = reverse("editions:preview", kwargs={"number": NUMBER})
    except NoReverseMatch:
        preview = None
    if preview:
        page.goto(base + f"/admin/editions/edition/{edition.pk}/change/")
        navigate(page, page.get_by_role("link", name="Preview"))
        expect(page.get_by_role("heading", level=1)).to_contain_text("16th edition (2026)")
        expect(page.locator("#figures").locator("..")).to_contain_text("over 30,000")
        expect(page.locator("#largest-table")).to_contain_text("Browser test wind farm")
        assert visitor.goto(base + preview).status == 404

    # The editor publishes it: through the publish page where it exists, else the status field.
    page.goto(base + f"/admin/editions/edition/{edition.pk}/change/")
    publish = page.get_by_role("link", name=re.compile("^Publish"))
    if publish.count():
        navigate(page, publish)
        expect(page.locator("#content")).to_contain_text("16th edition (2026)")
        navigate(page, page.get_by_role("button", name="Yes, publish"))
        expect(page.locator(".messagelist")).to_contain_text("Published 1 edition")
    else:
        page.locator("#id_status").select_option(value="published")
        navigate(page, page.get_by_role("button", name="Save", exact=True))
    edition.refresh_from_db()
    assert edition.is_published

    # The public finds it: in the editions table, on its own page, and its projects in the table.
    visitor.goto(base + "/en/editions/")
    visitor.get_by_role("link", name="16th", exact=True).first.click()
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("16th edition (2026)")
    expect(visitor.locator("#figures").locator("..")).to_contain_text("over 30,000")
    visitor.get_by_role("link", name="All 3 recorded projects").click()
    expect(visitor.locator(".result-count")).to_have_text("3 projects match")
    expect(visitor.locator("tbody tr").first).to_contain_text("Browser test wind farm")
