"""Illustrative projects of one edition: groups, sectors, scope and dates, without a database."""

import datetime
from collections import Counter
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django_countries import countries

from demo.data import DemoDataError
from demo.generator import PARTNERS, ProjectGroup, generate_projects
from demo.values import ValueRange
from editions.models import Edition
from projects.models import ProjectKind, Scope

SECTORS = [
    SimpleNamespace(pk=n, name_en=name, name_zh=zh)
    for n, (name, zh) in enumerate(
        [
            ("New energy", "新能源"),
            ("Modern agriculture", "现代农业"),
            ("Equipment manufacturing", "装备制造"),
            ("Pharmaceuticals", "医药"),
            ("Healthcare", "医疗健康"),
            ("Modern services", "现代服务业"),
        ]
    )
]


def edition(**fields):
    defaults = {
        "number": 14,
        "year": 2023,
        "start_date": datetime.date(2023, 8, 23),
        "end_date": datetime.date(2023, 8, 27),
    }
    return Edition(**{**defaults, **fields})


def fourteenth(seed=2005, sectors=SECTORS):
    ranges = [
        ValueRange(Decimal(10**8), Decimal(5 * 10**8), 59),
        ValueRange(Decimal(5 * 10**8), Decimal(10**9), 18),
        ValueRange(Decimal(10**9), Decimal(5 * 10**9), 18),
        ValueRange(Decimal(5 * 10**9), None, 4),
    ]
    group = ProjectGroup(ProjectKind.CONTRACT, 99, Decimal(84_475_000_000), ranges)
    return generate_projects(edition=edition(), groups=[group], sectors=sectors, seed=seed)


def test_projects_add_up_and_are_marked_illustrative():
    projects = fourteenth()
    assert len(projects) == 99
    assert sum(project["value"] for project in projects) == Decimal(84_475_000_000)
    assert all(project["is_illustrative"] for project in projects)


def test_every_named_sector_gets_a_project_and_no_other_sector_does():
    used = Counter(project["sector"].name_en for project in fourteenth())
    assert set(used) == {sector.name_en for sector in SECTORS}


def test_partner_is_empty_exactly_for_domestic_projects():
    projects = fourteenth()
    scopes = Counter(project["scope"] for project in projects)
    assert scopes[Scope.INTERNATIONAL] > 10 and scopes[Scope.DOMESTIC] > 10
    for project in projects:
        if project["scope"] == Scope.DOMESTIC:
            assert project["partner"] == ""
        else:
            assert project["partner"] in PARTNERS


def test_projects_are_signed_during_the_edition_and_written_in_both_languages():
    for project in fourteenth():
        assert datetime.date(2023, 8, 23) <= project["signed_on"] <= datetime.date(2023, 8, 27)
        assert project["title"] and project["title_zh"].endswith("项目")
        assert project["parties"] and project["parties_zh"]
        assert project["description"].startswith("Illustrative demo record")
        assert project["location"].endswith(", Jilin")


def test_without_dates_projects_are_signed_in_the_editions_year():
    group = ProjectGroup(ProjectKind.CONTRACT, 30, Decimal(3 * 10**9))
    projects = generate_projects(
        edition=edition(number=3, year=2007, start_date=None, end_date=None), groups=[group], sectors=SECTORS, seed=1
    )
    assert {project["signed_on"].year for project in projects} == {2007}


def test_each_group_keeps_its_own_kind_count_and_total():
    groups = [
        ProjectGroup(ProjectKind.CONTRACT, 98, Decimal(117_100_000_000)),
        ProjectGroup(ProjectKind.AGREEMENT, 13, Decimal(79_100_000_000)),
    ]
    projects = generate_projects(edition=edition(number=13, year=2021), groups=groups, sectors=SECTORS, seed=5)
    for kind, count, total in [
        (ProjectKind.CONTRACT, 98, 117_100_000_000),
        (ProjectKind.AGREEMENT, 13, 79_100_000_000),
    ]:
        values = [project["value"] for project in projects if project["kind"] == kind]
        assert (len(values), sum(values)) == (count, Decimal(total))


def test_generation_is_deterministic_for_a_seed():
    def without_edition(projects):
        return [{name: value for name, value in project.items() if name != "edition"} for project in projects]

    assert without_edition(fourteenth(seed=11)) == without_edition(fourteenth(seed=11))
    assert without_edition(fourteenth(seed=11)) != without_edition(fourteenth(seed=12))


def test_every_partner_is_a_valid_country_or_region_code():
    assert set(PARTNERS) <= set(dict(countries))


def test_titles_repeat_only_with_a_phase():
    titles = Counter(project["title"] for project in fourteenth())
    assert max(titles.values()) == 1


def test_no_sectors_is_a_clear_error():
    with pytest.raises(DemoDataError, match="no sectors"):
        fourteenth(sectors=[])
