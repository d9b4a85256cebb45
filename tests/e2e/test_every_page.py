"""Every public page, in both languages, on a laptop (1280×800) and a phone (390×844): it never scrolls sideways,
every table header is on screen or inside a labelled region that scrolls, no box with its own vertical scroll bar
holds a table, and axe-core finds no serious or critical violation. Screenshots of each page at both sizes go to
artifacts/screenshots/, axe's findings to artifacts/axe/."""

import json

import pytest

from tests.e2e.conftest import DESKTOP, PHONE, SCREENSHOTS, run_axe
from tests.e2e.pages import LANGUAGES, NOT_FOUND, file_name, page_names, page_path

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SIZES = {"desktop": DESKTOP, "phone": PHONE}
BLOCKING = {"serious", "critical"}

# What the page looks like to the checks: its width, and the tables' headers and boxes that break the rules.
LAYOUT = """() => {
    const region = (element) => {
        const box = element.closest('[role="region"]');
        if (!box) return null;
        const style = getComputedStyle(box);
        const labelled = box.hasAttribute("aria-label") || box.hasAttribute("aria-labelledby");
        const scrolls = ["auto", "scroll"].includes(style.overflowX);
        return labelled && box.getAttribute("tabindex") === "0" && scrolls ? box : null;
    };
    // A header inside a 1px box that clips it (the visually hidden header row of a table shown as cards).
    const hidden = (element) => {
        for (let node = element; node && node !== document.body; node = node.parentElement) {
            const rect = node.getBoundingClientRect(), style = getComputedStyle(node);
            if (rect.width <= 1 && (style.overflow !== "visible" || style.clipPath !== "none")) return true;
            if (style.display === "none" || style.visibility === "hidden") return true;
        }
        return false;
    };
    const describe = (element) => (element.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 60);
    const offScreen = [];
    for (const th of document.querySelectorAll("table th")) {
        if (hidden(th) || region(th)) continue;
        const rect = th.getBoundingClientRect();
        if (rect.left < -1 || rect.right > innerWidth + 1) {
            offScreen.push(`${describe(th)} (${Math.round(rect.left)}–${Math.round(rect.right)} px)`);
        }
    }
    const scrollingBoxes = [];
    for (const table of document.querySelectorAll("table")) {
        for (let box = table.parentElement; box && box !== document.body; box = box.parentElement) {
            const overflow = getComputedStyle(box).overflowY;
            if (["auto", "scroll"].includes(overflow) && box.scrollHeight > box.clientHeight + 1) {
                const what = `${box.tagName.toLowerCase()}.${box.className}`;
                scrollingBoxes.push(`${what} holds ${describe(table.caption || table)}`);
            }
        }
    }
    return {
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth,
        offScreenHeaders: offScreen,
        scrollingBoxesWithTables: scrollingBoxes,
    };
}"""


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", page_names())
def test_every_public_page_reads_on_a_laptop_and_a_phone(live_server, axe_page, demo, name, language):
    path = page_path(name, language)
    saved = file_name(name, language)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS.parent / "axe").mkdir(exist_ok=True)
    problems = {}
    findings = {"path": path}
    for size_name, size in SIZES.items():
        axe_page.set_viewport_size(size)
        response = axe_page.goto(live_server.url + path)
        assert response.status == (404 if name in NOT_FOUND else 200), path
        layout = axe_page.evaluate(LAYOUT)
        axe_page.screenshot(path=SCREENSHOTS / f"{saved}-{size_name}.png", full_page=True)
        violations = run_axe(axe_page)
        findings[size_name] = {"layout": layout, "violations": violations}
        found = {
            "scrolls sideways": layout["scrollWidth"] > layout["innerWidth"],
            "headers off screen": layout["offScreenHeaders"],
            "tables in a box that scrolls": layout["scrollingBoxesWithTables"],
            "axe": [violation for violation in violations if violation["impact"] in BLOCKING],
        }
        if any(found.values()):
            problems[size_name] = {key: value for key, value in found.items() if value}
    (SCREENSHOTS.parent / "axe" / f"{saved}.json").write_text(json.dumps(findings, indent=2, ensure_ascii=False))
    assert problems == {}, f"{path}: {json.dumps(problems, indent=2, ensure_ascii=False)}"


@pytest.mark.parametrize("path", ["/en/projects/", "/en/editions/", "/zh-hans/projects/?sort=title"])
def test_the_table_header_row_stays_in_view_as_the_page_scrolls(live_server, page, demo, path):
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + path)
    header = page.locator("table.stack-table thead th").first
    start = header.bounding_box()["y"]
    assert start > 100  # below the page's heading and the toolbar
    page.mouse.wheel(0, 600)
    page.wait_for_function("() => window.scrollY >= 300")
    assert abs(header.bounding_box()["y"]) <= 1
    # Rows went by underneath, and every column is still on screen.
    assert page.evaluate("() => document.querySelector('table.stack-table').getBoundingClientRect().top") < 0
    last = page.locator("table.stack-table thead th").last.bounding_box()
    assert last["x"] + last["width"] <= DESKTOP["width"]


def test_on_a_phone_a_project_is_a_card_with_each_value_under_its_name(live_server, page, demo):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/en/projects/?edition=14&sort=-value")
    card = page.locator("table.stack-table tbody tr").first
    cells = card.locator("td")
    assert cells.count() == 8
    width = card.bounding_box()["width"]
    assert width <= PHONE["width"] - 20
    # Each value sits under its column's name, two to a line under the title.
    label = page.evaluate(
        "() => getComputedStyle(document.querySelector('table.stack-table tbody td[data-label=\"Sector\"]'), "
        "'::before').content"
    )
    assert label == '"Sector"'
    title, value, band = (cells.nth(index).bounding_box() for index in range(3))
    assert title["width"] > width * 0.8
    assert value["y"] == band["y"] and value["x"] < band["x"]
    # The order, which the hidden headers would have set, is a list.
    page.get_by_label("Order").select_option(value="-signed_on")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**sort=-signed_on**")
    assert "edition=14" in page.url
    assert page.get_by_role("heading", level=1).inner_text() == "Projects of the 14th edition, latest signed first"


def test_a_table_wider_than_a_phone_shows_a_shadow_on_the_edge_that_continues(live_server, page, demo):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/en/editions/14/")
    region = page.locator("#partner-table").locator("xpath=..")
    assert region.get_attribute("role") == "region" and region.get_attribute("tabindex") == "0"
    assert page.evaluate("(el) => el.scrollWidth > el.clientWidth", region.element_handle())

    def shadows():
        opacities = page.evaluate(
            "(el) => [getComputedStyle(el, '::before').opacity, getComputedStyle(el, '::after').opacity]",
            region.element_handle(),
        )
        return [
            "shown" if float(opacity) > 0.9 else "none" if float(opacity) < 0.1 else opacity for opacity in opacities
        ]

    assert shadows() == ["none", "shown"]  # at the start: more to the right
    # The region scrolls from the keyboard.
    region.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("(el) => el.scrollLeft > 0", arg=region.element_handle())
    page.evaluate("(el) => { el.scrollLeft = el.scrollWidth; }", region.element_handle())
    page.wait_for_function("(el) => el.scrollLeft + el.clientWidth >= el.scrollWidth - 1", arg=region.element_handle())
    assert shadows() == ["shown", "none"]  # at the end: more to the left
