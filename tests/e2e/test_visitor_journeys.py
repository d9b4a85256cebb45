"""A visitor uses the public portal in a real browser: sorts, filters, searches, downloads, follows links."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def open_filters(page):
    """The filter panel is folded until its summary is clicked."""
    panel = page.locator("details.filters-panel")
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()


def result_count(page) -> int:
    return int(re.match(r"[\d,]+", page.locator(".result-count").inner_text()).group().replace(",", ""))


def column_texts(page, header: str) -> list[str]:
    """The cells of the projects table's column under this header, top to bottom."""
    headers = [text.strip() for text in page.locator("table.data-table thead th").all_inner_texts()]
    index = next(i for i, text in enumerate(headers) if text.startswith(header))
    return page.locator(f"table.data-table tbody tr td:nth-child({index + 1})").all_inner_texts()


def yuan(text: str) -> Decimal:
    """'25.328 billion yuan' -> 25328000000."""
    number, scale = re.match(r"([\d,.]+)\s*(billion|million)?", text).groups()
    factor = {"billion": 10**9, "million": 10**6, None: 1}[scale]
    return Decimal(number.replace(",", "")) * factor


def test_visitor_sorts_by_value_by_clicking_the_header(live_server, page, demo):
    page.goto(live_server.url + "/en/projects/?sort=title")
    header = page.locator("thead th", has_text="Value (yuan)")
    expect(header).not_to_have_attribute("aria-sort", re.compile("."))

    header.get_by_role("link").click()
    expect(header).to_have_attribute("aria-sort", re.compile("ascending|descending"))
    if header.get_attribute("aria-sort") == "ascending":
        header.get_by_role("link").click()  # the second click turns the order around
    expect(header).to_have_attribute("aria-sort", "descending")

    from projects.models import Project

    largest = Project.objects.public().order_by("-value", "id").first()
    values = [yuan(text) for text in column_texts(page, "Value (yuan)")]
    assert values == sorted(values, reverse=True)
    assert page.locator("tbody tr").first.locator("td.title a").inner_text() == largest.title
    assert "sort=-value" in page.url


def test_visitor_filters_by_sector_and_edition_and_sees_the_count_change(live_server, page, demo):
    page.goto(live_server.url + "/en/projects/")
    everything = result_count(page)
    assert everything == 741

    open_filters(page)
    page.get_by_label("Sector", exact=True).select_option(value="new-energy")
    page.get_by_role("button", name="Apply filters").click()
    in_sector = result_count(page)
    assert 0 < in_sector < everything
    assert "sector=new-energy" in page.url
    assert set(column_texts(page, "Sector")) == {"New energy"}

    expect(page.locator(".filters-panel summary")).to_contain_text("(1 active)")
    open_filters(page)
    page.get_by_label("Edition", exact=True).select_option(value="14")
    page.get_by_role("button", name="Apply filters").click()
    both = result_count(page)
    assert 0 < both < in_sector
    assert set(column_texts(page, "Edition")) == {"14th"}
    assert set(column_texts(page, "Sector")) == {"New energy"}
    # The facets count what the other filters leave: the selected option says how many match.
    open_filters(page)
    assert page.get_by_label("Edition", exact=True).locator("option:checked").inner_text().endswith(f"({both})")

    page.get_by_role("link", name="Clear all").click()
    assert result_count(page) == everything


def test_visitor_searches_the_projects(live_server, page, demo):
    from projects.models import Project

    wanted = Project.objects.public().order_by("-value", "id").first()
    page.goto(live_server.url + "/en/projects/")
    open_filters(page)
    page.get_by_label("Search", exact=True).fill(wanted.title)
    page.get_by_label("Search", exact=True).press("Enter")

    assert "q=" in page.url
    assert 1 <= result_count(page) < 741
    assert wanted.title in page.locator("tbody td.title a").all_inner_texts()
    open_filters(page)
    expect(page.get_by_label("Search", exact=True)).to_have_value(wanted.title)

    page.get_by_label("Search", exact=True).fill("no such project anywhere")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator(".result-count")).to_have_text("0 projects match")
    expect(page.locator("tbody")).to_contain_text("No project matches these filters.")


