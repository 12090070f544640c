from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import BaseCommand, CommandError

from leerlingen.mfa.enrolment import LINK_HOURS, issue_token_for_operator, link_url
from leerlingen.mfa.rules import has_confirmed_device


class Command(BaseCommand):
    help = (
        "Print a one-time enrolment link for two-step log-in, for the operator's first application "
        "administrator (everyone else gets theirs from a director or an administrator, by e-mail). "
        "The link is printed here only: it is not logged and not mailed."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", metavar="USERNAME")
        parser.add_argument(
            "--base-url", default=settings.SITE_URL, help="The site's address (default: SITE_URL)."
        )

    def handle(self, *args, username: str, base_url: str, **options):
        user = User.objects.filter(username=username, is_active=True, is_staff=True).first()
        if user is None:
            raise CommandError("No active staff account with that username.")
        if has_confirmed_device(user):
            raise CommandError(
                "This account already has a second factor. "
                "Another administrator can reset it at /mfa/collega-s/."
            )
        token = issue_token_for_operator(user=user)
        self.stdout.write(link_url(base_url, token))
        self.stdout.write(
            f"Valid once, for {LINK_HOURS} hours. Log in at {base_url.rstrip('/')}/admin/ "
            "with this account's password, then open the link and scan the code with an "
            "authenticator app."
        )
