"""An import of the advertised size finishes well inside a worker's 30 seconds, and batching the writes keeps
what a row-by-row import did: history naming the user and the file, version bumps, skipped unchanged rows,
the edition's cached aggregates made stale.

The benchmark (`pytest -m slow -s tests/projects/test_import_speed.py -k benchmark`) imports 10,000 projects
through the admin, dry run then confirm, against bulk_create of the same rows in the same run, on the same
clock (CPU time); it writes the ratio to bench/results/ and asserts it is at most 3.
"""

import json
import os
import resource
import statistics
from pathlib import Path

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.imports import IMPORT_FORMATS, MAX_IMPORT_ROWS
from projects.models import Project
from projects.resources import ProjectResource
from tests.factories import EditionFactory, SourceFactory
from tests.projects.test_imports import HEADERS, csv_bytes, project_rows, run_import
from tests.staff_helpers import login, role_user

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:projects_project_import")
CONFIRM_URL = reverse("admin:projects_project_process_import")
WORKER_TIMEOUT = 30
# Well inside it. Counted in this process's user CPU time, which other work on a busy machine does not
# inflate (the wall-clock time of each step was 3-10 s on an idle machine here). Not the system time: where
# the host reclaims memory it finds idle, touching it again costs page faults, which doubled the CPU time of
# the same confirmation from one run to the next (user time 7 s, system time 1-8 s) and are the machine's
# work, not the import's.
WELL_INSIDE = WORKER_TIMEOUT * 2 / 3


def user_time() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_utime


@pytest.fixture
def edition():
    SourceFactory(key="S1")
    return EditionFactory(number=14, draft=True)


def preview(client, content: bytes):
    response = client.post(
        IMPORT_URL, {"resource": "0", "format": "", "import_file": SimpleUploadedFile("projects.csv", content)}
    )
    assert response.status_code == 200
    assert "confirm_form" in response.context, response.context.get("error_lines")
    return response


def confirm(client, response):
    form = response.context["confirm_form"]
    done = client.post(CONFIRM_URL, {name: form.initial.get(name, "") for name in form.fields})
    assert done.status_code == 302, done.content[:500]
    return done


def test_a_file_at_the_row_limit_is_previewed_and_imported_well_inside_the_worker_timeout(client, edition):
    login(client, role_user(None))
    content = csv_bytes(HEADERS, project_rows(14, MAX_IMPORT_ROWS, "S1"))
    started = user_time()
    response = preview(client, content)
    previewed = user_time()
    assert previewed - started < WELL_INSIDE
    assert len(response.context["preview_rows"]) == 200  # the first rows, not twenty thousand
    assert "20,000 rows: 20,000 new, 0 to change, 0 unchanged. The first 200 are shown." in response.content.decode()
    form = response.context["confirm_form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    del response, form  # the confirmation is a request of its own: the preview is not kept in memory
    confirming = user_time()
    assert client.post(CONFIRM_URL, data).status_code == 302
    assert user_time() - confirming < WELL_INSIDE
    assert Project.objects.count() == MAX_IMPORT_ROWS


def test_a_batched_import_records_history_bumps_versions_and_skips_unchanged_rows(client, edition):
    user = login(client, role_user(None, username="importer")).user
    rows = project_rows(14, 3, "S1")
    confirm(client, preview(client, csv_bytes(HEADERS, rows)))
    first = Project.objects.get(title="Imported project 1")
    record = first.history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+",
        user,
        "imported from projects.csv",
    )
    assert first.version == 1

    rows[0][3] = "9亿"
    response = preview(client, csv_bytes(HEADERS, rows))
    assert "3 rows: 0 new, 1 to change, 2 unchanged." in response.content.decode()
    confirm(client, response)
    first.refresh_from_db()
    assert (first.value, first.version) == (900_000_000, 2)
    assert first.updated_at > first.created_at
    assert [record.history_type for record in first.history.all()] == ["~", "+"]
    assert first.history.first().history_change_reason == "imported from projects.csv"
    assert Project.objects.get(title="Imported project 2").history.count() == 1  # unchanged: skipped
    # One line in the admin's log per import, not one per row.
    assert LogEntry.objects.count() == 2
    assert "1 changed, 2 unchanged" in LogEntry.objects.first().change_message


def test_an_import_stales_the_cached_aggregates_of_its_editions_once(monkeypatch, edition):
    calls = []
    monkeypatch.setattr("projects.services.changed", lambda **kwargs: calls.append(kwargs))
    data = csv_bytes(HEADERS, project_rows(14, 30, "S1"))
    run_import(ProjectResource, data, IMPORT_FORMATS[0], dry_run=True)
    assert calls == []  # a preview changes nothing
    run_import(ProjectResource, data, IMPORT_FORMATS[0], dry_run=False)
    assert calls == [{"editions": {edition.pk}}]
    run_import(ProjectResource, data, IMPORT_FORMATS[0], dry_run=False)
    assert len(calls) == 1  # nothing changed the second time


