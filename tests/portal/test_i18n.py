"""English and Simplified Chinese: every public page in Chinese with no string left in English."""

import datetime
import gettext
import html
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains

from core.vocabulary import Qualifier, Stage
from tests.factories import (
    EditionFactory,
    MetricFactory,
    ProjectFactory,
    ReportedBandFactory,
    ReportedFigureFactory,
    SectorFactory,
    SourceFactory,
    standard_metric,
)

pytestmark = pytest.mark.django_db

CATALOG = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo"
PLACEHOLDER = re.compile(r"%(?:\([a-z_]+\))?[sd]|<[^>]+>")


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """A request leaves its language active in the thread; start each test in English and leave no trace."""
    translation.activate("en")
    yield
    translation.deactivate()


def translated_phrases() -> set[str]:
    """The English phrases of our catalog that have a Chinese translation, split at placeholders and tags."""
    with CATALOG.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog
    phrases = set()
    for key, translation_text in catalog.items():
        msgid = key[0] if isinstance(key, tuple) else key
        msgid = msgid.split("\x04")[-1]  # drop a message context
        if not msgid or translation_text == msgid:
            continue
        for fragment in PLACEHOLDER.split(msgid):
            fragment = fragment.strip(" .,:;()“”—–-")
            if re.search(r"[A-Za-z]{2}", fragment):
                phrases.add(fragment)
    return phrases


def visible_text(content: str) -> str:
    """What a reader sees or hears: text, titles and labels; the language switcher (which names each
    language in that language) left out."""
    content = re.sub(r"<nav class=\"language-switcher\".*?</nav>", " ", content, flags=re.S)
    content = re.sub(r"<(script|style)\b.*?</\1>", " ", content, flags=re.S)
    attributes = re.findall(r'\s(?:title|aria-label|alt|placeholder)="([^"]*)"', content)
    text = re.sub(r"<[^>]+>", " ", content)
    return html.unescape(" ".join([text, *attributes]))


def untranslated(content: str, phrases: set[str]) -> list[str]:
    text = visible_text(content)
    return sorted(phrase for phrase in phrases if re.search(rf"(?<![A-Za-z]){re.escape(phrase)}(?![A-Za-z])", text))


@pytest.fixture
def chinese_data():
    """Two published editions with Chinese names, figures, bands, sectors and projects; sources in Chinese."""
    source = SourceFactory(title="第十四届东北亚博览会闭幕新闻稿", publisher="吉林日报", language="zh")
    first = EditionFactory(
        number=13,
        year=2021,
        start_date=datetime.date(2021, 9, 23),
        end_date=datetime.date(2021, 9, 26),
        city="长春",
        venue="长春国际会展中心",
        theme_zh="共享新机遇",
    )
    second = EditionFactory(
        number=14,
        year=2023,
        start_date=datetime.date(2023, 8, 23),
        end_date=datetime.date(2023, 8, 27),
        city="长春",
        venue="长春国际会展中心",
        theme_zh="共建东北亚，合作向未来",
    )
    for edition, count, value in ((first, 111, Decimal("196200000000")), (second, 99, Decimal("84475000000"))):
        ReportedFigureFactory(edition=edition, metric=standard_metric("projects_signed"), value=count, sources=[source])
        ReportedFigureFactory(edition=edition, metric=standard_metric("signed_value"), value=value, sources=[source])
        ReportedFigureFactory(
            edition=edition,
            metric=standard_metric("participants"),
            value=20000,
            qualifier=Qualifier.MORE_THAN,
            stage=Stage.OPENING,
            sources=[source],
        )
    ReportedBandFactory(edition=second, sources=[source], count=1)
    ReportedBandFactory(
        edition=second, lower_yuan=Decimal("1000000000"), upper_yuan=None, is_nested=True, count=1, sources=[source]
    )
    sector = SectorFactory(name_en="Offshore wind", name_zh="海上风电")
    projects = []
    for edition, number in ((first, 1), (second, 2), (second, 3)):
        projects.append(
            ProjectFactory(
                edition=edition,
                sector=sector,
                title=f"Wind farm phase {number}",
                title_zh=f"风电场{number}期",
                parties="Jilin Energy Group",
                parties_zh="吉林能源集团",
                description="A wind farm.",
                description_zh="风电场项目。",
                location="白城",
                generated_from=source,
                value=Decimal("250000000") * number,
                is_illustrative=True,
                international=number == 3,
            )
        )
    return {"first": first, "second": second, "projects": projects, "sector": sector}


