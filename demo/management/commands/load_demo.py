import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.accounts import DEMO_USERNAME, ensure_demo_admin
from demo.data import DemoDataError
from demo.loading import DEFAULT_SEED, load_demo


class Command(BaseCommand):
    help = (
        "Load the published facts of every edition and illustrative projects that reproduce them. "
        "Idempotent: a second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"Seed of the illustrative projects (default {DEFAULT_SEED}); the same seed gives the same projects.",
        )
        parser.add_argument(
            "--with-admin",
            action="store_true",
            help="Create the local demo admin account even when DEBUG is off. Never on a public server.",
        )

    def handle(self, *args, seed, with_admin, **options):
        started = time.perf_counter()
        try:
            load_demo(seed=seed, report=self.stdout.write)
        except DemoDataError as error:
            raise CommandError(f"The demo data cannot be loaded: {error}") from error

        if settings.DEBUG or with_admin:
            password = ensure_demo_admin()
            if password is None:
                self.stdout.write(
                    f"Demo admin: the account '{DEMO_USERNAME}' exists and was left unchanged "
                    f"(reset its password with: manage.py changepassword {DEMO_USERNAME})."
                )
            else:
                self.stdout.write(
                    self.style.WARNING(
                        f"Demo admin created for local use only: username '{DEMO_USERNAME}', password '{password}'."
                    )
                )
        else:
            self.stdout.write("Demo admin: skipped (DEBUG is off; pass --with-admin to create it anyway).")
        self.stdout.write(self.style.SUCCESS(f"Demo loaded in {time.perf_counter() - started:.1f} s."))
