"""The data package, /data/expo-portal.zip: every published table as CSV with a valid datapackage.json."""

import csv
import datetime
import io
import json
import zipfile
from decimal import Decimal

import pytest
from frictionless import Package, validate

from core.downloads import FORMULA_TRIGGERS
from core.vocabulary import Basis, Qualifier, Unit
from editions.models import Source
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

URL = "/data/expo-portal.zip"
TABLES = {"editions", "metrics", "sectors", "edition_sectors", "sources", "figures", "bands", "projects", "spans"}


@pytest.fixture
def published_and_draft():
    source = SourceFactory(key="S1", title="Closing release", title_zh="闭幕新闻稿", url="https://news.example.org/1")
    metric = MetricFactory(code="test_signed_value", name_en="Signed value", name_zh="签约额", unit=Unit.YUAN)
    sector = SectorFactory(slug="test-energy", name_en="Test energy", name_zh="测试能源")
    edition = EditionFactory(number=14, year=2023, city="Changchun", city_zh="长春")
    ReportedFigureFactory(
        edition=edition,
        metric=metric,
        value=Decimal("84475000000"),
        qualifier=Qualifier.MORE_THAN,
        basis=Basis.CONTRACT_INVESTMENT,
        wording_zh="签约总额",
        primary_source=source,
        sources=[source],
    )
    ReportedBandFactory(edition=edition, lower_yuan=Decimal("100000000"), upper_yuan=None, count=59, sources=[source])
    ReportedSectorFactory(edition=edition, sector=sector, published_name_en="Clean energy")
    ProjectFactory(edition=edition, sector=sector, source=source, title="-1+2 Wind farm", value=Decimal("250000000.50"))
    ProjectFactory(
        edition=edition, sector=sector, is_illustrative=True, generated_from=source, international=True, title="Plant"
    )
    span_source = SourceFactory(key="S2", title="Ten years of the expo", url="https://news.example.org/2")
    SpanFigureFactory(
        first_edition=1, last_edition=14, metric=metric, value=Decimal("2053900000000"), sources=[span_source]
    )
    draft_source = SourceFactory(key="SDRAFT", title="Zqxdraft release")
    SpanFigureFactory(first_edition=1, last_edition=14, metric=metric, value=Decimal("27182818"), draft=True,
                      as_of=datetime.date(2024, 1, 1), sources=[draft_source])  # fmt: skip
    SpanFigureFactory(first_edition=1, last_edition=15, metric=metric, value=Decimal("16180339"))  # ends in a draft
    draft = EditionFactory(number=15, year=2024, draft=True, name_en="Zqxdraft Expo")
    ReportedFigureFactory(edition=draft, metric=metric, value=Decimal("31415926"), sources=[draft_source])
    ReportedBandFactory(edition=draft, sources=[draft_source])
    ProjectFactory(edition=draft, sector=sector, source=draft_source, title="Zqxdraft project")
    return edition


def unpack(response) -> dict[str, bytes]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rows(files: dict[str, bytes], table: str) -> list[dict]:
    text = files[f"data/{table}.csv"]
    assert text.startswith(b"\xef\xbb\xbf"), table  # spreadsheet programs need the mark for Chinese text
    return list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"), newline="")))


