"""/en/compare/ answers first: on a laptop (1280×800) the page is at most three screens tall by default, and the
chart of the chosen metric starts in the first screen."""

import pytest

from tests.e2e.conftest import DESKTOP

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SCREEN = DESKTOP["height"]


def test_compare_page_is_three_screens_at_most_with_its_chart_in_the_first(live_server, page, demo):
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + "/en/compare/")
    height = page.evaluate("() => document.documentElement.scrollHeight")
    chart = page.locator("svg#chart-metric").bounding_box()
    assert height <= 3 * SCREEN, height
    assert chart is not None and chart["y"] < SCREEN, chart
    # The chart labels its bars and names the latest editions with results, not one still to come.
    assert page.locator("svg#chart-metric text").filter(has_text="123").count() >= 1
    assert page.locator("#id_b option[selected]").inner_text() == "14th (2023)"
    # The full table is a view of its own, inside a labelled region that scrolls sideways.
    page.get_by_role("link", name="Every figure, edition by edition").first.click()
    region = page.locator(".comparison-table[role=region][tabindex='0']")
    assert region.get_attribute("aria-labelledby") == "comparison-caption"
