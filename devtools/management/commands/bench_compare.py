"""``manage.py bench_compare SMALL.json LARGE.json``: two bench runs side by side, with the targets."""

import json
from pathlib import Path

from django.core.management import BaseCommand, CommandError

from devtools.bench.compare import combine, compare, markdown


class Command(BaseCommand):
    help = (
        "Compare two `bench --json` files (a small and a large database) against the scale targets."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "small", help="A bench JSON file, or several separated by commas (medians are used)."
        )
        parser.add_argument("large", help="The same for the larger database.")

    def handle(self, *args, small: str, large: str, **options):
        try:
            runs = [
                combine([json.loads(Path(name).read_text()) for name in side.split(",")])
                for side in (small, large)
            ]
        except (OSError, ValueError, KeyError, IndexError) as exc:
            raise CommandError(f"Could not read a bench file: {exc.__class__.__name__}.") from None
        self.stdout.write(markdown(compare(*runs), *runs))
