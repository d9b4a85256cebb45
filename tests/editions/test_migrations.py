"""The migrations that change what a row means keep every stored link: run forwards over rows written before them."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("editions", "0006_sector_tables"), ("projects", "0005_sectors_to_editions_and_tokens_to_core")]
AFTER = [
    ("editions", "0009_bases_wordings_definitions_primary_sources_sector_names"),
    ("projects", "0006_illustrative_projects_generated_from_a_source"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor.loader.graph.leaf_nodes()


@pytest.fixture
def old_rows():
    apps = migrate(BEFORE)
    Source, Edition = apps.get_model("editions", "Source"), apps.get_model("editions", "Edition")
    Metric, Figure = apps.get_model("editions", "Metric"), apps.get_model("editions", "ReportedFigure")
    Sector, Project = apps.get_model("editions", "Sector"), apps.get_model("projects", "Project")
    late = Source.objects.create(
        key="M2", publisher="Later", url="https://example.org/2", published_on=datetime.date(2023, 9, 1)
    )
    early = Source.objects.create(
        key="M1", publisher="Earlier", url="https://example.org/1", published_on=datetime.date(2023, 8, 28)
    )
    edition = Edition.objects.create(number=90, year=2090, name_zh="博览会", name_en="Expo", city="Changchun")
    figure = Figure.objects.create(
        edition=edition, metric=Metric.objects.create(code="m90", name_en="M"), value=5, note="S9 says 6."
    )
    figure.sources.set([late, early])
    sector = Sector.objects.create(slug="s90", name_en="S90")
    common = {"edition": edition, "sector": sector, "value": 10**8}
    made_up = Project.objects.create(title="Made up", is_illustrative=True, source=early, **common)
    real = Project.objects.create(title="Real", source=late, **common)
    yield {"figure": figure.pk, "made_up": made_up.pk, "real": real.pk, "early": early.pk, "late": late.pk}
    migrate(latest())  # leave the database as the other tests expect it: every migration applied


def test_figures_keep_their_sources_the_earliest_becomes_primary_and_the_note_stays_for_staff(old_rows):
    apps = migrate(AFTER)
    figure = apps.get_model("editions", "ReportedFigure").objects.get(pk=old_rows["figure"])
    assert figure.primary_source_id == old_rows["early"]
    assert set(figure.sources.values_list("pk", flat=True)) == {old_rows["early"], old_rows["late"]}
    assert (figure.research_note, figure.public_note_en) == ("S9 says 6.", "")


def test_illustrative_projects_keep_their_release_as_generated_from_and_real_ones_their_source(old_rows):
    Project = migrate(AFTER).get_model("projects", "Project")
    made_up, real = Project.objects.get(pk=old_rows["made_up"]), Project.objects.get(pk=old_rows["real"])
    assert (made_up.source_id, made_up.generated_from_id) == (None, old_rows["early"])
    assert (real.source_id, real.generated_from_id) == (old_rows["late"], None)
