"""The headline workload's addresses: many distinct questions the portal knows, each with Datasette's equivalent."""

from collections import Counter
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.db import connection

from bench import report, workload
from bench.generate import generate
from bench.pages import PAGE_SIZE
from editions.models import Edition, Sector
from projects.filters import FILTER_PARAMS, ProjectFilter
from projects.models import Project
from projects.selection import OFFERED_ORDERS
from projects.views import TABLE_PARAMS

IDS = workload.Ids(sectors={"new-energy": 3, "agriculture": 4, "digital-economy": 40}, editions={1: 1, 2: 2, 3: 3})


class FakeCatalogue:
    """Every question matches 5,000 rows; the row before offset k is (k, k + 1)."""

    def count(self, conditions):
        return 5_000

    def row_before(self, column, descending, conditions, offset):
        return (f"v {offset}", offset + 1)


def generated(**options):
    return workload.workload(seed=20050902, n=100_000, ids=IDS, catalogue=FakeCatalogue(), **options)


def query(path: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(path).query)


def test_the_same_seed_gives_the_same_addresses_and_another_seed_others():
    assert generated() == generated()
    other = workload.workload(seed=7, n=100_000, ids=IDS, catalogue=FakeCatalogue())
    assert other != generated()


def test_at_least_400_distinct_addresses_in_every_family():
    addresses = generated()

    assert len(addresses) >= 400
    assert len({workload.normalised(item.portal) for item in addresses}) == len(addresses)
    assert len({item.datasette for item in addresses}) == len(addresses)
    assert Counter(item.family for item in addresses) == dict.fromkeys(workload.FAMILIES, 70)


def test_no_address_is_one_asked_before():
    asked = [item.portal for item in generated()[:50]]
    # The same addresses written another way (parameters in another order) are still the same question.
    rewritten = [f"{urlsplit(path).path}?{'&'.join(f'{k}={v}' for k, v in reversed(query(path)))}" for path in asked]

    again = generated(exclude=rewritten)

    assert not {workload.normalised(path) for path in asked} & {workload.normalised(i.portal) for i in again}
    assert len(again) == len(generated())


def test_portal_addresses_use_only_the_tables_parameters_and_orders():
    for item in generated():
        params = dict(query(item.portal))
        assert urlsplit(item.portal).path == "/en/projects/"
        assert set(params) <= set(FILTER_PARAMS) | set(TABLE_PARAMS)
        assert params["sort"] in OFFERED_ORDERS
        assert params["per_page"] == str(PAGE_SIZE)


def test_datasette_asks_the_same_page_of_the_same_filters():
    for item in generated():
        portal, datasette = dict(query(item.portal)), dict(query(item.datasette))
        assert urlsplit(item.datasette).path == "/db/projects_project"
        assert datasette["_size"] == str(PAGE_SIZE)
        column, descending = workload.ORDERS[portal["sort"]], portal["sort"].startswith("-")
        assert datasette.get("_sort_desc" if descending else "_sort") == column
        assert ("_sort" in datasette) != ("_sort_desc" in datasette)
        page = int(portal.get("page", 1))
        if page > 1:
            offset = (page - 1) * PAGE_SIZE - 1
            assert datasette["_next"] == f"v+{offset},{offset + 1}"  # tilde-encoded: the space is a +
        else:
            assert "_next" not in datasette
        if "sector" in portal:
            assert datasette["sector_id"] == str(IDS.sectors[portal["sector"]])
        if "edition" in portal:
            assert datasette["edition_id"] == str(IDS.editions[int(portal["edition"])])
        if "q" in portal:
            words = portal["q"].split()
            assert all(f"title LIKE '%{word}%'" in datasette["_where"] for word in words)
            indexed = " AND ".join(f'"{word}"' for word in words if len(word) >= 3)
            assert (f"MATCH '{indexed}'" in datasette["_where"]) if indexed else "MATCH" not in datasette["_where"]
        if portal.get("band") == "1b-5b":
            assert (datasette["value__gte"], datasette["value__lt"]) == ("1000000000", "5000000000")


def test_a_deep_page_is_past_the_twentieth_and_within_the_rows():
    deep = [dict(query(item.portal)) for item in generated() if item.family == "deep"]
    pages = [int(params["page"]) for params in deep]
    assert min(pages) >= 21
    # Filtered by one edition or sector: within the 5,000 rows the catalogue says match (100 pages).
    assert all(int(p["page"]) <= 100 for p in deep if "edition" in p or "sector" in p)


