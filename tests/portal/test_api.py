"""The JSON API, /api/v1/: stable fields of published data only, JSON errors, keyset pages and HTTP caching."""

import datetime
import re
from decimal import Decimal

import pytest
from openapi_spec_validator import validate as validate_openapi

from core.vocabulary import Basis, Qualifier, Stage, Unit
from projects.models import Scope
from tests.factories import (
    EditionFactory,
    MetricFactory,
    ProjectFactory,
    ReportedBandFactory,
    ReportedFigureFactory,
    ReportedSectorFactory,
    SectorFactory,
    SourceFactory,
    SpanFigureFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"
DRAFT_MARKERS = ("Zqxdraft", "SDRAFT", "31415926", "987")


@pytest.fixture
def data():
    source = SourceFactory(key="S1", title="Closing release", title_zh="闭幕新闻稿", url="https://news.example.org/1")
    metric = MetricFactory(code="test_contract", name_en="Contract investment", name_zh="合同引资", unit=Unit.YUAN)
    visitors = MetricFactory(code="test_visitors", name_en="Visitors", name_zh="观众", unit=Unit.COUNT)
    sector = SectorFactory(slug="test-energy", name_en="Test energy", name_zh="测试能源")
    older = EditionFactory(number=13, year=2022)
    edition = EditionFactory(number=14, year=2023, city="Changchun", city_zh="长春", theme_zh="共享新机遇")
    figure = ReportedFigureFactory(
        edition=edition,
        metric=metric,
        value=Decimal("84475000000"),
        qualifier=Qualifier.MORE_THAN,
        basis=Basis.CONTRACT_INVESTMENT,
        wording_zh="合同引资额",
        wording_en="contract investment",
        public_note_en="Rounded by the source [S1].",
        primary_source=source,
        sources=[source],
    )
    ReportedFigureFactory(edition=edition, metric=visitors, value=Decimal("20000"), stage=Stage.OPENING)
    ReportedFigureFactory(edition=older, metric=metric, value=Decimal("60000000000"), basis=Basis.CONTRACT_INVESTMENT)
    ReportedBandFactory(edition=edition, lower_yuan=Decimal("100000000"), upper_yuan=None, count=59, sources=[source])
    ReportedSectorFactory(edition=edition, sector=sector, published_name_en="Clean energy", position=0)
    project = ProjectFactory(
        edition=edition,
        sector=sector,
        source=source,
        title="Wind farm",
        title_zh="风电场",
        value=Decimal("250000000.50"),
        international=True,
        signed_on=datetime.date(2023, 8, 24),
    )
    illustrative = ProjectFactory(
        edition=older,
        sector=sector,
        is_illustrative=True,
        generated_from=source,
        title="Auto parts",
        title_zh="汽车零部件",
    )

    draft_source = SourceFactory(key="SDRAFT", title="Zqxdraft release")
    draft = EditionFactory(number=987, year=2026, draft=True, name_en="Zqxdraft Expo")
    ReportedFigureFactory(edition=draft, metric=metric, value=Decimal("31415926"), sources=[draft_source])
    ReportedBandFactory(edition=draft, sources=[draft_source])
    ReportedSectorFactory(edition=draft, sector=sector, published_name_en="Zqxdraft sector")
    ProjectFactory(edition=draft, sector=sector, source=draft_source, title="Zqxdraft project")
    SpanFigureFactory(first_edition=1, last_edition=14, metric=metric, value=Decimal("2053900000000"), sources=[source])
    SpanFigureFactory(first_edition=1, last_edition=14, metric=visitors, draft=True, public_note_en="Zqxdraft span")
    SpanFigureFactory(first_edition=1, last_edition=987, metric=metric, public_note_en="Zqxdraft end")
    return {"edition": edition, "figure": figure, "project": project, "illustrative": illustrative}


def get(client, path, **params):
    return client.get(f"{API}{path}", params)


def test_an_edition_has_its_fields_figures_bands_sectors_and_sources(client, data):
    response = get(client, "/editions/14")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    edition = response.json()
    assert {key: edition[key] for key in ("number", "year", "city_en", "city_zh", "theme_zh", "url")} == {
        "number": 14,
        "year": 2023,
        "city_en": "Changchun",
        "city_zh": "长春",
        "theme_zh": "共享新机遇",
        "url": "/en/editions/14/",
    }
    assert edition["start_date"] == "2023-08-23" and edition["name_zh"] == "中国—东北亚博览会"
    contract = next(figure for figure in edition["figures"] if figure["metric"] == "test_contract")
    assert contract == {
        "id": data["figure"].pk,
        "edition": 14,
        "metric": "test_contract",
        "metric_name_en": "Contract investment",
        "metric_name_zh": "合同引资",
        "unit": "yuan",
        "value": 84475000000,
        "qualifier": "more_than",
        "stage": "closing",
        "basis": "contract_investment",
        "wording_en": "contract investment",
        "wording_zh": "合同引资额",
        "definition_en": "",
        "definition_zh": "",
        "note_en": "Rounded by the source [S1].",
        "note_zh": "",
        "primary_source": "S1",
        "sources": ["S1"],
    }
    assert [(band["lower_yuan"], band["upper_yuan"], band["count"]) for band in edition["bands"]] == [
        (100000000, None, 59)
    ]
    assert edition["sectors"] == [
        {"sector": "test-energy", "published_name_en": "Clean energy", "published_name_zh": "", "position": 0}
    ]
    assert "S1" in [source["key"] for source in edition["sources"]]
    assert next(source for source in edition["sources"] if source["key"] == "S1")["title_zh"] == "闭幕新闻稿"


def test_the_editions_list_holds_the_published_editions_in_a_bounded_number_of_queries(
    client, data, django_assert_max_num_queries
):
    for number in range(1, 6):
        ReportedFigureFactory(edition=EditionFactory(number=number, year=2004 + number))
    with django_assert_max_num_queries(12):
        editions = get(client, "/editions").json()
    assert [edition["number"] for edition in editions] == [1, 2, 3, 4, 5, 13, 14]


def test_projects_carry_names_in_both_languages_values_in_yuan_and_the_illustrative_flag(client, data):
    projects = {project["id"]: project for project in get(client, "/projects").json()["results"]}
    wind = projects[data["project"].pk]
    assert {key: wind[key] for key in ("title_en", "title_zh", "sector", "sector_name_zh", "scope", "partner")} == {
        "title_en": "Wind farm",
        "title_zh": "风电场",
        "sector": "test-energy",
        "sector_name_zh": "测试能源",
        "scope": Scope.INTERNATIONAL,
        "partner": "RU",
    }
    assert wind["value"] == 250000000.5 and wind["band"] == "100m-500m" and wind["signed_on"] == "2023-08-24"
    assert wind["is_illustrative"] is False and wind["source"] == "S1" and wind["generated_from"] is None
    made_up = projects[data["illustrative"].pk]
    assert made_up["is_illustrative"] is True and made_up["source"] is None and made_up["generated_from"] == "S1"


def test_figures_filter_by_metric_edition_stage_and_basis(client, data):
    def ids(**params):
        return sorted((figure["edition"], figure["metric"]) for figure in get(client, "/figures", **params).json())

    assert ids() == [(13, "test_contract"), (14, "test_contract"), (14, "test_visitors")]
    assert ids(metric="test_contract") == [(13, "test_contract"), (14, "test_contract")]
    assert ids(edition=14, stage="opening") == [(14, "test_visitors")]
    assert ids(basis="contract_investment", edition=13) == [(13, "test_contract")]
    assert ids(edition=987) == []  # a draft's figures are not there


def test_projects_filter_and_sort_as_the_projects_table(client, data):
    def titles(**params):
        return [project["title_en"] for project in get(client, "/projects", **params).json()["results"]]

    assert titles(edition=14) == ["Wind farm"]
    assert titles(partner="ru") == ["Wind farm"]
    assert titles(q="风电") == ["Wind farm"]
    assert titles(sort="value")[-1] == "Wind farm" and titles(sort="-value")[0] == "Wind farm"
    assert titles(edition=987) == []


def test_the_sectors_metrics_and_sources(client, data):
    assert "test-energy" in [sector["slug"] for sector in get(client, "/sectors").json()]
    metric = next(metric for metric in get(client, "/metrics").json() if metric["code"] == "test_contract")
    assert metric["unit"] == "yuan" and metric["name_zh"] == "合同引资"
    keys = [source["key"] for source in get(client, "/sources").json()]
    assert "S1" in keys and "SDRAFT" not in keys


def test_spans_are_the_published_figures_for_several_editions(client, data):
    (span,) = get(client, "/spans").json()
    assert (span["first_edition"], span["last_edition"], span["metric"], span["unit"]) == (
        1,
        14,
        "test_contract",
        "yuan",
    )
    assert (span["value"], span["qualifier"], span["sources"]) == (2053900000000, "exact", ["S1"])


def test_the_comparison_pair_is_the_comparison_download(client, data):
    pair = get(client, "/comparisons/14/13").json()
    assert (pair["first"], pair["second"]) == (13, 14)
    assert pair["columns"][:3] == ["section", "row", "metric"]
    row = next(row for row in pair["rows"] if row["metric"] == "test_contract" and row["edition"] == 14)
    assert (row["value"], row["previous_value"], row["change"], row["comparable"]) == (
        84475000000,
        60000000000,
        24475000000,
        True,
    )


# -- drafts and errors -----------------------------------------------------------------------------------


def every_endpoint(client) -> list[str]:
    """Every GET path of the schema, path parameters filled with the published editions 13 and 14."""
    schema = client.get(f"{API}/openapi.json").json()
    paths = [path.replace("{number}", "14").replace("{a}", "13").replace("{b}", "14") for path in schema["paths"]]
    assert all("{" not in path for path in paths), paths
    return paths


def test_no_endpoint_shows_a_draft(client, data):
    paths = every_endpoint(client)
    assert {
        f"{API}/{name}" for name in ("editions", "figures", "projects", "sectors", "metrics", "sources", "spans")
    } <= set(paths)
    for path in [*paths, f"{API}/", f"{API}/docs", f"{API}/projects?page_size=200&sort=-edition"]:
        response = client.get(path)
        assert response.status_code == 200, path
        text = response.content.decode()
        assert not any(marker in text for marker in DRAFT_MARKERS[:3]), path
    for path in ("/editions/987", "/comparisons/14/987", "/comparisons/987/13", "/editions/99999", "/editions/5"):
        response = get(client, path)
        assert response.status_code == 404, path
        assert response.json()["error"].startswith("There is no published edition number"), path
        assert "Zqxdraft" not in response.content.decode()


@pytest.mark.parametrize(
    ("path", "params", "parameter"),
    [
        ("/projects", {"page_size": "201"}, "page_size"),
        ("/projects", {"page_size": "abc"}, "page_size"),
        ("/projects", {"sort": "-pk"}, "sort"),
        ("/projects", {"edition": "x"}, "edition"),
        ("/projects", {"edition": "99999999999999999999999"}, "edition"),
        ("/projects", {"partner": "1"}, "partner"),
        ("/projects", {"scope": "galactic"}, "scope"),
        ("/projects", {"value_min": "-5"}, "value_min"),
        ("/projects", {"value_max": "1e400"}, "value_max"),
        ("/projects", {"q": "a\x00b"}, "q"),
        ("/projects", {"cursor": "not-a-cursor"}, "cursor"),
        ("/figures", {"stage": "afterwards"}, "stage"),
        ("/figures", {"metric": "no_such_metric"}, "metric"),
        ("/figures", {"basis": "x"}, "basis"),
        ("/comparisons/14/14", {}, "b"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(client, data, path, params, parameter):
    response = get(client, path, **params)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["parameter"] == parameter
    assert isinstance(body["error"], str) and body["error"]


def test_a_cursor_of_another_order_is_refused(client, data):
    ProjectFactory.create_batch(3, edition=data["edition"])
    following = get(client, "/projects", page_size=1).json()["next"]
    cursor = re.search(r"cursor=([^&]+)", following).group(1)
    response = get(client, "/projects", sort="title", cursor=cursor)
    assert response.status_code == 400 and response.json()["parameter"] == "cursor"


# -- keyset pages ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("sort", ["-value", "value", "signed_on", "-signed_on", "title", "-edition", "partner"])
def test_following_next_reads_every_project_exactly_once(client, data, sort):
    edition = data["edition"]
    for index in range(11):
        ProjectFactory(
            edition=edition,
            value=Decimal(100000000 * (index % 3 + 1)),  # ties, broken by id
            signed_on=None if index % 4 == 0 else datetime.date(2023, 8, 20 + index % 3),
            title=f"Plant {index % 5}",
        )
    expected = {project["id"] for project in get(client, "/projects", page_size=200).json()["results"]}
    seen, url, pages = [], f"{API}/projects?sort={sort}&page_size=4", 0
    while url:
        page = client.get(url).json()
        assert len(page["results"]) <= 4 and page["page_size"] == 4
        seen += [project["id"] for project in page["results"]]
        url, pages = page["next"], pages + 1
    assert len(seen) == len(set(seen)) == len(expected) == 13
    assert set(seen) == expected and pages == 4
    # The pages read in the one order of the whole list.
    assert seen == [project["id"] for project in get(client, "/projects", sort=sort, page_size=200).json()["results"]]


def test_the_default_page_holds_fifty_projects_and_next_keeps_the_filters(client, data):
    ProjectFactory.create_batch(55, edition=data["edition"])
    page = get(client, "/projects", edition=14).json()
    assert len(page["results"]) == 50 and page["page_size"] == 50
    assert page["next"].startswith("http://testserver/api/v1/projects?edition=14&cursor=")
    rest = client.get(page["next"]).json()
    assert len(rest["results"]) == 6 and rest["next"] is None


# -- schema, documentation and HTTP ----------------------------------------------------------------------


def test_the_openapi_schema_is_valid_and_documents_the_fields(client, data):
    schema = client.get(f"{API}/openapi.json").json()
    validate_openapi(schema)
    figure = schema["components"]["schemas"]["FigureOut"]["properties"]
    assert "yuan" in figure["value"]["description"] and figure["value"]["type"] == "number"
    parameters = {parameter["name"] for parameter in schema["paths"][f"{API}/projects"]["get"]["parameters"]}
    assert {"q", "edition", "sector", "scope", "partner", "band", "value_min", "value_max", "sort"} <= parameters
    assert {"page_size", "cursor"} <= parameters


def test_the_documentation_page_is_served_by_the_portal_without_a_cdn(client, data):
    response = client.get(f"{API}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script" not in html and "cdn" not in html.lower()
    assert not re.search(r'(src|href)="https?://', html)
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert f"GET {API}/projects" in html and "page_size" in html and "is_illustrative" in html
    chinese = client.get(f"{API}/docs", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert chinese.status_code == 200 and 'lang="zh-hans"' in chinese.content.decode()


def test_answers_carry_an_etag_from_the_data_token_and_a_304_when_unchanged(client, data):
    first = get(client, "/editions")
    etag = first["ETag"]
    assert first["Cache-Control"] == "public, max-age=60"
    assert first["Access-Control-Allow-Origin"] == "*"
    assert first["Last-Modified"].endswith(" GMT")
    unchanged = client.get(f"{API}/editions", HTTP_IF_NONE_MATCH=etag)
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert unchanged["ETag"] == etag and unchanged["Access-Control-Allow-Origin"] == "*"
    assert client.get(f"{API}/projects", HTTP_IF_NONE_MATCH=etag).status_code == 304

    ProjectFactory(edition=data["edition"], title="New plant")
    changed = client.get(f"{API}/editions", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert "New plant" in get(client, "/projects").content.decode()


def test_a_client_that_sends_the_last_modified_date_back_gets_a_304_until_the_data_changes(client, data):
    first = get(client, "/editions")
    since = first["Last-Modified"]
    unchanged = client.get(f"{API}/projects", HTTP_IF_MODIFIED_SINCE=since)
    assert unchanged.status_code == 304
    assert unchanged["ETag"] == first["ETag"] and unchanged["Last-Modified"] == since
    # An ETag, when sent, decides alone: a stale one is a full answer whatever the date says.
    stale = client.get(f"{API}/editions", HTTP_IF_MODIFIED_SINCE=since, HTTP_IF_NONE_MATCH='W/"old"')
    assert stale.status_code == 200
    assert client.get(f"{API}/editions", HTTP_IF_MODIFIED_SINCE="Mon, 01 Jan 2001 00:00:00 GMT").status_code == 200


def test_a_browser_preflight_is_allowed_from_any_site(client, data):
    response = client.options(f"{API}/projects", HTTP_ORIGIN="https://elsewhere.example")
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*" and "GET" in response["Access-Control-Allow-Methods"]


def test_head_answers_the_headers_of_get_without_a_body(client, data):
    got = get(client, "/editions")
    head = client.head(f"{API}/editions")
    assert head.status_code == 200 and head.content == b""
    assert head["ETag"] == got["ETag"] and head["Content-Length"] == str(len(got.content))


def test_an_address_under_the_api_that_does_not_exist_is_a_json_404(client, data):
    for path in ("/api/v1/nothing", "/api/v2/editions", "/api/"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json() == {"error": "There is nothing at this address."}


def test_a_page_of_projects_and_the_figures_take_a_bounded_number_of_queries(
    client, data, django_assert_max_num_queries
):
    ProjectFactory.create_batch(30, edition=data["edition"])
    following = get(client, "/projects", page_size=10).json()["next"]
    with django_assert_max_num_queries(4):
        assert len(client.get(following).json()["results"]) == 10
    with django_assert_max_num_queries(5):
        assert len(get(client, "/figures").json()) == 3


def test_a_bad_parameter_is_explained_in_plain_words_in_the_readers_language(client, data):
    assert get(client, "/projects", page_size="500").json() == {
        "error": "The value of “page_size” is not valid: use at most 200.",
        "parameter": "page_size",
    }
    assert get(client, "/projects", edition="1.5").json()["error"] == (
        "The value of “edition” is not valid: use a whole number."
    )
    chinese = client.get(f"{API}/projects", {"page_size": "500"}, HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert chinese == {"error": "参数“page_size”的值无效：最大为 200。", "parameter": "page_size"}


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_writing_to_the_api_is_a_json_405(client, data, method):
    response = getattr(client, method)(f"{API}/editions")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert response.json() == {"error": "The open data is read-only: only GET and HEAD are answered here."}
