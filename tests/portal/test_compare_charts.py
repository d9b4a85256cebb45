"""The charts are valid SVG, carry their data labels and an accessible title, and escape names."""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.urls import reverse

from core.vocabulary import Qualifier
from portal.comparison import charts
from tests.factories import EditionFactory, ProjectFactory, ReportedFigureFactory, SectorFactory, standard_metric

pytestmark = [
    pytest.mark.django_db,
]
SVG = "{http://www.w3.org/2000/svg}"


def svgs_in(html: str) -> dict[str, ET.Element]:
    """Every inline <svg> of a page, parsed on its own, by id."""
    found = {}
    for chunk in html.split("<svg")[1:]:
        element = ET.fromstring("<svg" + chunk.split("</svg>")[0] + "</svg>")
        found[element.get("id")] = element
    return found


def texts(svg: ET.Element) -> list[str]:
    return [element.text or "" for element in svg.iter() if element.tag in (f"{SVG}text", f"{SVG}tspan", f"{SVG}title")]


def test_bar_chart_is_valid_svg_with_labels_and_missing_bars():
    markup = charts.bar_chart(
        chart_id="c",
        title="Total signed value",
        desc="Bars by edition",
        x_label="Edition (year)",
        unit_label="yuan",
        bars=[
            charts.Bar("12th (2019)", Decimal("55584000000"), "55.584 billion yuan"),
            charts.Bar("13th (2021)", None, "—"),
            charts.Bar("14th (2023)", Decimal("84475000000"), "about 84.475 billion yuan", approximate=True),
        ],
        scalable=True,
    )
    svg = ET.fromstring(markup)
    assert svg.tag == f"{SVG}svg"
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "c-title c-desc"
    assert svg.find(f"{SVG}title").text == "Total signed value"
    labels = texts(svg)
    assert "55.584 billion yuan" in labels and "about 84.475 billion yuan" in labels
    assert "not reported" in labels
    assert "billion yuan" in labels  # the y axis says its unit
    assert "Edition (year)" in labels
    assert len(svg.findall(f".//{SVG}g/{SVG}rect")) == 2  # no bar for the missing figure
    assert "approximate figure (over, about, nearly…)" in labels  # the lighter bar is explained
    assert "<script" not in markup and "<style" not in markup and "style=" not in markup


def test_stacked_chart_escapes_names_and_adds_up():
    markup = charts.stacked_share_chart(
        chart_id="s",
        title="Sector mix",
        desc="Shares",
        x_label="Edition",
        columns=["12th", "14th"],
        series=[
            charts.Series('A & B <script>alert("x")</script>', [Decimal(40), None]),
            charts.Series("Farming", [Decimal(60), None]),
        ],
    )
    assert "<script>" not in markup
    svg = ET.fromstring(markup)
    assert 'A & B <script>alert("x")</script>' in texts(svg)  # shown as text, not markup
    assert "no projects" in texts(svg)
    heights = [float(rect.get("height")) for rect in svg.iter(f"{SVG}rect") if rect.get("stroke")]
    assert sum(heights) == pytest.approx(380 - 48 - 70)  # 100 % of the plot height


def test_compare_page_charts_parse_and_match_the_table(client):
    signed = standard_metric("signed_value")
    first = EditionFactory(number=12, year=2019)
    second = EditionFactory(number=14, year=2023)
    ReportedFigureFactory(edition=first, metric=signed, value=Decimal("55584000000"))
    ReportedFigureFactory(edition=second, metric=signed, value=Decimal("84475000000"), qualifier=Qualifier.MORE_THAN)
    sector = SectorFactory(name_en="Wind <power>")
    ProjectFactory(edition=first, sector=sector, value=Decimal("150000000"))
    ProjectFactory(edition=second, sector=sector, value=Decimal("6000000000"))

    html = client.get(reverse("comparisons:index") + "?metric=signed_value&view=matrix").content.decode()
    found = svgs_in(html)
    assert set(found) == {"chart-metric", "chart-sectors", "chart-bands"}
    metric = texts(found["chart-metric"])
    assert "55.584 billion yuan" in metric and "over 84.475 billion yuan" in metric
    assert {"12th", "14th", "2019", "2023"} <= set(metric)
    assert "Wind <power>" in texts(found["chart-sectors"])
    bands = texts(found["chart-bands"])
    assert "12th (2019): 100–500 million yuan 100%" in bands
    assert "14th (2023): 5 billion yuan and over 100%" in bands
    # The table beside each chart gives the same data, and says what its rows are.
    assert html.count("over 84.475 billion yuan") >= 2
    assert "Wind &lt;power&gt;" in html
    assert '<thead><tr><th scope="col">Sector</th><th scope="col" class="number">12th (2019)</th>' in html
    assert '<thead><tr><th scope="col">Value band</th><th scope="col" class="number">12th (2019)</th>' in html


def test_sector_chart_groups_sectors_beyond_the_palette(client):
    edition = EditionFactory(number=12, year=2019)
    for index in range(15):
        ProjectFactory(edition=edition, sector=SectorFactory(name_en=f"Sector {index:02}"), value=(index + 1) * 10**7)
    html = client.get(reverse("comparisons:index") + "?view=matrix").content.decode()
    sectors = texts(svgs_in(html)["chart-sectors"])
    assert "4 others (see the table)" in sectors
    assert "Sector 14" in sectors and "Sector 00" not in sectors  # the smallest are grouped
    assert "12th (2019): 4 others (see the table) 8.3%" in sectors  # (1 + 2 + 3 + 4) / 120
    assert "Sector 00" in html  # the table keeps every sector
