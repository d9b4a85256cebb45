"""On a laptop screen (1280×800) the inlines of the edition form fit its width: every figure's, band's and
sector name's sources, notes and delete box can be reached without scrolling sideways."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "correct horse battery staple"


def test_the_figures_inline_fits_the_edition_form(live_server, page):
    from tests.factories import (
        EditionFactory,
        MetricFactory,
        ReportedBandFactory,
        ReportedFigureFactory,
        ReportedSectorFactory,
        SectorFactory,
        SourceFactory,
        SuperuserFactory,
    )

    SuperuserFactory(username="admin")
    edition = EditionFactory(number=14, draft=True)
    sources = [SourceFactory(key=f"S{n}", title=f"A long press release title from the organisers {n}") for n in (1, 2)]
    for code in ("browser_participants", "browser_booths"):
        ReportedFigureFactory(
            edition=edition,
            metric=MetricFactory(code=code, name_en=f"Metric with a long name {code}"),
            primary_source=sources[0],
            sources=sources,
            public_note_en="Reported at the opening ceremony [S1].",
            research_note="The second release gives a lower figure.",
        )

    ReportedBandFactory(edition=edition, sources=sources, public_note_en="Nested in the band above.")
    sector = SectorFactory(name_en="Equipment manufacturing and new materials")
    ReportedSectorFactory(
        edition=edition,
        sector=sector,
        published_name_en="equipment manufacturing and new materials",
        published_name_zh="装备制造和新材料",
    ).sources.set(sources)

    page.goto(live_server.url + "/admin/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Log in").click()
    page.goto(live_server.url + f"/admin/editions/edition/{edition.pk}/change/")
    group = page.locator("#figures-group")
    expect(group.get_by_text("Reported at the opening ceremony [S1].")).to_have_count(2)

    widths = group.evaluate("g => ({group: g.scrollWidth, box: g.parentElement.clientWidth})")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    group.screenshot(path=SCREENSHOTS / "edition-figures-inline-desktop.png")
    assert widths["group"] <= widths["box"], widths
    # What was out of sight before: the last columns of a figure, inside the window.
    for target in (
        group.locator(".field-sources").first,
        group.locator(".field-research_note textarea").first,
        group.locator("input[name='figures-0-DELETE']"),
    ):
        expect(target).to_be_visible()
        box = target.bounding_box()
        assert box["x"] + box["width"] <= 1280, box
    for name in ("reported_bands", "reported_sectors"):
        other = page.locator(f"#{name}-group")
        other.screenshot(path=SCREENSHOTS / f"edition-{name}-inline-desktop.png")
        # A table row scrolls inside its own box, so the widest element inside the group is what must fit.
        sizes = other.evaluate(
            "g => ({group: Math.max(g.scrollWidth, ...[...g.querySelectorAll('*')].map(e => e.scrollWidth)),"
            " box: g.parentElement.clientWidth})"
        )
        assert sizes["group"] <= sizes["box"], (name, sizes)
        delete = other.locator(f"input[name='{name}-0-DELETE']")
        expect(delete).to_be_visible()
        box = delete.bounding_box()
        assert box["x"] + box["width"] <= 1280, (name, box)
