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
