from django.contrib.auth.models import User
from django.core.management import BaseCommand, CommandError, call_command

from leerlingen.demo import (
    DemoBuilder,
    current_logins,
    database_is_empty,
    demo_is_loaded,
    print_logins,
)
from leerlingen.models import Leerling, Ouder


class Command(BaseCommand):
    help = (
        "Load the demo board: two schools, a few hundred pupils, guardians, dossier items and one "
        "log-in per role. A database that holds the demo already is kept (its log-ins are printed)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Empty the database first, then load the demo."
        )
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, force: bool, seed: int, **options):
        if not database_is_empty():
            if not force and demo_is_loaded():
                self.stdout.write(
                    "The demo board is loaded already; keeping it "
                    "(`manage.py demo --force` loads it afresh)."
                )
                print_logins(self.stdout, current_logins())
                return
            if not force:
                raise CommandError(
                    "The database holds data that is not the demo. Use --force to replace "
                    "everything with the demo."
                )
            call_command("flush", interactive=False, verbosity=0)
        added = DemoBuilder(seed=seed).build()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo loaded: {Leerling.objects.count()} pupils, {Ouder.objects.count()} parents/guardians, "
                f"{User.objects.count()} users."
            )
        )
        users = set(User.objects.values_list("username", flat=True))
        # The log-ins described from the database (as on a later run), and the invitation codes
        # the steps issued (shown once: only their hash is stored).
        print_logins(self.stdout, current_logins() + [a for a in added if a.username not in users])