def test_visitor_downloads_the_csv_with_the_rows_on_screen(live_server, page, demo):
    page.goto(live_server.url + "/en/projects/?edition=14&sector=new-energy&sort=-value")
    on_screen = page.locator("tbody td.title a").all_inner_texts()
    assert len(on_screen) == result_count(page) > 1

    with page.expect_download() as download_info:
        page.locator(".exports").get_by_role("link", name="CSV").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(download.path().read_text(encoding="utf-8-sig"))))

    assert [row["Title"] for row in rows] == on_screen
    assert {row["Edition"] for row in rows} == {"14"}
    assert all(row["Illustrative"] in ("True", "true", "yes", "1") for row in rows)


def test_visitor_follows_a_band_link_from_the_edition_summary(live_server, page, demo):
    page.goto(live_server.url + "/en/editions/")
    page.get_by_role("link", name="14th", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("14th edition (2023)")

    band_row = page.locator("#band-table tbody tr", has_text="100–500 million yuan")
    shown = int(band_row.locator("td").first.inner_text().replace(",", ""))
    band_row.get_by_role("link").click()

    assert "edition=14" in page.url and "band=100m-500m" in page.url
    assert result_count(page) == shown
    values = [yuan(text) for text in column_texts(page, "Value (yuan)")]
    assert all(100 * 10**6 <= value < 500 * 10**6 for value in values)


def test_visitor_compares_two_editions(live_server, page, demo):
    try:
        index = reverse("comparisons:index")
    except NoReverseMatch:
        pytest.skip("/en/compare/ is not in this code yet")
    page.goto(live_server.url + index)
    page.get_by_label("Two editions side by side").select_option(label="13th (2021)")
    page.get_by_label("and", exact=True).select_option(label="14th (2023)")
    page.get_by_role("button", name="Compare side by side").click()

    assert page.url.endswith(reverse("comparisons:pair", kwargs={"a": 13, "b": 14}))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "13th edition (2021) and 14th edition (2023) side by side"
    )
    table = page.locator("table.pair-table")
    expect(table.locator("thead")).to_contain_text("13th (2021)")
    expect(table.locator("thead")).to_contain_text("14th (2023)")
    expect(table.locator("tr", has_text="Projects signed").first).to_contain_text("99")


def switch_language(page, code: str):
    """Through the switcher in the header, whether it offers links or a menu and a button."""
    switcher = page.locator(".language-switcher")
    link = switcher.locator(f'a[lang="{code}"]')
    if link.count():
        link.click()
    else:
        switcher.get_by_label("Language").select_option(value=code)
        switcher.get_by_role("button").click()


def test_visitor_switches_to_chinese_and_back_on_the_same_page(live_server, page, demo):
    page.goto(live_server.url + "/en/projects/?sector=new-energy")
    count = result_count(page)

    switch_language(page, "zh-hans")
    assert page.url == live_server.url + "/zh-hans/projects/?sector=new-energy"
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator(".result-count")).to_contain_text(str(count))

    switch_language(page, "en")
    assert page.url == live_server.url + "/en/projects/?sector=new-energy"
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert result_count(page) == count


def test_the_chinese_pages_are_in_chinese(live_server, page, demo):
    from django.conf import settings

    compiled = [
        path / "zh_Hans" / "LC_MESSAGES" / "django.mo"
        for path in map(__import__("pathlib").Path, settings.LOCALE_PATHS)
    ]
    if not any(path.exists() for path in compiled):
        pytest.skip("no compiled Chinese translations (locale/zh_Hans/LC_MESSAGES/django.mo) in this code yet")
    page.goto(live_server.url + "/zh-hans/projects/")
    expect(page.get_by_role("heading", level=1)).to_have_text("全部项目，按金额从大到小")
    open_filters(page)
    expect(page.get_by_role("button", name="应用筛选")).to_be_visible()
    expect(page.get_by_role("button", name="Apply filters")).to_have_count(0)