def public_urls(data) -> list[str]:
    with translation.override("zh-hans"):
        return [
            reverse("home"),
            reverse("editions:list"),
            reverse("editions:detail", kwargs={"number": 14}),
            reverse("projects:list"),
            reverse("projects:list") + "?edition=14&sort=-value",
            reverse("projects:detail", kwargs={"pk": data["projects"][2].pk}),
            reverse("comparisons:index"),
            reverse("comparisons:pair", kwargs={"a": 13, "b": 14}),
        ]


def test_the_catalog_has_translations():
    phrases = translated_phrases()
    assert "Headline figures" in phrases
    assert "Page not found" in phrases
    assert len(phrases) > 300


def test_every_public_page_reads_in_chinese_with_no_english_left(client, chinese_data):
    phrases = translated_phrases()
    for url in public_urls(chinese_data):
        assert url.startswith("/zh-hans/")
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'lang="zh-hans"' in response.content.decode()
        assert untranslated(response.content.decode(), phrases) == [], url


def test_error_pages_read_in_chinese(client, chinese_data):
    phrases = translated_phrases()
    response = client.get("/zh-hans/editions/9999/")
    assert response.status_code == 404
    assert untranslated(response.content.decode(), phrases) == []
    assertContains(response, "页面未找到", status_code=404)
    with translation.override("zh-hans"):
        for template, context, heading in [
            ("400.html", {}, "请求有误"),
            ("403.html", {}, "拒绝访问"),
            ("500.html", {}, "出错了"),
            ("503.html", {}, "暂时无法访问"),
            ("locked_out.html", {"failure_limit": 5}, "登录已锁定"),
        ]:
            content = render_to_string(template, context)
            assert heading in content, template
            assert untranslated(content, phrases) == [], template


def test_a_bad_comparison_explains_itself_in_chinese(client, chinese_data):
    response = client.get("/zh-hans/compare/14/14/")
    assert response.status_code == 400
    assertContains(response, "请选择两个不同的届次", status_code=400)
    assert untranslated(response.content.decode(), translated_phrases()) == []


def test_the_check_catches_an_english_phrase(client, chinese_data):
    """The walk above would fail on a page that forgot a translation: here, the English page."""
    response = client.get(reverse("editions:detail", kwargs={"number": 14}))
    assert "Headline figures" in untranslated(response.content.decode(), translated_phrases())


def test_edition_page_in_both_languages(client, chinese_data):
    english = client.get("/en/editions/14/")
    assertContains(english, "China-Northeast Asia Expo: 14th edition (2023)")
    assertContains(english, "84.475 billion yuan")
    assertContains(english, "over 20,000")
    assertContains(english, "23–27 Aug 2023")
    assertContains(english, "as reported at the opening stage")
    chinese = client.get("/zh-hans/editions/14/")
    assertContains(chinese, "第十四届中国—东北亚博览会（2023年）")
    assertContains(chinese, "844.75亿元")
    assertContains(chinese, "超过2万")
    assertContains(chinese, "2023年8月23日至27日")
    assertContains(chinese, "主题： 共建东北亚，合作向未来")
    assertContains(chinese, "开幕阶段公布")
    # Published bands as releases word them (超1亿元), not edges the sources never gave.
    assertContains(chinese, "超过1亿元")
    assertContains(chinese, "超过10亿元")
    assertNotContains(chinese, "1亿元至5亿元")
    # Breakdowns in the reader's language even when the English page was served (and cached) first.
    assertContains(chinese, '<a href="/zh-hans/projects/?edition=14&amp;band=500m-1b">5亿–10亿元</a>', html=True)
    assertContains(chinese, "海上风电")
    assertContains(chinese, ">国内</a>")
    assertContains(chinese, ">俄罗斯</a>")
    assertContains(chinese, "风电场3期")
    assertContains(client.get("/en/editions/14/"), ">Offshore wind</a>")
    assertNotContains(chinese, "Wind farm")


