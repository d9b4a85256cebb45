"""The demo as a journalist reads it: like for like across editions, gaps, caveats and sources, every figure
reachable, no researcher's note and no bare source reference on a public page."""

import csv
import io
import json
import re

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import translation

from tests.portal.test_like_for_like import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _demo_loaded_once(django_db_setup, django_db_blocker):
    """The demo loaded once for the module, in a transaction rolled back at the end."""
    with django_db_blocker.unblock():
        module_atomic = transaction.atomic()
        module_atomic.__enter__()
        call_command("load_demo", stdout=io.StringIO())
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        module_atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def demo(_demo_loaded_once, db):
    translation.activate("en")
    yield
    translation.deactivate()


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_12th_to_the_13th_compares_contract_investment_like_for_like(client):
    text = text_of(client.get("/en/compare/12/13/"))
    assert (
        "Contract investment (合同引资额): 12th 55.584 billion yuan[1] → 13th over 117.1 billion yuan[2]: "
        "≈ +61.516 billion yuan (≈ +110.7%) ≈: exactly against over in 2 years "
        "Like for like: the same basis, published as the 12th’s “Total signed value” and the 13th’s “Contract value”."
    ) in text
    chinese = text_of(client.get("/zh-hans/compare/12/13/"))
    assert "合同引资额 ：第十二届 555.84亿元" in chinese or "第十二届 555.84亿元" in chinese
    assert "超过1171亿元" in chinese and "≈ +110.7%" in chinese


def test_the_13th_to_the_14th_gives_no_unmarked_percentage_between_total_investment_and_investment_attracted(client):
    text = text_of(client.get("/en/compare/13/14/"))
    row = text[text.index("Total signed value (yuan)") :].split("Contract value (yuan)")[0]
    assert "over 196.2 billion yuan" in row and "84.475 billion yuan" in row
    assert "not like for like: total investment including agreements, against investment attracted" in row
    assert "%" not in row.replace("110.69%", "")  # the 13th's own growth note is the release's, not a change
    # The illustrative projects add up to those totals: their sums are not compared either.
    recorded = text[text.index("Total value of recorded projects (yuan)") :].split("Average project value")[0]
    assert "196.2 billion yuan 84.475 billion yuan no change shown not like for like: contract project, " in recorded
    assert "%" not in recorded
    rows = json.loads(page(client, "/en/compare/13/14/?_export=json"))
    signed = next(item for item in rows if item["row"] == "signed_value" and item["edition"] == 14)
    assert (signed["comparable"], signed["change_percent"]) == (False, None)
    assert signed["reason"] == "not like for like: total investment including agreements, against investment attracted"
    assert (signed["previous_value"], signed["previous_basis"], signed["basis"]) == (
        196200000000, "total_investment", "investment_attracted",
    )  # fmt: skip


def test_the_13th_and_14th_share_canonical_sectors_with_their_published_names(client):
    text = text_of(client.get("/en/compare/13/14/"))
    sectors = text[text.index("Sector As the 13th published it") : text.index("Value bands")]
    for line in (
        "New energy new and clean energy new energy",
        "Equipment manufacturing equipment manufacturing equipment manufacturing",
        "Healthcare medical and elderly care healthcare",
    ):
        assert line in sectors
        assert (
            sectors.split(line)[1].split(" kept ")[0].count("billion yuan")
            + sectors.split(line)[1].split(" kept ")[0].count("million yuan")
            >= 2
        ), line
    like = text[text.index("Like for like") : text.index("Every other figure is below")]
    assert "Recorded projects of the kinds both editions have (contract project) in the " in like


def test_figures_of_every_stage_can_be_reached_from_their_edition_page(client):
    assert "Also reported: 45 countries and regions before the opening" in text_of(client.get("/en/editions/15/"))
    assert "over 14,000 participants before the opening" in text_of(client.get("/en/editions/15/"))
    assert "Also reported: 126 senior officials before the opening" in text_of(client.get("/en/editions/8/"))
    assert "Also reported: 40,000 visits at the opening or during the expo" in text_of(client.get("/en/editions/2/"))


def test_the_14th_bands_read_as_the_release_worded_them(client):
    text = text_of(client.get("/en/editions/14/"))
    assert "over 100 million yuan 59" in text and "over 5 billion yuan 4" in text
    assert "to under" not in text
    pair = text_of(client.get("/en/compare/13/14/"))
    assert "59 over 100 million yuan" in pair and "The release published no value bands." in pair


PUBLIC_PAGES = [
    "/en/", "/zh-hans/", "/en/editions/", "/en/compare/", "/zh-hans/compare/",
    *[f"/en/editions/{number}/" for number in (1, 2, 3, 4, 5, 6, 7, 8, 12, 13, 14, 15)],
    *[f"/zh-hans/editions/{number}/" for number in (12, 13, 14, 15)],
    *[f"/en/compare/{a}/{b}/" for a, b in ((8, 12), (12, 13), (13, 14), (14, 15))],
    "/zh-hans/compare/13/14/",
]  # fmt: skip


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_no_public_page_shows_research_notes_or_a_bare_source_reference(client, url):
    html = page(client, url)
    text = text_of(client.get(url))
    for phrase in ("S78 says", "a conflict", "consistent.", "tenfold"):
        assert phrase not in text, (url, phrase)
    assert not re.search(r"\bS\d{1,3}\b", text), (url, re.search(r".{40}\bS\d{1,3}\b.{40}", text))
    # Every numbered citation points at a source listed on the same page.
    for number in set(re.findall(r'class="citation" href="#source-(\d+)"', html)):
        assert f'<li id="source-{number}" value="{number}">' in html, (url, number)


@pytest.mark.parametrize("file_format", ["csv", "json", "xlsx"])
def test_no_illustrative_row_of_a_download_has_a_web_address_as_its_source(client, file_format):
    response = client.get("/en/projects/", {"_export": file_format, "per_page": "100"})
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if file_format == "json":
        rows = json.loads(content)
    elif file_format == "csv":
        rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    else:
        import openpyxl

        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        values = list(sheet.iter_rows(values_only=True))
        rows = [dict(zip(values[0], row, strict=True)) for row in values[1:]]
    illustrative = [row for row in rows if row["Illustrative"] == "yes"]
    assert len(illustrative) > 500
    assert not [row for row in illustrative if "http" in " ".join(str(value) for value in row.values())]
    assert illustrative[0]["Source"].startswith("generated to match the totals published in ")
    assert illustrative[0]["Status"].endswith("(illustrative)") and illustrative[0]["Kind"].endswith("(illustrative)")