def test_the_package_holds_every_published_table_and_no_draft(client, published_and_draft):
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="expo-portal.zip"'
    files = unpack(response)
    assert set(files) == {"datapackage.json", "README.md"} | {f"data/{table}.csv" for table in TABLES}
    everything = b"\n".join(files.values()).decode()
    assert "Zqxdraft" not in everything and "SDRAFT" not in everything and "31415926" not in everything
    assert "27182818" not in everything and "16180339" not in everything  # a draft span, a span ending in a draft
    (span,) = rows(files, "spans")
    assert (span["first_edition"], span["last_edition"], span["metric"], span["value"], span["sources"]) == (
        "1",
        "14",
        "test_signed_value",
        "2053900000000",
        "S2",
    )

    assert [row["number"] for row in rows(files, "editions")] == ["14"]
    assert rows(files, "editions")[0]["city_zh"] == "长春"
    (figure,) = rows(files, "figures")
    assert (figure["edition"], figure["metric"], figure["value"], figure["qualifier"], figure["basis"]) == (
        "14",
        "test_signed_value",
        "84475000000",
        "more_than",
        "contract_investment",
    )
    assert (figure["unit"], figure["wording_zh"], figure["primary_source"], figure["sources"]) == (
        "yuan",
        "签约总额",
        "S1",
        "S1",
    )
    (band,) = rows(files, "bands")
    assert (band["lower_yuan"], band["upper_yuan"], band["count"]) == ("100000000", "", "59")
    assert [row["key"] for row in rows(files, "sources")] == ["S1", "S2"]  # the draft's source is not published
    assert Source.objects.filter(key="SDRAFT").exists()
    projects = {row["title_en"]: row for row in rows(files, "projects")}
    assert set(projects) == {"'-1+2 Wind farm", "Plant"}  # the formula trigger is neutralised
    assert projects["'-1+2 Wind farm"]["value"] == "250000000.5"
    assert projects["Plant"]["is_illustrative"] == "True" and projects["Plant"]["generated_from"] == "S1"
    assert projects["Plant"]["scope"] == Scope.INTERNATIONAL and projects["Plant"]["partner"] == "RU"
    named = rows(files, "edition_sectors")
    assert [(row["edition"], row["sector"], row["published_name_en"]) for row in named] == [
        ("14", "test-energy", "Clean energy")
    ]


def test_no_cell_of_the_package_starts_a_formula(client, published_and_draft):
    files = unpack(client.get(URL))
    for name, body in files.items():
        if name.endswith(".csv"):
            for row in csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")):
                assert not any(cell.startswith(FORMULA_TRIGGERS) for cell in row), (name, row)


def test_the_datapackage_json_describes_every_table_with_keys_sources_and_licence(client, published_and_draft):
    files = unpack(client.get(URL))
    descriptor = json.loads(files["datapackage.json"])
    assert descriptor["name"] == "expo-portal" and descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    assert {source["path"] for source in descriptor["sources"]} >= {"https://news.example.org/1"}
    resources = {resource["name"]: resource for resource in descriptor["resources"]}
    assert set(resources) == TABLES
    figures = resources["figures"]["schema"]
    assert figures["primaryKey"] == ["id"]
    assert {"fields": "metric", "reference": {"resource": "metrics", "fields": "code"}} in figures["foreignKeys"]
    value = next(field for field in figures["fields"] if field["name"] == "value")
    assert value["type"] == "number" and "yuan" in value["description"]
    # Every CSV has exactly the columns its resource lists.
    for name, resource in resources.items():
        header = next(csv.reader(io.StringIO(files[resource["path"]].decode("utf-8-sig"))))
        assert header == [field["name"] for field in resource["schema"]["fields"]], name
    readme = files["README.md"].decode()
    assert "Expo Portal open data" in readme and "博览会数据门户开放数据" in readme


def test_frictionless_validates_the_package(client, published_and_draft, tmp_path):
    files = unpack(client.get(URL))
    for name, body in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(body)
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["resourcePath", "rowNumber", "fieldName", "type", "note"])
    package = Package(str(tmp_path / "datapackage.json"))
    projects = package.get_resource("projects").read_rows()
    assert {row["title_en"] for row in projects} == {"'-1+2 Wind farm", "Plant"}
    assert {row["value"] for row in projects} == {Decimal("250000000.5"), Decimal("250000000")}


def test_the_package_is_cached_under_the_data_token_and_rebuilt_when_it_changes(
    client, published_and_draft, django_assert_max_num_queries
):
    first = client.get(URL)
    etag = first["ETag"]
    unpack(first)  # read to its end: the whole zip is then kept
    with django_assert_max_num_queries(3):
        again = client.get(URL)
    assert again["ETag"] == etag and not again.streaming
    assert client.get(URL, HTTP_IF_NONE_MATCH=etag).status_code == 304

    EditionFactory(number=16, year=2025)
    changed = client.get(URL)
    assert changed["ETag"] != etag
    assert [row["number"] for row in rows(unpack(changed), "editions")] == ["14", "16"]


def test_the_package_and_the_api_give_a_project_the_same_record(published_and_draft):
    from portal.open_data import records, selectors

    for project in selectors.published_projects():
        (from_values,) = records.project_records(selectors.published_projects().filter(pk=project.pk))
        assert from_values == records.project_record(project)
