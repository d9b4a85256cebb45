"""The aggregate cells and published band tallies follow every kind of write, in the write's transaction."""

from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Count, Q, Sum

from editions.models import ReportedBand
from projects.aggregates import AggregateCell, PublishedBandTally
from projects.bands import band_position_expression
from projects.models import Project, ProjectKind, Scope
from projects.tallying import rebuild_cells
from tests.factories import EditionFactory, ProjectFactory, ReportedBandFactory, SectorFactory

pytestmark = pytest.mark.django_db(transaction=False)

MILLION = Decimal(10) ** 6


def stored_cells(*, illustrative: bool = False) -> dict[tuple, tuple]:
    """{(edition, sector, scope, partner, kind, band position): (count, total[, illustrative count])}."""
    return {
        (cell.edition_id, cell.sector_id, cell.scope, cell.partner, cell.kind, cell.band_position): (
            cell.count,
            cell.total,
            *([cell.illustrative] if illustrative else []),
        )
        for cell in AggregateCell.objects.all()
    }


def counted_cells() -> dict[tuple, tuple[int, Decimal, int]]:
    """The cells as a GROUP BY over the projects gives them: what the stored ones must always equal."""
    grouped = (
        Project.objects.order_by()
        .annotate(band=band_position_expression())
        .values_list("edition_id", "sector_id", "scope", "partner", "kind", "band")
        .annotate(count=Count("pk"), total=Sum("value"), illustrative=Count("pk", filter=Q(is_illustrative=True)))
    )
    return {tuple(row[:6]): tuple(row[6:]) for row in grouped}


def stored_tallies() -> dict[int, tuple[int, Decimal]]:
    return {tally.band_id: (tally.count, tally.total) for tally in PublishedBandTally.objects.all()}


def counted_tallies() -> dict[int, tuple[int, Decimal]]:
    tallies = {}
    for band in ReportedBand.objects.all():
        projects = Project.objects.filter(edition=band.edition, value__gte=band.lower_yuan)
        if band.upper_yuan is not None and not band.is_nested:
            projects = projects.filter(value__lt=band.upper_yuan)
        counted = projects.aggregate(count=Count("pk"), total=Sum("value"))
        tallies[band.pk] = (counted["count"], counted["total"] or Decimal(0))
    return tallies


def assert_in_step():
    assert stored_cells(illustrative=True) == counted_cells()
    assert stored_tallies() == counted_tallies()


@pytest.fixture
def world():
    editions = [EditionFactory(number=1, year=2001), EditionFactory(number=2, year=2002)]
    sectors = [SectorFactory(slug="energy"), SectorFactory(slug="farming")]
    for edition in editions:
        # Edges that are not the site's bands: 300 million to 2 billion, and "over 1 billion" (nested).
        ReportedBandFactory(edition=edition, lower_yuan=300 * MILLION, upper_yuan=2000 * MILLION)
        ReportedBandFactory(edition=edition, lower_yuan=1000 * MILLION, upper_yuan=None, is_nested=True)
    return editions, sectors


def test_a_saved_project_is_counted_in_its_cell_and_bands(world):
    (first, _), (energy, _) = world
    project = ProjectFactory(edition=first, sector=energy, value=1500 * MILLION)
    key = (first.pk, energy.pk, Scope.DOMESTIC, "", ProjectKind.CONTRACT, 3)
    assert stored_cells() == {key: (1, 1500 * MILLION)}
    assert sorted(stored_tallies().values()) == [(0, 0), (0, 0), (1, 1500 * MILLION), (1, 1500 * MILLION)]
    ProjectFactory(edition=first, sector=energy, value=1200 * MILLION)
    assert stored_cells() == {key: (2, 2700 * MILLION)}
    assert_in_step()
    assert project.pk


