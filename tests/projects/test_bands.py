"""The press's value bands: lower bounds inclusive, the same answer in Python and in the database."""

from decimal import Decimal

import pytest

from projects.bands import BANDS_BY_SLUG, VALUE_BANDS, band_for, bands_wholly_within, bands_within
from projects.models import Project
from tests.factories import ProjectFactory

EDGES = [
    ("0.01", "under-100m"),
    ("99999999.99", "under-100m"),
    ("100000000", "100m-500m"),
    ("100000000.01", "100m-500m"),
    ("499999999.99", "100m-500m"),
    ("500000000", "500m-1b"),
    ("999999999.99", "500m-1b"),
    ("1000000000", "1b-5b"),
    ("4999999999.99", "1b-5b"),
    ("5000000000", "5b-plus"),
    # SQLite keeps 15 significant digits, so the top edge tested is just under 10 trillion yuan.
    ("9999999999999.99", "5b-plus"),
]


@pytest.mark.parametrize(("value", "slug"), EDGES)
def test_band_for_puts_each_edge_in_the_right_band(value, slug):
    assert band_for(Decimal(value)).slug == slug


def test_bands_cover_every_value_once_in_order():
    assert [band.slug for band in VALUE_BANDS] == ["under-100m", "100m-500m", "500m-1b", "1b-5b", "5b-plus"]
    for lower, upper in zip(VALUE_BANDS, VALUE_BANDS[1:], strict=False):
        assert lower.upper == upper.lower
    assert VALUE_BANDS[0].lower is None and VALUE_BANDS[-1].upper is None
    assert [band.position for band in VALUE_BANDS] == [0, 1, 2, 3, 4]


def test_band_labels_read_as_the_press_writes_them():
    assert [str(band.label) for band in VALUE_BANDS] == [
        "under 100 million yuan",
        "100–500 million yuan",
        "500 million–1 billion yuan",
        "1–5 billion yuan",
        "5 billion yuan and over",
    ]


@pytest.mark.django_db
def test_the_database_agrees_with_band_for_at_every_edge():
    projects = {ProjectFactory(value=Decimal(value)).pk: slug for value, slug in EDGES}
    for project in Project.objects.with_band():
        assert VALUE_BANDS[project.band_position].slug == projects[project.pk]
        assert project.band_position == band_for(project.value).position
        assert project.band.slug == projects[project.pk]


@pytest.mark.django_db
@pytest.mark.parametrize("slug", list(BANDS_BY_SLUG))
def test_filtering_by_a_band_finds_exactly_its_edges(slug):
    for value, _ in EDGES:
        ProjectFactory(value=Decimal(value))
    found = sorted(Project.objects.filter(BANDS_BY_SLUG[slug].q()).values_list("value", flat=True))
    assert found == sorted(Decimal(value) for value, band in EDGES if band == slug)


@pytest.mark.parametrize(
    ("lower", "upper", "positions"),
    [
        (None, None, [0, 1, 2, 3, 4]),
        ("0", None, [0, 1, 2, 3, 4]),
        ("0.01", None, [0, 1, 2, 3, 4]),
        ("100000000", None, [1, 2, 3, 4]),
        (None, "99999999.99", [0]),
        ("500000000", "4999999999.99", [2, 3]),
        ("5000000000", "100", []),
        # Cutting a band: its edge value (inclusive upper end), or any value inside it.
        (None, "100000000", None),
        (None, "500000000", None),
        ("100000000.01", None, None),
        ("0.02", None, None),
        ("7000000000", "6000000000", None),
    ],
)
def test_bands_within_a_range_are_those_it_holds_whole(lower, upper, positions):
    def decimal(text):
        return None if text is None else Decimal(text)

    assert bands_within(decimal(lower), decimal(upper)) == positions


@pytest.mark.parametrize(
    ("lower", "upper", "positions"),
    [
        (None, None, [0, 1, 2, 3, 4]),
        ("100000000", None, [1, 2, 3, 4]),
        # Cutting a band, the bands held whole all the same.
        (None, "100000000", [0]),
        ("150000000", None, [2, 3, 4]),
        ("150000000", "999999999.99", [2]),
        ("100000000.01", "5000000000", [2, 3]),
        ("200000000", "400000000", []),
        ("7000000000", "6000000000", []),
    ],
)
def test_bands_wholly_within_a_range_are_those_it_holds_whole_whatever_it_cuts(lower, upper, positions):
    def decimal(text):
        return None if text is None else Decimal(text)

    assert bands_wholly_within(decimal(lower), decimal(upper)) == positions
    if bands_within(decimal(lower), decimal(upper)) is not None:  # cutting none: the same bands
        assert bands_within(decimal(lower), decimal(upper)) == positions