def test_tilde_encoding_is_datasettes():
    assert workload.tilde_encode("Green wind park No. 7") == "Green+wind+park+No~2E+7"
    assert workload.tilde_encode("2024-08-28") == "2024-08-28"
    assert workload.tilde_encode("风") == "~E9~A3~8E"


def test_the_report_marks_each_target_met_or_missed():
    ok = {"urls": 2, "statuses": {"200": 2}}
    run = {
        "database": "sqlite",
        "n": 1000,
        "pages": [{"key": "sorted", "portal": {"status": "200", "p50_ms": 2.0}}],
        "workload": {
            "families": {
                "sorted": {
                    "portal": {**ok, "p50_ms": 40.0, "p95_ms": 90.0, "p99_ms": 1200.0},
                    "datasette": {**ok, "p50_ms": 100.0, "p95_ms": 80.0, "p99_ms": 99.0},
                    "floor": {**ok, "p50_ms": 2.0, "p95_ms": 3.0, "p99_ms": 3.0},
                }
            },
            "slowest": [
                {
                    "family": "search",
                    "portal_path": "/en/projects/?q=x",
                    "portal_ms": 1500.0,
                    "portal_status": "503",
                    "datasette_ms": 20.0,
                }
            ],
        },
    }

    header, rule, row = report.headline_table([run])

    names = [cell.strip() for cell in header.strip("|").split("|")]
    cells = dict(zip(names, [cell.strip() for cell in row.strip("|").split("|")], strict=True))
    assert len(names) == rule.count("|") - 1
    assert cells["portal ÷ Datasette p50 (≤ 0.5×)"] == "0.40× (met)"
    assert cells["portal ÷ Datasette p95 (≤ 1×)"] == "1.12× (missed)"
    assert cells["p99 ms (≤ 1 s)"] == "1,200 (missed)"
    assert cells["portal ÷ floor p50 (≤ 10×)"] == "20.00× (missed)"
    assert cells["repeat visit p50 ms"] == "2.0"
    *_, slowest = report.slowest_table([run])
    assert "text search" in slowest and "`/en/projects/?q=x`" in slowest and "1,500 (503)" in slowest


@pytest.mark.django_db
class TestAgainstTheData:
    @pytest.fixture
    def data(self):
        generate(n=400, editions=3, seed=7)
        ids = workload.Ids(
            sectors=dict(Sector.objects.values_list("slug", "pk")),
            editions=dict(Edition.objects.values_list("number", "pk")),
        )
        return ids

    def test_the_portal_answers_every_kind_of_address(self, client, data):
        addresses = workload.workload(seed=1, n=400, ids=data, catalogue=FakeCatalogue(), per_family=2)

        for item in addresses:
            assert client.get(item.portal).status_code == 200, item.portal

    @pytest.mark.skipif(connection.vendor != "sqlite", reason="Datasette's copy is SQLite")
    def test_datasettes_conditions_match_the_rows_the_portal_matches(self, data):
        connection.ensure_connection()
        catalogue = workload.SQLiteCatalogue(connection.connection)
        questions = [
            (("q", "hydrogen"),),
            (("q", "风电"),),
            (("q", "green wind"),),
            (("band", "100m-500m"),),
            (("value_min", "50000000"), ("value_max", "800000000")),
            (("scope", "international"), ("partner", "RU")),
            (("sector", "new-energy"),),
            (("edition", "2"),),
        ]
        for filters in questions:
            _params, conditions = workload.datasette_filters(workload.Question("range", filters), data)
            portal = ProjectFilter(data=dict(filters), queryset=Project.objects.all()).qs
            assert catalogue.count(conditions) == portal.count() > 0, filters

    @pytest.mark.skipif(connection.vendor != "sqlite", reason="Datasette's copy is SQLite")
    def test_the_next_token_names_the_last_row_of_the_page_before(self, data):
        connection.ensure_connection()
        catalogue = workload.SQLiteCatalogue(connection.connection)

        before = catalogue.row_before("value", True, [], PAGE_SIZE - 1)

        last = Project.objects.order_by("-value", "id").values_list("value", "id")[PAGE_SIZE - 1]
        assert (int(before[0]), before[1]) == (int(last[0]), last[1])
