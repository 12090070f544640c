"""``manage.py bench [--repeat N] [--json FILE]``: p50/p95 and SQL queries of the key pages, as
the users who open them, against the configured database, next to a floor
(devtools/bench/pages.py).

Exits non-zero when a page could not be measured or did not answer 200 (after printing the
table and writing the JSON).
"""

import json
from pathlib import Path

from django.core.management import BaseCommand, CommandError

from devtools.bench import pages as bench


class Command(BaseCommand):
    help = "Time the key pages (p50/p95, SQL queries, ratio to a one-row floor) on this database."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=30, help="Timed requests per page.")
        parser.add_argument("--warmup", type=int, default=2, help="Untimed requests first.")
        parser.add_argument("--json", dest="json_path", metavar="FILE", help="Also write JSON.")
        parser.add_argument(
            "--board",
            type=int,
            default=None,
            help="Id of the board to measure (default: the one with the most pupils).",
        )

    def handle(
        self, *args, repeat: int, warmup: int, json_path: str | None, board: int | None, **options
    ):
        if repeat < 1 or warmup < 1:
            raise CommandError("--repeat and --warmup must be at least 1.")
        progress = None
        if options["verbosity"] >= 2:
            progress = lambda page: self.stderr.write(f"  {page.label} ({page.role})")  # noqa: E731
        report = bench.run(repeat=repeat, warmup=warmup, progress=progress, board=board)
        if json_path:
            text = json.dumps(report.as_dict(), indent=2, ensure_ascii=False)
            Path(json_path).write_text(text + "\n")
        self.stdout.write(bench.summary(report))
        self.stdout.write("")
        self.stdout.write(bench.format_table(report))
        if json_path:
            self.stdout.write(f"\nJSON written to {json_path}")
        if report.failed:
            count = len(report.pages) + 1
            raise CommandError(f"{len(report.failed)} of {count} measurements failed.")
