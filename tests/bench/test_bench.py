"""The benchmark harness: its data generator and its arithmetic (nothing here is timed)."""

import pytest

from bench import report
from bench.generate import generate
from bench.stats import percentile, ratio, summarise
from editions.models import Edition, ReportedFigure, Sector
from projects.bands import VALUE_BANDS, band_for
from projects.models import Project


def snapshot():
    return list(
        Project.objects.order_by("title").values_list(
            "edition__number", "title", "sector__slug", "scope", "partner", "value", "signed_on", "kind", "status"
        )
    )


@pytest.mark.django_db
class TestGenerator:
    def test_creates_n_projects_over_published_editions(self):
        generated = generate(n=200, editions=4, seed=7)

        assert generated.projects == 200
        assert Project.objects.count() == 200
        assert Project.objects.public().count() == 200
        assert list(Edition.objects.published().values_list("number", flat=True)) == [1, 2, 3, 4]
        assert set(Project.objects.values_list("edition__number", flat=True)) == {1, 2, 3, 4}
        assert Project.objects.filter(is_illustrative=False).count() == 0

    def test_rows_carry_their_editions_number_which_the_table_sorts_by(self):
        generate(n=200, editions=4, seed=7)

        pairs = set(Project.objects.values_list("edition_number", "edition__number"))
        assert pairs == {(1, 1), (2, 2), (3, 3), (4, 4)}

    def test_values_fall_in_every_band(self):
        generate(n=200, editions=4, seed=7)

        bands = {band_for(value).slug for value in Project.objects.values_list("value", flat=True)}
        assert bands == {band.slug for band in VALUE_BANDS}

    def test_uses_the_standard_sectors_and_a_few_more(self):
        generate(n=200, editions=4, seed=7)

        used = set(Project.objects.values_list("sector__slug", flat=True))
        assert "new-energy" in used
        assert "digital-economy" in Sector.objects.values_list("slug", flat=True)
        assert len(used) > 10

    def test_international_projects_have_a_partner(self):
        generate(n=200, editions=4, seed=7)

        assert Project.objects.filter(scope="international").exclude(partner="").count() > 0
        assert Project.objects.filter(scope="international", partner="").count() == 0
        assert Project.objects.filter(scope="domestic").exclude(partner="").count() == 0

    def test_same_seed_gives_the_same_rows(self):
        generate(n=200, editions=4, seed=7)
        first = snapshot()
        Project.objects.all().delete()

        generate(n=200, editions=4, seed=7)

        assert snapshot() == first

    def test_another_seed_gives_other_rows(self):
        generate(n=200, editions=4, seed=7)
        first = snapshot()
        Project.objects.all().delete()

        generate(n=200, editions=4, seed=8)

        assert snapshot() != first

    def test_reported_project_counts_match_the_rows(self):
        generate(n=200, editions=4, seed=7)

        figure = ReportedFigure.objects.get(edition__number=2, metric__code="projects_signed")
        assert figure.value == Project.objects.filter(edition__number=2).count()


class TestArithmetic:
    def test_percentiles_interpolate_between_ranks(self):
        values = list(range(1, 101))

        assert percentile(values, 50) == pytest.approx(50.5)
        assert percentile(values, 95) == pytest.approx(95.05)
        assert percentile(values, 99) == pytest.approx(99.01)
        assert percentile([7.0], 99) == 7.0
        assert percentile([], 50) is None

    def test_percentiles_do_not_depend_on_order(self):
        assert summarise([30, 10, 20]) == summarise([10, 20, 30]) == {"p50_ms": 20, "p95_ms": 29, "p99_ms": 29.8}

    def test_percentile_outside_0_to_100_is_refused(self):
        with pytest.raises(ValueError, match="between 0 and 100"):
            percentile([1, 2], 101)

    def test_ratio_is_empty_without_a_reference(self):
        assert ratio(30, 10) == 3
        assert ratio(None, 10) is None
        assert ratio(30, None) is None
        assert ratio(30, 0) is None

    def test_ratios_to_floor_and_datasette_only_where_both_answered_200(self):
        ok = {"status": "200", "statuses": {"200": 10}}
        run = {
            "pages": [
                {"key": "floor", "portal": {**ok, "p50_ms": 2.0}},
                {
                    "key": "sorted",
                    "portal": {**ok, "p50_ms": 5.0},
                    "datasette_shipped": {**ok, "p50_ms": 50.0},
                    "datasette_tuned": {**ok, "p50_ms": 4.0},
                },
                {"key": "compare", "portal": {"status": "404", "statuses": {"404": 10}, "p50_ms": 1.0}},
                {"key": "export", "export": True, "portal": {**ok, "p50_ms": 900.0}, "datasette_tuned": None},
            ]
        }

        report.add_ratios(run)

        floor, sorted_page, compare, export = run["pages"]
        assert floor["ratio_floor"] is None
        assert sorted_page["ratio_floor"] == 2.5
        assert sorted_page["ratio_datasette_shipped"] == 0.1
        assert sorted_page["ratio_datasette_tuned"] == 1.25
        assert compare["ratio_floor"] is None
        assert export["ratio_floor"] is None
        assert export["ratio_datasette_tuned"] is None

    def test_table_has_a_cell_under_every_header_and_names_each_comparison(self):
        ok = {"status": "200", "statuses": {"200": 10}, "p50_ms": 5.0}
        page = {"key": "sorted", "label": "sorted", "portal": ok, "datasette_tuned": {**ok, "p50_ms": 10.0}}
        run = {"database": "sqlite", "n": 1000, "pages": [page]}
        report.add_ratios(run)

        header, rule, row = report.latency_table([run])

        names = [cell.strip() for cell in header.strip("|").split("|")]
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert names[-5:] == [
            "p50 ÷ floor",
            "Datasette as shipped p50 ms",
            "p50 ÷ Datasette as shipped",
            "Datasette tuned p50 ms",
            "p50 ÷ Datasette tuned",
        ]
        assert len(cells) == len(names) == rule.count("|") - 1
        assert dict(zip(names, cells, strict=True))["p50 ÷ Datasette tuned"] == "0.50×"

    def test_table_shows_the_cold_first_request_beside_the_percentiles(self):
        ok = {"status": "200", "statuses": {"200": 10}}
        page = {"key": "sorted", "label": "sorted", "portal": {**ok, "first_ms": 412.0, "p50_ms": 5.0}}
        run = {"database": "sqlite", "n": 1000, "pages": [page]}
        report.add_ratios(run)

        header, _rule, row = report.latency_table([run])

        columns = [cell.strip() for cell in header.strip("|").split("|")]
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert cells[columns.index("first (cold) ms")] == "412"
        assert cells[columns.index("p50 ms")] == "5.0"

    def test_a_page_that_is_not_200_shows_its_statuses(self):
        assert report.status_text({"status": "500", "statuses": {"500": 3, "200": 7}}) == "200 ×7, 500 ×3"
        assert report.status_text({"status": "404", "statuses": {"404": 9}}) == "404"
        assert report.status_text(None) == "—"
