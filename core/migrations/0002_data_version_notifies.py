"""On PostgreSQL, every write to the data tokens tells the listening processes at once (core/caching/notices.py).

A trigger rather than a NOTIFY in tokens.changed(): a backup restored, a fixture loaded or a row changed by hand
writes the rows without going through it, and the processes must hear of those too. SQLite has nothing to do:
its processes read the tokens from the file on every request, which costs no round trip.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION expo_data_tokens_changed() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('expo_data_tokens', '');
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER expo_data_tokens_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON core_dataversion
    FOR EACH STATEMENT EXECUTE FUNCTION expo_data_tokens_changed();
"""

DROP = """
DROP TRIGGER IF EXISTS expo_data_tokens_changed ON core_dataversion;
DROP FUNCTION IF EXISTS expo_data_tokens_changed();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
