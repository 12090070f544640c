"""Fill PostgreSQL with a national-size dataset for the benchmarks (issue 11, docs/scale.md)."""

import os
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from tqdm import tqdm

from devtools.scale.generate import Generator
from leerlingen.models import Leerling, School


class Command(BaseCommand):
    help = "Generate boards, schools, pupils, families, staff, consent, requests and disclosures at national scale."

    def add_arguments(self, parser):
        parser.add_argument(
            "--pupils", type=int, default=100_000, help="Enrolled pupils (default 100,000)."
        )
        parser.add_argument(
            "--schools", type=int, default=None, help="Schools (default: one per 300 pupils)."
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--force", action="store_true", help="Add to a database that already holds pupils."
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=min(2, os.cpu_count() or 1),
            help="Processes writing at once (default: 2, or 1 on a one-core machine).",
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(
        self,
        *args,
        pupils: int,
        schools: int | None,
        seed: int,
        force: bool,
        jobs: int,
        no_progress: bool,
        **options,
    ):
        if connection.vendor != "postgresql":
            raise CommandError(
                "generate_scale writes with PostgreSQL's COPY: point DATABASE_URL at PostgreSQL."
            )
        if pupils < 1 or (schools is not None and schools < 1) or jobs < 1:
            raise CommandError("--pupils, --schools and --jobs must be at least 1.")
        if not force and (School.objects.exists() or Leerling.objects.exists()):
            raise CommandError(
                "The database already holds schools or pupils; use --force to add to it."
            )
        started = time.monotonic()
        with tqdm(
            total=round(pupils * 1.5), unit="pupils", disable=no_progress, mininterval=2
        ) as bar:
            counts = Generator(pupils=pupils, schools=schools, seed=seed, progress=bar.update).run(
                jobs=jobs
            )
        seconds = time.monotonic() - started
        self.stdout.write(
            f"{counts.pupils:,} pupils (+{counts.leavers:,} who left), {counts.parents:,} parents, "
            f"{counts.staff:,} staff, {counts.schools:,} schools, {counts.groups:,} classes, {counts.boards:,} boards; "
            f"{counts.rows:,} rows with their history in {seconds:.0f} s ({counts.rows / max(seconds, 0.001):,.0f} rows/s)."
        )