def test_changing_sector_edition_scope_and_value_moves_the_counts(world):
    (first, second), (energy, farming) = world
    project = ProjectFactory(edition=first, sector=energy, value=50 * MILLION)
    ProjectFactory(edition=first, sector=energy, value=60 * MILLION)
    project.sector = farming
    project.save()
    assert_in_step()
    project.edition = second
    project.value = 2500 * MILLION
    project.save()
    assert_in_step()
    project.scope, project.partner = Scope.INTERNATIONAL, "RU"
    project.save()
    assert stored_cells()[second.pk, farming.pk, Scope.INTERNATIONAL, "RU", ProjectKind.CONTRACT, 3] == (
        1,
        2500 * MILLION,
    )
    assert_in_step()
    # Saved again from a fresh copy read with only some fields, and one built by hand with its key.
    partial = Project.objects.only("pk", "value").get(pk=project.pk)
    partial.value = 400 * MILLION
    partial.save(update_fields=["value"])
    assert_in_step()
    by_hand = Project.objects.get(pk=project.pk)
    by_hand.__dict__.pop("_loaded_state")
    by_hand.sector = energy
    by_hand.save()
    assert_in_step()


def test_a_deleted_project_leaves_its_cell(world):
    (first, _), (energy, _) = world
    project = ProjectFactory(edition=first, sector=energy)
    project.delete()
    assert stored_cells() == {}
    assert_in_step()


def test_bulk_create_queryset_update_and_delete(world):
    (first, second), (energy, farming) = world
    template = ProjectFactory.build(edition=first, sector=energy)
    Project.objects.bulk_create(
        [
            Project(
                **{field.attname: getattr(template, field.attname) for field in Project._meta.concrete_fields
                   if field.attname != "id"},
            )
            for _ in range(5)
        ]
    )  # fmt: skip
    assert stored_cells()[first.pk, energy.pk, Scope.DOMESTIC, "", ProjectKind.CONTRACT, 1][0] == 5
    assert_in_step()
    Project.objects.filter(pk__in=Project.objects.values("pk")[:2]).update(sector=farming, value=1800 * MILLION)
    assert_in_step()
    Project.objects.filter(sector=farming).update(edition=second)
    assert_in_step()
    Project.objects.filter(sector=energy).delete()
    assert_in_step()
    assert set(stored_cells()) == {(second.pk, farming.pk, Scope.DOMESTIC, "", ProjectKind.CONTRACT, 3)}
    # An update of a field no aggregate reads counts nothing again.
    Project.objects.update(title="Renamed")
    assert_in_step()


def test_a_copy_read_before_another_write_saves_and_deletes_right(world):
    (first, second), (energy, farming) = world
    project = ProjectFactory(edition=first, sector=energy, value=50 * MILLION)
    stale = Project.objects.get(pk=project.pk)
    Project.objects.filter(pk=project.pk).update(sector=farming, value=700 * MILLION)
    project.refresh_from_db()
    project.edition = second
    project.save()
    stale.value = 1200 * MILLION  # saved over the other write: the row is what counts, not what was read
    stale.save()
    assert_in_step()
    Project.objects.filter(pk=project.pk).update(edition=first)
    project.delete()  # read while in the second edition
    assert_in_step()
    assert stored_cells() == {}


def test_bulk_update(world):
    (first, second), (energy, farming) = world
    projects = [ProjectFactory(edition=first, sector=energy, value=(index + 1) * 400 * MILLION) for index in range(3)]
    for project in projects:
        project.sector, project.value = farming, project.value * 2
    projects[0].edition = second  # not among the fields written: stays in the first edition
    Project.objects.bulk_update(projects, ["sector", "value"])
    assert_in_step()
    assert all(key[0] == first.pk for key in stored_cells())


