"""``manage.py bench_compare SMALL.json LARGE.json``: two bench runs side by side, with the targets."""

import json
from pathlib import Path

from django.core.management import BaseCommand, CommandError

from privacyschool.bench_compare import compare, markdown


class Command(BaseCommand):
    help = "Compare two `bench --json` files (a small and a large database) against the scale targets."

    def add_arguments(self, parser):
        parser.add_argument("small")
        parser.add_argument("large")

    def handle(self, *args, small: str, large: str, **options):
        try:
            runs = [json.loads(Path(name).read_text()) for name in (small, large)]
        except (OSError, ValueError) as exc:
            raise CommandError(f"Could not read a bench file: {exc.__class__.__name__}.") from None
        self.stdout.write(markdown(compare(*runs), *runs))
