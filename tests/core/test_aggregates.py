"""Aggregates cached edition by edition: a change to one edition's projects aggregates only that edition again,
and every page still shows the change at once."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.caching.pages import CACHED_HEADER
from core.caching.tokens import changed
from portal.comparison import selectors as comparison_selectors
from projects.models import Project
from tests.factories import EditionFactory, ProjectFactory, SectorFactory

pytestmark = pytest.mark.django_db

MILLION = Decimal(10) ** 6


@pytest.fixture
def editions():
    sector = SectorFactory(slug="energy", name_en="Energy", name_zh="能源")
    editions = [EditionFactory(number=number, year=2000 + number) for number in (1, 2, 3)]
    for index, edition in enumerate(editions * 2):
        ProjectFactory(edition=edition, sector=sector, value=(index + 1) * 100 * MILLION, title=f"Plant {index}")
    return editions


class Aggregations:
    """The editions each aggregation was run for, by page, read from the SQL the test ran.

    The recorded statistics of the comparison pages sum the aggregate cells' illustrative counts; the facets of
    the projects table sum the cells by sector, scope, partner and band (or, under a search, group the projects
    by them). Each list is one query, so a list naming one edition means that edition alone was aggregated afresh.
    """

    def __init__(self, queries):
        self.queries = queries

    def by_page(self) -> dict[str, list[list[int]]]:
        found = {"comparison": [], "facets": []}
        for query in self.queries.captured_queries:
            sql = query["sql"]
            match = re.search(r'"edition_id" IN \(([\d, ]+)\)', sql)
            if not sql.lstrip("(").startswith("SELECT") or "GROUP BY" not in sql or match is None:
                continue
            ids = sorted(int(number) for number in match.group(1).split(","))
            if '"projects_aggregatecell"' in sql:
                if '"illustrative"' in sql:
                    found["comparison"].append(ids)
                elif '"band_position"' in sql and '"partner"' in sql:
                    found["facets"].append(ids)
            elif "projects_project" in sql and '"scope" AS "scope"' in sql and "CASE WHEN" in sql:
                found["facets"].append(ids)
        return found

    def __getitem__(self, page: str) -> list[list[int]]:
        return self.by_page()[page]

    def __eq__(self, other) -> bool:
        return self.by_page() == other


@pytest.fixture
def aggregated():
    with CaptureQueriesContext(connection) as queries:
        yield Aggregations(queries)


def recorded_counts(client) -> list[int]:
    """The recorded project count of each edition as the comparison page has it (rendered, then its selector)."""
    assert client.get(reverse("comparisons:index")).status_code == 200
    row = comparison_selectors.build_comparison(editions=comparison_selectors.published_editions()).row(
        comparison_selectors.PROJECT_COUNT
    )
    return [int(cell.quantity.value) if cell.quantity else 0 for cell in row.cells]


def test_an_edit_recounts_only_its_own_edition_and_groups_no_project(client, editions, aggregated):
    first, second, third = editions
    assert client.get(reverse("comparisons:index")).status_code == 200
    assert client.get(reverse("projects:list")).status_code == 200
    assert aggregated == {"comparison": [[first.pk, second.pk, third.pk]], "facets": [[first.pk, second.pk, third.pk]]}

    ProjectFactory(edition=second, sector=Project.objects.first().sector, value=5 * MILLION, title="Shed")

    comparison = client.get(reverse("comparisons:index"))
    listing = client.get(reverse("projects:list")).content.decode()
    assert aggregated["comparison"][1:] == [[second.pk]]
    # The facets' sums are read again from the cells (projects/cell_counts.py): one grouping of a few cells per
    # edition, the edited edition's cells already up to date; no project is grouped.
    assert aggregated["facets"][1:] == [[first.pk, second.pk, third.pk]]
    assert not [
        query["sql"]
        for query in aggregated.queries
        if "GROUP BY" in query["sql"] and "projects_project" in query["sql"]
    ]
    assert "Shed" in listing
    assert recorded_counts(client) == [2, 3, 2]
    assert CACHED_HEADER not in comparison  # rendered afresh, not the cached page of before the edit


def test_a_project_moved_between_editions_leaves_one_and_joins_the_other(client, editions, aggregated):
    first, _second, third = editions
    assert recorded_counts(client) == [2, 2, 2]
    project = Project.objects.filter(edition=first).first()  # read from the database: its edition is known
    project.edition = third
    project.save()
    assert recorded_counts(client) == [1, 2, 3]
    assert sorted(aggregated["comparison"][-1]) == sorted([first.pk, third.pk])


def test_a_project_moved_without_being_read_first_still_leaves_its_edition(client, editions):
    first, _second, third = editions
    assert recorded_counts(client) == [2, 2, 2]
    stored = Project.objects.filter(edition=first).values().first()
    stored["edition_id"] = third.pk
    Project(**stored).save()  # built by hand, as an import might: the old edition is looked up
    assert recorded_counts(client) == [1, 2, 3]


def test_a_renamed_sector_shows_in_every_editions_aggregates(client, editions, aggregated):
    # The sector rows are in the comparison's full table.
    assert "Energy" in client.get(reverse("comparisons:index"), {"view": "matrix"}).content.decode()
    sector = Project.objects.first().sector
    sector.name_en = "Power"
    sector.save()
    html = client.get(reverse("comparisons:index"), {"view": "matrix"}).content.decode()
    assert "Power" in html and "Energy" not in html
    assert aggregated["comparison"][-1] == sorted(edition.pk for edition in editions)


def test_an_edition_with_a_new_year_shows_it_in_the_facets(client, editions):
    url = reverse("projects:list")
    assert "(2002)" in client.get(url).content.decode()
    second = editions[1]
    second.year = 2012
    second.save()
    html = client.get(url).content.decode()
    assert "(2012)" in html and "(2002)" not in html


def test_a_bulk_write_followed_by_projects_changed_aggregates_every_edition(client, editions, aggregated):
    assert recorded_counts(client) == [2, 2, 2]
    Project.objects.filter(edition=editions[0]).update(edition=editions[2])  # no signals
    changed()
    assert recorded_counts(client) == [0, 2, 4]
    assert aggregated["comparison"][-1] == sorted(edition.pk for edition in editions)


def test_a_change_after_the_token_rows_were_emptied_creates_them_again(editions):
    from core.models import DataVersion

    DataVersion.objects.all().delete()
    ProjectFactory(edition=editions[1], sector=Project.objects.first().sector, value=MILLION, title="Kiosk")
    assert set(DataVersion.objects.values_list("name", flat=True)) == {"site", f"edition:{editions[1].pk}"}
