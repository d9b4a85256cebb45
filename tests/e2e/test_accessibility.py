"""axe-core on every public page (no serious or critical violation), screenshots at two widths, and the
projects table used with the keyboard alone."""

import json

import pytest

from tests.e2e.conftest import DESKTOP, PHONE, SCREENSHOTS, run_axe
from tests.e2e.pages import PUBLIC_PAGES, page_path

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BLOCKING = {"serious", "critical"}


@pytest.mark.parametrize("name", list(PUBLIC_PAGES))
def test_public_page_has_no_serious_accessibility_violation(live_server, axe_page, demo, name):
    path = page_path(name)
    if path is None:
        pytest.skip(f"the {name} page is not in this code yet")
    response = axe_page.goto(live_server.url + path)
    assert response.status == (404 if name == "not-found" else 200)

    violations = run_axe(axe_page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS.parent / "axe").mkdir(exist_ok=True)
    (SCREENSHOTS.parent / "axe" / f"{name}.json").write_text(
        json.dumps({"path": path, "violations": violations}, indent=2, ensure_ascii=False)
    )
    axe_page.screenshot(path=SCREENSHOTS / f"{name}-desktop.png", full_page=True)
    axe_page.set_viewport_size(PHONE)
    axe_page.screenshot(path=SCREENSHOTS / f"{name}-phone.png", full_page=True)
    axe_page.set_viewport_size(DESKTOP)

    blocking = [violation for violation in violations if violation["impact"] in BLOCKING]
    assert blocking == [], json.dumps(blocking, indent=2, ensure_ascii=False)


def focused(page) -> dict:
    return page.evaluate(
        """() => {
            const el = document.activeElement, style = getComputedStyle(el);
            return {tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute("name"),
                    text: el.textContent.trim().slice(0, 40),
                    header: el.closest("th") ? el.closest("th").textContent.trim() : null,
                    indicator: style.outlineStyle !== "none" || style.boxShadow !== "none"};
        }"""
    )


def tab_until(page, wanted, limit: int = 60) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if wanted(element):
            return element
    raise AssertionError(f"Tab never reached the element; the last one was {element}")


def test_projects_table_and_filters_work_with_the_keyboard_alone(live_server, page, demo):
    page.goto(live_server.url + "/en/projects/?sort=title")

    page.keyboard.press("Tab")
    first = focused(page)
    assert first["text"] == "Skip to content" and first["indicator"]

    # The filters are folded behind their summary: Enter opens them.
    summary = tab_until(page, lambda element: element["tag"] == "summary")
    assert summary["text"].startswith("Filters") and summary["indicator"]
    page.keyboard.press("Enter")
    search = tab_until(page, lambda element: element["id"] == "id_q")
    assert search["indicator"]
    page.keyboard.type("Yanji")
    page.keyboard.press("Enter")
    page.wait_for_url("**/projects/?*q=Yanji*")
    filtered = page.locator(".result-count").inner_text()
    assert filtered != "741 projects match" and filtered.endswith("match")

    header = tab_until(page, lambda element: (element["header"] or "").startswith("Value (yuan)"))
    assert header["tag"] == "a" and header["indicator"]
    page.keyboard.press("Enter")
    page.wait_for_url("**sort=*value*")
    assert "q=Yanji" in page.url
    assert page.locator("thead th", has_text="Value (yuan)").get_attribute("aria-sort") in ("ascending", "descending")
    assert page.locator(".result-count").inner_text() == filtered
