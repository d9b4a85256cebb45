"""Dates, ordinals and bilingual fields in each language's convention."""

import datetime

import pytest
from django.utils import translation

from core.formatting import chinese_numeral, format_date, format_date_range, format_ordinal, localized, pick
from tests.factories import EditionFactory, MetricFactory, ProjectFactory, SectorFactory

D = datetime.date


@pytest.mark.parametrize(
    ("start", "end", "english", "chinese"),
    [
        (D(2023, 8, 23), D(2023, 8, 27), "23–27 Aug 2023", "2023年8月23日至27日"),
        (D(2010, 8, 30), D(2010, 9, 3), "30 Aug – 3 Sep 2010", "2010年8月30日至9月3日"),
        (D(2023, 12, 30), D(2024, 1, 2), "30 Dec 2023 – 2 Jan 2024", "2023年12月30日至2024年1月2日"),
        (D(2023, 8, 23), D(2023, 8, 23), "23 Aug 2023", "2023年8月23日"),
        (D(2023, 8, 23), None, "23 Aug 2023", "2023年8月23日"),
        (None, D(2023, 8, 27), "27 Aug 2023", "2023年8月27日"),
        (None, None, "—", "—"),
    ],
)
def test_date_ranges(start, end, english, chinese):
    assert format_date_range(start, end, language="en") == english
    assert format_date_range(start, end, language="zh-hans") == chinese


def test_single_dates_follow_the_active_language():
    assert format_date(D(2005, 9, 2)) == "2 Sep 2005"
    with translation.override("zh-hans"):
        assert format_date(D(2005, 9, 2)) == "2005年9月2日"


@pytest.mark.parametrize(
    ("number", "english", "chinese"),
    [
        (1, "1st", "第一届"),
        (2, "2nd", "第二届"),
        (3, "3rd", "第三届"),
        (10, "10th", "第十届"),
        (11, "11th", "第十一届"),
        (14, "14th", "第十四届"),
        (20, "20th", "第二十届"),
        (21, "21st", "第二十一届"),
        (100, "100th", "第一百届"),
        (105, "105th", "第一百〇五届"),
        (112, "112th", "第一百一十二届"),
        (123, "123rd", "第一百二十三届"),
    ],
)
def test_edition_ordinals(number, english, chinese):
    assert format_ordinal(number, language="en") == english
    assert format_ordinal(number, language="zh-hans") == chinese


def test_large_numbers_keep_their_digits_in_chinese():
    assert chinese_numeral(2024) == "2024"


def test_edition_reads_in_the_active_language():
    edition = EditionFactory.build(number=14, year=2023, theme_en="Sharing", theme_zh="共享")
    assert str(edition) == "14th edition (2023)"
    assert edition.heading == "China-Northeast Asia Expo: 14th edition (2023)"
    assert edition.theme == "Sharing"
    assert edition.other_name == "中国—东北亚博览会"
    with translation.override("zh-hans"):
        assert str(edition) == "第十四届（2023年）"
        assert edition.heading == "第十四届中国—东北亚博览会（2023年）"
        assert edition.theme == "共享"
        assert edition.dates == "2023年8月23日至27日"
        assert edition.other_name == "China-Northeast Asia Expo"


def test_empty_fields_fall_back_to_the_other_language():
    project = ProjectFactory.build(title="Solar park", title_zh="", parties="", parties_zh="光伏公司")
    sector = SectorFactory.build(name_en="Tourism", name_zh="")
    metric = MetricFactory.build(name_en="Visitors", name_zh="观众")
    with translation.override("zh-hans"):
        assert project.display_title == "Solar park"
        assert project.other_title == ""
        assert project.display_parties == "光伏公司"
        assert sector.name == str(sector) == "Tourism"
        assert metric.name == str(metric) == "观众"
    assert project.display_parties == "光伏公司"
    assert metric.name == "Visitors"
    assert localized(project, "title", language="en") == "Solar park"
    assert pick("", "", language="zh") == ""
