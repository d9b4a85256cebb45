"""Fixtures for the browser tests: Chromium from the system, the live server with the demo, axe-core, screenshots."""

import importlib.util
import io
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

# Without the browser tools (a plain `make test` install) these modules are not even collected.
if importlib.util.find_spec("playwright") is None or importlib.util.find_spec("pytest_playwright") is None:
    collect_ignore_glob = ["test_*.py"]


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session", autouse=True)
def _allow_orm_beside_the_browser():
    """Playwright's sync API keeps an event loop in the test thread; the ORM calls made by the tests
    and the database fixtures are still synchronous, so Django's async-safety check must stand aside."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def chinese_fonts() -> list[str]:
    """The font families fontconfig (which Chromium asks) has for Chinese text."""
    try:
        listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False)
    except FileNotFoundError:
        return []
    return [line for line in listed.stdout.splitlines() if line.strip()]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.exit(f"{CHROMIUM} is missing: install it with `apt-get install -y chromium` (or run `make e2e`).")
    if not chinese_fonts():
        pytest.exit("No Chinese font: Chromium would draw Chinese as boxes. `apt-get install -y fonts-noto-cjk`.")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": DESKTOP, "locale": "en-GB", "accept_downloads": True}


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings, tmp_path_factory):
    """On SQLite, a test database in a file rather than in memory.

    An in-memory database is one connection, which the live server then shares between the threads
    that answer the browser's concurrent requests; now and then one of them found it busy and the page
    answered 503. With a file, every thread has its own connection, as in production.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("e2e-db") / "test.sqlite3")


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """The live server, started once the test database exists."""
    return live_server


@pytest.fixture
def page(page):
    page.set_default_timeout(10_000)  # a page of this site answers in well under a second
    return page


@pytest.fixture
def demo(live_server):
    """The demo data (published facts and illustrative projects), visible to the live server."""
    from django.core.management import call_command

    call_command("load_demo", stdout=io.StringIO())


@pytest.fixture
def axe_page(live_server, new_context):
    """A page whose context bypasses the site's Content Security Policy, so axe-core can be injected."""
    if not AXE_SCRIPT.exists():
        pytest.exit(f"{AXE_SCRIPT} is missing: run `npm ci` (or `make e2e`).")
    page = new_context(bypass_csp=True).new_page()
    page.set_default_timeout(10_000)
    return page


def run_axe(page) -> list[dict]:
    """axe-core's violations on the page as it is now (WCAG 2.x A and AA rules and best practices)."""
    page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(" ") + " :: " + n.failureSummary).slice(0, 5),
            }));
        }"""
    )
    return result
