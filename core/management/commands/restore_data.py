"""Replace every row of the portal with those of a backup_data file, all or nothing."""

from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connection, transaction

from core.caching.tokens import changed
from core.management.backup_checks import CheckedLoaddata, RowRefused
from core.management.commands.backup_data import check_backup_name
from core.signals import data_restored


class Command(BaseCommand):
    help = (
        "Restore a backup written by backup_data: empties the database, then loads FILE, in one "
        "transaction; if anything fails, the database is left exactly as it was."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A file written by backup_data.")
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive", help="Do not ask for confirmation."
        )

    def handle(self, *args, file: str, interactive: bool, verbosity: int, **options):
        check_backup_name(file)
        if not Path(file).is_file():
            raise CommandError(f"No backup file at {file}.")
        if interactive:
            answer = input(
                f"This replaces ALL data in the '{DEFAULT_DB_ALIAS}' database with the contents of {file}.\n"
                "Type 'yes' to continue: "
            )
            if answer != "yes":
                raise CommandError("Restore cancelled; nothing was changed.")
        try:
            self.restore(file)
        except RowRefused as refused:
            reason = str(refused) if str(refused).endswith(".") else f"{refused}."
            raise CommandError(f"Backup {file} refused: {reason} The database was left as it was.") from refused
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"Restored all portal data from {file}."))

    def restore(self, file: str) -> None:
        """Empty the database and load the backup, in one transaction; RowRefused for a faulty row."""
        # The backup holds the history rows already; loading must not write new ones (simple-history
        # would record the many-to-many links that loaddata sets). This command runs in its own process.
        history_was_enabled = getattr(settings, "SIMPLE_HISTORY_ENABLED", True)
        settings.SIMPLE_HISTORY_ENABLED = False
        try:
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    # TRUNCATE refuses to run while deferred foreign-key checks of this transaction
                    # are pending; run them now, then defer again for loaddata's forward references.
                    with connection.cursor() as cursor:
                        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                call_command("flush", interactive=False, verbosity=0)
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                # loaddata, checking each row against its model's rules: SQLite would store what no page can show.
                call_command(CheckedLoaddata(), str(Path(file).resolve()), verbosity=0)
                data_restored.send(sender=self.__class__)
                # Loading sends no change signals: every cached page and aggregate is stale now.
                changed()
        finally:
            settings.SIMPLE_HISTORY_ENABLED = history_was_enabled
            # flush recreated the content types; a rollback would leave cached ones that no longer exist.
            ContentType.objects.clear_cache()
