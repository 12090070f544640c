from django.core.management import BaseCommand

from leerlingen.demo import current_logins, print_logins


class Command(BaseCommand):
    help = "Print the demo log-ins and their roles (after `manage.py demo`)."

    def handle(self, *args, **options):
        print_logins(self.stdout, current_logins())
