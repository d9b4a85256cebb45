"""The bench's first visits: new addresses only, each family in the report's table."""

from bench import first_visits, report

LISTING = "/en/projects/?sort=-value&per_page=50"


def test_every_first_visit_is_an_address_not_asked_before():
    families = first_visits.families(listing=LISTING, known_word="hydrogen")
    paths = [path for _key, _label, addresses in families for path in addresses]
    assert len(paths) == len(set(paths))
    assert LISTING not in paths and f"{LISTING}&q=hydrogen" not in paths
    assert all("per_page=50" in path for path in paths)
    assert {key for key, _label, _addresses in families} == {"order_page", "search_en", "search_zh"}


def test_the_report_has_a_row_per_family_under_its_headers():
    answers = [{"status": 200, "total_ms": ms} for ms in (10.0, 20.0, 30.0)]
    run = {
        "database": "sqlite",
        "n": 1000,
        "pages": [{"key": "floor", "portal": {"status": 200, "p50_ms": 1.0}}],
        "first_visits": {
            "floor": first_visits._summary("the floor, one at a time", [{"status": 200, "total_ms": 5.0}]),
            "search_en": first_visits._summary("a new search word, English", answers),
        },
    }
    header, rule, floor, row = report.first_visits_table([run])
    assert "1 (floor)" in floor
    assert header.count("|") == rule.count("|") == row.count("|")
    assert "a new search word, English" in row and "200 ×3" in row and "4.00×" in row