def test_a_failed_write_leaves_the_cells_as_they_were(world):
    (first, _), (energy, _) = world
    project = ProjectFactory(edition=first, sector=energy)
    before = stored_cells(illustrative=True)
    with pytest.raises(RuntimeError), transaction.atomic():
        ProjectFactory(edition=first, sector=energy, value=9000 * MILLION)
        raise RuntimeError
    assert stored_cells(illustrative=True) == before
    # A change of kind and of illustrative, rolled back, leaves both where they were.
    with pytest.raises(RuntimeError), transaction.atomic():
        project.kind, project.is_illustrative, project.source = ProjectKind.INTENT, True, None
        project.save()
        assert stored_cells(illustrative=True) != before
        raise RuntimeError
    assert stored_cells(illustrative=True) == before
    assert_in_step()


def test_the_kind_and_illustrative_count_follow_every_write(world):
    (first, second), (energy, _) = world
    key = (first.pk, energy.pk, Scope.DOMESTIC, "")
    project = ProjectFactory(edition=first, sector=energy, value=50 * MILLION)
    made_up = ProjectFactory(edition=first, sector=energy, value=60 * MILLION, is_illustrative=True)
    # One cell of contract projects, one of them illustrative.
    assert stored_cells(illustrative=True) == {(*key, ProjectKind.CONTRACT, 0): (2, 110 * MILLION, 1)}
    project.kind = ProjectKind.AGREEMENT
    project.save()
    assert stored_cells(illustrative=True) == {
        (*key, ProjectKind.CONTRACT, 0): (1, 60 * MILLION, 1),
        (*key, ProjectKind.AGREEMENT, 0): (1, 50 * MILLION, 0),
    }
    # Made up or not changes no count or total: the illustrative count alone moves.
    made_up.is_illustrative, made_up.generated_from = False, None
    made_up.save(update_fields=["is_illustrative", "generated_from"])
    assert stored_cells(illustrative=True)[(*key, ProjectKind.CONTRACT, 0)] == (1, 60 * MILLION, 0)
    assert_in_step()
    Project.objects.filter(pk=made_up.pk).update(kind=ProjectKind.INTENT)
    assert_in_step()
    project.refresh_from_db()
    made_up.refresh_from_db()
    project.kind, made_up.kind, made_up.edition = ProjectKind.CONTRACT, ProjectKind.AGREEMENT, second
    Project.objects.bulk_update([project, made_up], ["kind"])  # the edition is not among the fields written
    assert {cell[4] for cell in stored_cells()} == {ProjectKind.CONTRACT, ProjectKind.AGREEMENT}
    assert_in_step()
    Project.objects.bulk_create([ProjectFactory.build(edition=second, sector=energy, is_illustrative=True,
                                                      kind=ProjectKind.INTENT, generated_from=None)])  # fmt: skip
    assert stored_cells(illustrative=True)[second.pk, energy.pk, Scope.DOMESTIC, "", ProjectKind.INTENT, 1] == (
        1,
        Decimal("250000000.00"),
        1,
    )
    assert_in_step()
    project.delete()
    assert_in_step()


def test_a_band_added_or_changed_counts_its_projects(world):
    (first, _), (energy, _) = world
    ProjectFactory(edition=first, sector=energy, value=150 * MILLION)
    ProjectFactory(edition=first, sector=energy, value=700 * MILLION)
    band = ReportedBandFactory(edition=first, lower_yuan=100 * MILLION, upper_yuan=200 * MILLION)
    assert stored_tallies()[band.pk] == (1, 150 * MILLION)
    band.upper_yuan = 800 * MILLION
    band.save()
    assert stored_tallies()[band.pk] == (2, 850 * MILLION)
    assert_in_step()


def test_rebuild_counts_rows_written_behind_the_models_back(world):
    (first, _), (energy, _) = world
    ProjectFactory(edition=first, sector=energy)
    AggregateCell.objects.all().delete()
    PublishedBandTally.objects.filter(band__edition=first).delete()
    rebuild_cells([first.pk])
    assert_in_step()
    AggregateCell.objects.all().delete()
    rebuild_cells()
    assert_in_step()
