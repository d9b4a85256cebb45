"""In a browser that enforces the site's CSP, the admin's history, import and export pages break no rule."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "correct horse battery staple"


def navigate(page, target):
    """Click and wait for the next page to load (see test_staff_journey.navigate)."""
    with page.expect_navigation(wait_until="load"):
        target.click()


def test_history_import_and_export_pages_raise_no_csp_violation(live_server, page):
    from tests.factories import (
        EditionFactory,
        MetricFactory,
        ProjectFactory,
        SectorFactory,
        SourceFactory,
        SuperuserFactory,
    )

    SuperuserFactory(username="admin")
    source = SourceFactory(key="S1")
    SectorFactory(name_en="Browser sector")
    # Its own metric: a live-server test before this one may have flushed the metrics the migrations seed.
    MetricFactory(code="browser_participants")
    project = ProjectFactory(edition=EditionFactory(number=14, draft=True), source=source)
    for n in range(3):
        source.title = f"Release {n}"
        source.save()
    violations = []
    page.on("console", lambda message: violations.append(message.text) if "Content Security" in message.text else None)
    base = live_server.url

    page.goto(base + "/admin/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill(PASSWORD)
    navigate(page, page.get_by_role("button", name="Log in"))
    expect(page.locator("#user-tools")).to_contain_text("admin")

    page.goto(base + f"/admin/editions/source/{source.pk}/history/")
    expect(page.locator("#change-history")).to_contain_text("Release 2")
    navigate(page, page.locator("#change-history a").last)
    expect(page.get_by_role("button", name="Revert")).to_be_visible()
    page.goto(base + f"/admin/projects/project/{project.pk}/history/")
    expect(page.locator("p.paginator")).to_contain_text("1 entry")

    page.goto(base + "/admin/projects/project/import/")
    page.locator("#id_import_file").set_input_files(
        files=[
            {
                "name": "projects.csv",
                "mimeType": "text/csv",
                "buffer": b"edition,title,sector,value,source\r\n14,Browser wind farm,Browser sector,250000000,S1\r\n",
            }
        ]
    )
    navigate(page, page.get_by_role("button", name="Submit"))
    expect(page.locator(".import-preview")).to_contain_text("Browser wind farm")

    # The figure import's preview marks what a row adds, coloured by a class (the project preview lists rows).
    page.goto(base + "/admin/editions/reportedfigure/import/")
    page.locator("#id_import_file").set_input_files(
        files=[
            {
                "name": "figures.csv",
                "mimeType": "text/csv",
                "buffer": b"edition,metric,value,sources\r\n14,browser_participants,20000,S1\r\n",
            }
        ]
    )
    navigate(page, page.get_by_role("button", name="Submit"))
    expect(page.locator("ins.diff-insert").first).to_be_visible()
    assert (
        page.locator("ins.diff-insert").first.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
    )

    page.goto(base + "/admin/projects/project/export/")
    fields = page.locator('.selectable-field-export-row input[type="checkbox"]')
    expect(fields.first).to_be_checked()
    page.locator(".select-toggle").uncheck()  # the script bound in place of the inline handler
    expect(fields.first).not_to_be_checked()

    assert violations == [], "\n".join(violations)
