"""Data entry fills in an edition workbook and imports it; an editor checks the reconciliation and publishes;
the public finds the edition's figures, bands and projects."""

import io

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.e2e.test_staff_journey import PASSWORD, navigate
from tests.projects.workbook_helpers import NUMBER, PROJECTS, filled_rows

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DATA_ENTRY_MODELS = [
    ("editions", "edition"), ("editions", "source"), ("editions", "reportedfigure"), ("editions", "reportedband"),
    ("editions", "reportedsector"), ("projects", "project"),
]  # fmt: skip


def staff(username: str, role: str):
    """A staff member of the role, the role made as its migration makes it when the live server's flush took it."""
    from django.contrib.auth.models import Group, Permission

    from tests.factories import UserFactory

    group, created = Group.objects.get_or_create(name=role)
    if created and role == "Editors":
        group.permissions.set(Permission.objects.filter(content_type__app_label__in=["editions", "projects"]))
    elif created:
        wanted = [
            Permission.objects.get(content_type__app_label=app, codename=f"{action}_{model}")
            for app, model in DATA_ENTRY_MODELS
            for action in ("add", "change", "view")
        ]
        group.permissions.set(wanted + list(Permission.objects.filter(codename__in=["view_metric", "view_sector"])))
    user = UserFactory(username=username, is_staff=True)
    user.groups.add(group)
    return user


def vocabulary():
    """The metrics and sectors the workbook names (made by migrations, which the live server's flush undoes)."""
    from editions.models import Metric, Sector

    for code, name, unit, is_main in [
        ("projects_signed", "Projects signed", "count", True),
        ("signed_value", "Value of projects signed", "yuan", True),
        ("participants", "Participants", "count", True),
    ]:
        Metric.objects.get_or_create(code=code, defaults={"name_en": name, "unit": unit, "is_main": is_main})
    wind, __ = Sector.objects.get_or_create(slug="wind-power", defaults={"name_en": "Wind power", "name_zh": "风电"})
    farming, __ = Sector.objects.get_or_create(slug="farming", defaults={"name_en": "Farming", "name_zh": "农业"})
    return wind, farming


def sign_in(page, base: str, username: str):
    page.goto(base + "/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    navigate(page, page.get_by_role("button", name="Log in"))
    expect(page.locator("#user-tools")).to_contain_text(username)


def fill(path, rows) -> None:
    book = openpyxl.load_workbook(path)
    for name, sheet_rows in rows.items():
        sheet = book[name]
        headers = [cell.value for cell in sheet[1]]
        for row in sheet_rows:
            sheet.append([row.get(header, "") for header in headers])
    book.save(path)


def test_data_entry_imports_a_workbook_and_an_editor_publishes_it(live_server, browser, tmp_path):
    base = live_server.url
    staff("clerk", "Data entry")
    staff("editor", "Editors")
    wind, farming = vocabulary()

    # Data entry downloads the template from the editions list, fills it in and uploads it.
    clerk = browser.new_context(accept_downloads=True).new_page()
    clerk.set_default_timeout(10_000)
    violations = []
    clerk.on("console", lambda message: violations.append(message.text) if "Content Security" in message.text else None)
    sign_in(clerk, base, "clerk")
    clerk.goto(base + "/admin/editions/edition/")
    navigate(clerk, clerk.get_by_role("link", name="Import an edition workbook"))
    expect(clerk.locator(".breadcrumbs")).to_contain_text("Import an edition workbook")
    with clerk.expect_download() as download:
        clerk.get_by_role("link", name="XLSX workbook").click()
    path = tmp_path / "edition-15.xlsx"
    download.value.save_as(path)
    assert openpyxl.load_workbook(io.BytesIO(path.read_bytes())).sheetnames[0] == "Help"
    fill(path, filled_rows(wind, farming))
    clerk.locator("input[type=file]").set_input_files(str(path))
    navigate(clerk, clerk.get_by_role("button", name="Preview"))

    # The preview: what each sheet adds, the amounts as pages write them, the totals against the figures.
    counts = clerk.locator("#workbook-counts")
    expect(counts.locator("tr", has_text="Projects")).to_contain_text("3")
    expect(counts.locator("tr", has_text="Figures")).to_contain_text("3")
    reconciliation = clerk.locator("#workbook-reconciliation")
    expect(reconciliation.locator("tr", has_text="Total value")).to_contain_text("1.58 billion yuan")
    expect(reconciliation.locator("tr", has_text="Number of projects")).to_contain_text("matches")
    expect(clerk.locator("#sheet-projects + div")).to_contain_text("1.2 billion yuan")

    from editions.models import Edition

    assert not Edition.objects.filter(number=NUMBER).exists()
    navigate(clerk, clerk.get_by_role("button", name="Confirm import"))
    expect(clerk.locator(".messagelist")).to_contain_text("(a draft until an editor publishes it)")
    edition = Edition.objects.get(number=NUMBER)
    assert edition.status == "draft" and edition.projects.count() == 3
    assert violations == [], "the workbook pages break no rule of the site's CSP"

    # The public cannot see it yet.
    visitor = browser.new_context().new_page()
    assert visitor.goto(base + f"/en/editions/{NUMBER}/").status == 404

    # The editor checks the reconciliation and publishes.
    editor = browser.new_context().new_page()
    editor.set_default_timeout(10_000)
    sign_in(editor, base, "editor")
    editor.goto(base + f"/admin/editions/edition/{edition.pk}/publish/")
    expect(editor.locator(".reconciliation tr", has_text="Total value")).to_contain_text("matches")
    navigate(editor, editor.get_by_role("button", name="Yes, publish"))
    expect(editor.locator(".messagelist")).to_contain_text("Published 1 edition")

    # The public finds its figures, bands and projects.
    visitor.goto(base + f"/en/editions/{NUMBER}/")
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("15th edition (2025)")
    expect(visitor.locator("main")).to_contain_text("over 20,000")
    expect(visitor.locator("main")).to_contain_text("1.58 billion yuan")
    expect(visitor.locator("#published-bands tbody tr")).to_have_count(2)
    expect(visitor.locator("#published-bands")).to_contain_text("1 billion")
    expect(visitor.locator("#largest-table")).to_contain_text("Workbook wind farm")
    visitor.goto(base + f"/en/projects/?edition={NUMBER}")
    expect(visitor.locator(".result-count")).to_have_text("3 projects match")
    for project in PROJECTS:
        expect(visitor.locator("tbody")).to_contain_text(project["title"])
