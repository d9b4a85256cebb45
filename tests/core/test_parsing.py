import datetime
from decimal import Decimal

import pytest

from core.parsing import CellError, country_matcher, parse_amount, parse_bool, parse_date
from editions.import_widgets import sector_matcher
from editions.models import Sector


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1,234,567", Decimal("1234567")),
        ("1.5亿", Decimal("150000000")),
        ("3000万", Decimal("30000000")),
        ("12.5 亿元", Decimal("1250000000")),
        ("12.5亿元人民币", Decimal("1250000000")),
        ("250000000", Decimal("250000000")),
        ("250000000.50", Decimal("250000000.50")),
        ("１２３４", Decimal("1234")),
        (" 1,234.5 ", Decimal("1234.5")),
        ("12 million", Decimal("12000000")),
        ("¥ 3,000", Decimal("3000")),
        (1500000, Decimal("1500000")),
        (1500000.25, Decimal("1500000.25")),
        ("", None),
        (None, None),
    ],
)
def test_amounts_people_write_are_read(cell, expected):
    assert parse_amount(cell) == expected


@pytest.mark.parametrize("cell", ["abc", "1,2,3", "12..5", "亿", "1.5亿万", "--5", True])
def test_what_is_not_an_amount_says_so_with_the_unit(cell):
    with pytest.raises(CellError, match=r"^value must be a number in yuan \(got '.*'\)$"):
        parse_amount(cell, "value", unit_words="yuan")


def test_a_formula_is_refused_with_a_clear_message():
    with pytest.raises(CellError) as caught:
        parse_amount("=SUM(B2:B9)", "value")
    assert str(caught.value) == "value holds a formula (=SUM(B2:B9)); paste the value instead"


@pytest.mark.parametrize(
    "cell",
    [
        "2023-08-23",
        "2023/8/23",
        "23.08.2023",
        "23/08/2023",
        "2023年8月23日",
        "2023-08-23 00:00:00",
        "20230823",
        45161,
        "45161",
        datetime.datetime(2023, 8, 23, 0, 0),
        datetime.date(2023, 8, 23),
    ],
)
def test_dates_in_several_formats(cell):
    assert parse_date(cell) == datetime.date(2023, 8, 23)


@pytest.mark.parametrize("cell", ["2023-02-30", "next week", "12", "=TODAY()"])
def test_what_is_not_a_date_says_so(cell):
    with pytest.raises(CellError, match="signed_on"):
        parse_date(cell)


def test_yes_and_no():
    assert parse_bool("yes", "is_illustrative") is True
    assert parse_bool("是", "is_illustrative") is True
    assert parse_bool("", "is_illustrative") is False
    with pytest.raises(CellError, match="must be yes or no"):
        parse_bool("maybe", "is_illustrative")


@pytest.mark.django_db
def test_sectors_match_by_english_chinese_or_slug():
    matcher = sector_matcher(Sector.objects.all())
    new_energy = Sector.objects.get(slug="new-energy")
    assert matcher.match("New energy", "sector") == new_energy
    assert matcher.match("new ENERGY ", "sector") == new_energy
    assert matcher.match("新能源", "sector") == new_energy
    assert matcher.match("new-energy", "sector") == new_energy


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("Renewables", "unknown sector 'Renewables' — did you mean 'New energy'?"),
        ("New enrgy", "unknown sector 'New enrgy' — did you mean 'New energy'?"),
        ("新能", "unknown sector '新能' — did you mean 'New energy'?"),
        ("agriculture", "unknown sector 'agriculture' — did you mean 'Modern agriculture'?"),
        ("Space tourism", "unknown sector 'Space tourism' — did you mean 'Culture and tourism'?"),
        ("Zzyzx", "unknown sector 'Zzyzx'"),
    ],
)
def test_unknown_sector_suggests_the_closest(cell, message):
    with pytest.raises(CellError) as caught:
        sector_matcher(Sector.objects.all()).match(cell, "sector")
    assert str(caught.value) == message


@pytest.mark.parametrize("cell", ["Russia", "Russian Federation", "俄罗斯", "RU", "rus", "ru"])
def test_countries_by_english_chinese_or_iso_code(cell):
    assert country_matcher().match(cell, "partner") == "RU"


def test_common_chinese_country_names():
    matcher = country_matcher()
    assert matcher.match("韩国", "partner") == "KR"
    assert matcher.match("日本", "partner") == "JP"
    assert matcher.match("蒙古国", "partner") == "MN"


def test_unknown_country_suggests():
    with pytest.raises(CellError, match="unknown partner country 'Rusia' — did you mean 'Russia"):
        country_matcher().match("Rusia", "partner")