def test_bilingual_content_falls_back_to_the_other_language(client):
    english_only = ProjectFactory(title="Solar park", title_zh="", parties="Sun Co.", parties_zh="")
    chinese_only = ProjectFactory(title="", title_zh="光伏电站", sector=SectorFactory(name_zh=""))
    # What is left in the other language is marked with the language it is in.
    response = client.get(f"/zh-hans/projects/{english_only.pk}/")
    assertContains(response, '<h1><span lang="en">Solar park</span>')
    assertContains(response, '<span lang="en">Sun Co.</span>')
    response = client.get(f"/en/projects/{chinese_only.pk}/")
    assertContains(response, '<h1><span lang="zh-Hans">光伏电站</span>')
    assertContains(response, chinese_only.sector.name_en)
    response = client.get(f"/zh-hans/projects/{chinese_only.pk}/")
    assertContains(response, f'<span lang="en">{chinese_only.sector.name_en}</span>')


def test_project_page_shows_the_other_language_title_beneath(client):
    project = ProjectFactory(title="Wind farm phase 1", title_zh="风电场1期", signed_on=datetime.date(2023, 8, 24))
    english = client.get(project.get_absolute_url())
    assertContains(english, '<p class="lead" lang="zh-Hans">风电场1期</p>', html=True)
    assertContains(english, "24 Aug 2023")
    chinese = client.get(f"/zh-hans/projects/{project.pk}/")
    assertContains(chinese, '<p class="lead" lang="en">Wind farm phase 1</p>', html=True)
    assertContains(chinese, "2023年8月24日")


def test_projects_table_filters_and_facets_in_chinese(client, chinese_data):
    assertContains(client.get("/en/projects/?sort=-value"), "Offshore wind (3)")
    response = client.get("/zh-hans/projects/?sort=-value")
    assertContains(response, "共3个项目符合条件")
    assertContains(response, "风电场3期")
    slug = chinese_data["sector"].slug
    assertContains(response, f'<option value="{slug}">海上风电 (3)</option>', html=True)
    assertContains(response, '<option value="14">第十四届 (2023) (2)</option>', html=True)
    assertContains(response, "金额区间")
    assertContains(response, "第十四届")
    assertContains(response, "俄罗斯")  # the partner country, from django-countries' own catalog


def test_search_matches_chinese_and_english_text(client, chinese_data):
    response = client.get("/zh-hans/projects/", {"q": "风电场2"})
    assertContains(response, "共1个项目符合条件")
    response = client.get("/en/projects/", {"q": "phase 2"})
    assertContains(response, "1 project matches")
    response = client.get("/en/projects/", {"q": "吉林能源"})
    assertContains(response, "3 projects match")


def test_csv_export_in_chinese_has_chinese_headers_and_labels(client, chinese_data):
    response = client.get("/zh-hans/projects/", {"edition": 14, "sort": "value", "_export": "csv"})
    rows = response.getvalue().decode("utf-8-sig").splitlines()  # streamed: getvalue(), not content
    header = rows[0].split(",")
    assert header[:5] == ["编号", "标题", "英文标题", "金额（元）", "金额区间"]
    assert "行业" in header and "签约方" in header
    first = rows[1].split(",")
    assert first[1:5] == ["风电场2期", "Wind farm phase 2", "500000000", "5亿–10亿元"]
    assert "海上风电" in first and "吉林能源集团" in first and "是" in first


def test_csv_export_in_english_keeps_english(client, chinese_data):
    response = client.get("/en/projects/", {"edition": 14, "sort": "value", "_export": "csv"})
    rows = response.getvalue().decode("utf-8-sig").splitlines()
    assert rows[0].split(",")[:5] == ["ID", "Title", "Title (Chinese)", "Value (yuan)", "Value band"]
    assert rows[1].split(",")[1:5] == ["Wind farm phase 2", "风电场2期", "500000000", "500 million–1 billion yuan"]


