"""The projects table and its filters used with the keyboard alone. (axe-core on every public page, in both
languages and at both sizes, is in test_every_page.py.)"""

import pytest

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


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
