from django.contrib.auth.models import User
from django.core.management import BaseCommand

from leerlingen.demo import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Print the demo log-ins (after `manage.py demo`)."

    def handle(self, *args, **options):
        self.stdout.write(f"Every demo log-in has the password: {DEMO_PASSWORD}")
        for user in User.objects.filter(email__endswith="@demo.privacyschool.test").order_by("id"):
            self.stdout.write(f"  {user.username}")