def test_editions_table_headers_are_the_metric_names_in_chinese(client, chinese_data):
    metric = MetricFactory(name_en="Visitors", name_zh="观众", is_main=True)
    ReportedFigureFactory(edition=chinese_data["second"], metric=metric, value=30000)
    response = client.get("/zh-hans/editions/")
    assertContains(response, "观众")
    assertContains(response, "3万")
    response = client.get("/zh-hans/editions/", {"_export": "csv"})
    assert "观众：限定词" in response.content.decode("utf-8-sig").splitlines()[0]


@pytest.mark.parametrize("url", ["/projects/", "/editions/14/", "/", "/compare/"])
def test_chinese_pages_need_no_more_queries_than_english(client, chinese_data, url):
    counts = []
    for prefix in ("/en", "/zh-hans"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(prefix + url).status_code == 200
        counts.append(len(queries))
    assert counts[1] <= counts[0]


# The language switcher


def switcher_links(response) -> dict[str, str]:
    nav = re.search(r'<nav class="language-switcher".*?</nav>', response.content.decode(), flags=re.S).group(0)
    return {code: html.unescape(href) for href, code in re.findall(r'<a href="([^"]*)" hreflang="([^"]+)"', nav)}


def test_switcher_keeps_page_filters_sort_and_page(client, chinese_data):
    query = f"?sector={chinese_data['sector'].slug}&sort=-value&page=1&q=%E9%A3%8E"
    response = client.get("/en/projects/" + query)
    assert switcher_links(response) == {"zh-hans": "/zh-hans/projects/" + query}
    response = client.get("/zh-hans/projects/" + query)
    assert switcher_links(response) == {"en": "/en/projects/" + query}


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("/en/", "/zh-hans/"),
        ("/en/editions/14/", "/zh-hans/editions/14/"),
        ("/en/editions/?sort=-year", "/zh-hans/editions/?sort=-year"),
        ("/en/compare/13/14/", "/zh-hans/compare/13/14/"),
        ("/en/compare/?from=13&to=14&metric=signed_value", "/zh-hans/compare/?from=13&to=14&metric=signed_value"),
    ],
)
def test_switcher_links_to_the_same_page_in_the_other_language(client, chinese_data, english, chinese):
    assert switcher_links(client.get(english)) == {"zh-hans": chinese}
    assert switcher_links(client.get(chinese)) == {"en": english}


def test_switcher_marks_the_current_language_and_needs_no_form(client):
    response = client.get("/zh-hans/")
    assertContains(response, '<span aria-current="true" lang="zh-hans">简体中文</span>', html=True)
    assertContains(response, '<a href="/en/" hreflang="en" lang="en" rel="alternate">English</a>', html=True)
    assertNotContains(response, "csrfmiddlewaretoken")


def test_switcher_on_a_missing_page_goes_to_the_other_languages_home(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert switcher_links(response) == {"zh-hans": "/zh-hans/"}


@pytest.mark.parametrize("path", ["//evil.example/editions/", "//evil.example/", "///evil.example/projects/"])
def test_switcher_never_links_off_site(client, path):
    response = client.get(path, follow=True)
    assert all(url.startswith("/") and not url.startswith("//") for url, _ in response.redirect_chain)
    for href in switcher_links(response).values():
        assert href.startswith("/") and not href.startswith("//")


def test_admin_reads_in_chinese(staff_client):
    chinese = {"accept-language": "zh-CN,zh;q=0.9"}  # the admin has one address; the browser picks its language
    response = staff_client.get("/admin/", headers=chinese)
    assertContains(response, "博览会数据门户管理后台")
    assertContains(response, "届次、数据和项目")
    assertContains(response, "签约项目")  # the projects app's name
    response = staff_client.get("/admin/projects/project/", headers=chinese)
    assertContains(response, "选择 项目 来修改")  # Django's own catalog with our verbose name


@pytest.mark.parametrize(("accept_language", "target"), [("zh-CN,zh;q=0.9", "/zh-hans/"), ("en-GB,en;q=0.8", "/en/")])
def test_first_visit_follows_the_browser_language(client, accept_language, target):
    response = client.get("/", headers={"accept-language": accept_language})
    assert response.status_code == 302
    assert response["Location"] == target