def test_a_preview_writes_nothing_and_a_confirm_writes_in_batches(edition):
    data = csv_bytes(HEADERS, project_rows(14, 2_500, "S1"))
    with CaptureQueriesContext(connection) as preview_queries:
        result = run_import(ProjectResource, data, IMPORT_FORMATS[0], dry_run=True)
    assert result.totals["new"] == 2_500 and Project.objects.count() == 0
    assert statements(preview_queries, "INSERT", "UPDATE", "DELETE") == 0
    assert statements(preview_queries, "SELECT") < 15
    with CaptureQueriesContext(connection) as confirm_queries:
        run_import(ProjectResource, data, IMPORT_FORMATS[0], dry_run=False)
    assert Project.objects.count() == 2_500
    # Row by row it took two INSERTs per row (the project and its history) and a token UPDATE; batched, a
    # few dozen (SQLite takes some fifty rows per statement, PostgreSQL a thousand).
    assert statements(confirm_queries, "INSERT", "UPDATE") < 150


def statements(queries, *verbs) -> int:
    return sum(1 for query in queries.captured_queries if query["sql"].lstrip().upper().startswith(verbs))


# -- the benchmark --------------------------------------------------------------------------------------------

BENCHMARK_ROWS = 10_000
MAX_RATIO = 3
ROUNDS = 3


def cpu_seconds() -> float:
    """The user CPU time spent on the work so far: this process's and, on PostgreSQL, that of the server process
    answering its connection (same machine), so the database's share of an INSERT is counted on both sides.

    User time, not wall-clock or system time: on a shared machine the first is other people's work, and the
    second is the host paging back memory it reclaimed while idle (see WELL_INSIDE).
    """
    spent = resource.getrusage(resource.RUSAGE_SELF).ru_utime
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (pid,) = cursor.fetchone()
        stat = Path(f"/proc/{pid}/stat")
        if stat.exists():  # a server on another machine: only this process is counted
            # Fields after the command's name in parentheses; utime is the 14th field of the whole line.
            spent += int(stat.read_text().rsplit(")", 1)[1].split()[11]) / os.sysconf("SC_CLK_TCK")
    return spent


def _bulk_create_seconds(rows: list[list]) -> float:
    """bulk_create of the rows, already read into values, in a transaction that is rolled back."""
    resource = ProjectResource()
    fields = {field.column_name: field for field in resource.get_import_fields()}
    values = []
    for row in rows:
        cells = dict(zip(HEADERS, row, strict=True))
        clean = {fields[column].attribute: fields[column].clean(cells) for column in HEADERS}
        clean["scope"] = "international" if clean["partner"] else "domestic"
        values.append(clean)
    with transaction.atomic():
        started = cpu_seconds()
        Project.objects.bulk_create([Project(**clean) for clean in values])
        elapsed = cpu_seconds() - started
        transaction.set_rollback(True)
    return elapsed


def _import_seconds(client, content: bytes) -> tuple[float, float]:
    """The dry run and the confirmation of the file through the admin, the confirmation rolled back after."""
    started = cpu_seconds()
    response = preview(client, content)
    previewed = cpu_seconds()
    form = response.context["confirm_form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    del response, form  # the confirmation is a request of its own: the preview is not kept in memory
    with transaction.atomic():
        confirming = cpu_seconds()
        done = client.post(CONFIRM_URL, data)
        confirmed = cpu_seconds()
        assert done.status_code == 302
        assert Project.objects.count() == BENCHMARK_ROWS
        transaction.set_rollback(True)
    return previewed - started, confirmed - confirming


@pytest.mark.slow
def test_benchmark_10000_rows_dry_run_and_confirm_against_bulk_create(client, edition):
    """Both sides on one clock in one run, a few rounds of bulk_create then import: each round's two sides run
    under the same load from other work on the machine, and the median of the rounds' ratios is the one
    asserted (the ratio of the best rounds is written too)."""
    login(client, role_user(None))
    rows = project_rows(14, BENCHMARK_ROWS, "S1")
    content = csv_bytes(HEADERS, rows)
    bulk, dry_runs, confirms = [], [], []
    for __ in range(ROUNDS):
        bulk.append(_bulk_create_seconds(rows))
        dry_run, confirmed = _import_seconds(client, content)
        dry_runs.append(dry_run)
        confirms.append(confirmed)
    imports = [dry_run + confirmed for dry_run, confirmed in zip(dry_runs, confirms, strict=True)]
    measured = {
        "database": connection.vendor,
        "rows": BENCHMARK_ROWS,
        "clock": "user CPU seconds" + (", with the database server's" if connection.vendor == "postgresql" else ""),
        "bulk_create_seconds": [round(seconds, 3) for seconds in bulk],
        "dry_run_seconds": [round(seconds, 3) for seconds in dry_runs],
        "confirm_seconds": [round(seconds, 3) for seconds in confirms],
        "ratio": round(statistics.median(i / b for i, b in zip(imports, bulk, strict=True)), 2),
        "best_rounds_ratio": round(min(imports) / min(bulk), 2),
    }
    results = Path(__file__).resolve().parents[2] / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / f"import-{connection.vendor}.json").write_text(json.dumps(measured, indent=2) + "\n")
    print(f"\n{measured}")
    assert measured["ratio"] <= MAX_RATIO, measured
