from django.contrib.auth.models import User
from django.core.management import BaseCommand, CommandError, call_command

from leerlingen.demo import DEMO_PASSWORD, DemoBuilder, database_is_empty
from leerlingen.models import Leerling, Ouder


class Command(BaseCommand):
    help = "Load the demo board: two schools, a few hundred pupils, guardians, dossier items and one log-in per role."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Empty the database first, then load the demo."
        )
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, force: bool, seed: int, **options):
        if not database_is_empty():
            if not force:
                raise CommandError(
                    "The database is not empty. Use --force to replace everything with the demo."
                )
            call_command("flush", interactive=False, verbosity=0)
        logins = DemoBuilder(seed=seed).build()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo loaded: {Leerling.objects.count()} pupils, {Ouder.objects.count()} parents/guardians, "
                f"{User.objects.count()} users."
            )
        )
        self.stdout.write(f"Every demo log-in has the password: {DEMO_PASSWORD}")
        for login in logins:
            self.stdout.write(f"  {login.username:<15} {login.rol:<14} {login.description}")
