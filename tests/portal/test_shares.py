"""A share that is not zero never reads "0.0%", and one short of all never reads "100.0%"."""

import re
from decimal import Decimal

import pytest
from pytest_django.asserts import assertContains

from core.formatting import format_share
from portal.summary import edition_summary
from projects.models import Scope
from tests.factories import EditionFactory, ProjectFactory, SectorFactory

pytestmark = pytest.mark.django_db

MILLION = Decimal(10) ** 6


@pytest.mark.parametrize(
    ("share", "english", "chinese"),
    [
        (None, "—", "—"),
        (Decimal(0), "0.0%", "0.0%"),
        (Decimal("0.0001"), "<0.1%", "<0.1%"),
        (Decimal("0.049"), "<0.1%", "<0.1%"),
        (Decimal("0.05"), "0.1%", "0.1%"),
        (Decimal("38.46"), "38.5%", "38.5%"),
        (Decimal(50), "50.0%", "50.0%"),
        (Decimal("99.96"), ">99.9%", ">99.9%"),
        (Decimal(100), "100.0%", "100.0%"),
        (Decimal("123.44"), "123.4%", "123.4%"),
    ],
)
def test_shares_are_written_so_that_a_small_one_is_not_zero(share, english, chinese):
    assert format_share(share, "en") == english
    assert format_share(share, "zh-hans") == chinese


@pytest.fixture
def edition_with_a_tiny_partner():
    """Malaysia's one small project beside one very large project: about 0.03% of the value."""
    edition = EditionFactory(number=6, year=2010)
    sector = SectorFactory(slug="trade", name_en="Trade")
    ProjectFactory(edition=edition, sector=sector, value=3 * MILLION, scope=Scope.INTERNATIONAL, partner="MY")
    ProjectFactory(edition=edition, sector=sector, value=9997 * MILLION, scope=Scope.INTERNATIONAL, partner="RU")
    return edition


def test_a_tiny_share_of_value_reads_less_than_a_tenth_of_a_percent(client, edition_with_a_tiny_partner):
    summary = edition_summary(edition=edition_with_a_tiny_partner)
    malaysia = next(row for row in summary.by_partner if row.label == "Malaysia")
    assert 0 < malaysia.share_value < Decimal("0.05")

    response = client.get(edition_with_a_tiny_partner.get_absolute_url())
    assertContains(response, "&lt;0.1%")
    assertContains(response, "&gt;99.9%")
    page = response.content.decode()
    partners = page[page.index('id="partner-table"') :]
    partners = partners[: partners.index("</table>")]
    rows = {
        name: re.findall(r'<td class="number">([^<]*%)</td>', row)
        for name, row in re.findall(r">(Malaysia|Russia)</a></th>(.*?)</tr>", partners, re.S)
    }
    # Shares of the projects, then of the value.
    assert rows == {"Malaysia": ["50.0%", "&lt;0.1%"], "Russia": ["50.0%", "&gt;99.9%"]}
