"""Write every row the portal keeps to one JSON file (optionally compressed)."""

from django.core import serializers
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from core.models import derived_models

# Rebuilt by `migrate` (content types, permissions), transient (sessions, sign-in attempts), or cache
# bookkeeping (data versions) that restore_data replaces with fresh tokens. Rows derived from others
# (core.models.DerivedRows: aggregate cells, band tallies) are counted again when restored: `excluded()`.
EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "axes",
    "core.DataVersion",
]


def excluded() -> list[str]:
    return [*EXCLUDED, *(model._meta.label for model in derived_models())]


EXTENSIONS = (".json", ".json.gz", ".json.bz2", ".json.xz")
EXACT_JSON = "json-exact"


def check_backup_name(path: str) -> None:
    if not path.endswith(EXTENSIONS):
        raise CommandError(f"The backup file name must end with one of {', '.join(EXTENSIONS)}: {path}")


class Command(BaseCommand):
    help = (
        "Back up all portal data (editions, figures, sources, projects, users, history) to FILE, "
        "e.g. backup.json or backup.json.gz. Restore it with restore_data."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Where to write the backup (.json, .json.gz, .json.bz2, .json.xz).")

    def handle(self, *args, file: str, verbosity: int, **options):
        check_backup_name(file)
        serializers.register_serializer(EXACT_JSON, "core.management.json_exact")
        # Natural keys for content types and users keep the file valid in a database whose
        # content types were created in another order; models are written in dependency order.
        call_command(
            "dumpdata",
            format=EXACT_JSON,
            exclude=excluded(),
            natural_foreign=True,
            use_base_manager=True,
            output=file,
            verbosity=0,
        )
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"Backed up all portal data to {file}."))
