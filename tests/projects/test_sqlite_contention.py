"""Two editors save one project at the same moment: one save wins, the other is refused as stale, nobody gets a 503.

On SQLite the loser of two simultaneous writes got "database is locked", which the site takes for an outage
(the 503 page). Only a database in a file shows it: an in-memory test database is one connection that the
threads would share. So on SQLite the saving threads use a file copy of the test database, opened with the
settings' own options; on PostgreSQL they use the test database itself.
"""

import sqlite3
import threading

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.utils import load_backend
from django.test import Client
from django.urls import reverse

from projects.models import Project
from tests.editions.test_roles import project_form_data
from tests.factories import EditionFactory, ProjectFactory
from tests.staff_helpers import login, role_user

# The savers need committed rows and connections of their own; the roles' groups come back afterwards.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROUNDS = 5
REFUSAL = "Someone else saved this project since you opened it, so your changes were not saved."


def file_database(tmp_path) -> dict | None:
    """On SQLite, the test database as it is now, copied to a file: the settings the threads connect with."""
    if connection.vendor != "sqlite":
        return None
    path = tmp_path / "contention.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as target:
        connection.connection.backup(target)
    target.close()
    return {**connection.settings_dict, "NAME": str(path)}


def in_thread(database: dict | None, work):
    """`work()` in a thread of its own, connected to `database` (None: the test database)."""
    outcome = {}

    def run():
        if database is not None:
            settings = connections.configure_settings({DEFAULT_DB_ALIAS: dict(database)})[DEFAULT_DB_ALIAS]
            connections[DEFAULT_DB_ALIAS] = load_backend(database["ENGINE"]).DatabaseWrapper(settings)
        try:
            outcome["value"] = work()
        except BaseException as error:  # re-raised in the test's thread
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def result(thread, outcome):
    thread.join(timeout=60)
    assert not thread.is_alive(), "a save did not finish within 60 s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def both_save_at_once(database, editors: dict, url: str, forms: dict) -> dict:
    """Each editor posts their form in a thread of their own, both at the same moment: the responses."""
    start = threading.Barrier(len(editors))

    def save(name):
        start.wait()
        return editors[name].post(url, forms[name])

    runs = {name: in_thread(database, lambda name=name: save(name)) for name in editors}
    return {name: result(*run) for name, run in runs.items()}


def test_of_two_simultaneous_saves_one_wins_and_the_other_is_refused_as_stale(tmp_path):
    projects = [
        ProjectFactory(edition=EditionFactory(draft=True), title=f"Wind farm {n}", location="Changchun")
        for n in range(ROUNDS)
    ]
    editors = {}
    for name in ["alice", "bob"]:
        editors[name] = login(Client(raise_request_exception=False), role_user("Editors", username=name))
    database = file_database(tmp_path)

    for project in projects:
        url = reverse("admin:projects_project_change", args=[project.pk])
        changes = {"alice": {"title": f"{project.title} (Alice)"}, "bob": {"location": "Jilin (Bob)"}}
        forms = {name: project_form_data(project, **changes[name]) for name in editors}

        responses = both_save_at_once(database, editors, url, forms)

        codes = sorted(response.status_code for response in responses.values())
        assert codes == [200, 302], f"{project.title}: {codes}"
        winner = next(name for name, response in responses.items() if response.status_code == 302)
        loser = next(name for name in editors if name != winner)
        assert REFUSAL in responses[loser].content.decode()

        # Nothing lost: the winner's change is stored, once; the loser's is not, and saves once the page is reloaded.
        stored = result(*in_thread(database, lambda pk=project.pk: Project.objects.get(pk=pk)))
        expected = forms[winner]
        assert (stored.title, stored.location, stored.version) == (expected["title"], expected["location"], 2)
        assert result(*in_thread(database, stored.history.count)) == 2
        again = project_form_data(stored, **changes[loser])
        saved_again = result(
            *in_thread(database, lambda url=url, name=loser, data=again: editors[name].post(url, data))
        )
        assert saved_again.status_code == 302
