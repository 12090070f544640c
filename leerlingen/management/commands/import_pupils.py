"""``python manage.py import_pupils FILE --school BRIN [--dry-run]``: the admin's import, from a shell.

Prints the preview (counts and every error with row and column), then imports in one
transaction unless ``--dry-run`` is given or the file has errors (``--skip-bad-rows`` imports
the good rows). A progress bar shows on a terminal.
"""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, CommandError

from tqdm import tqdm

from leerlingen.imports import formats, reading
from leerlingen.imports.apply import ImportRefused
from leerlingen.imports.models import Importprofiel
from leerlingen.imports.services import import_file
from leerlingen.models import School


class Command(BaseCommand):
    help = "Import pupils and guardians from an export of the administration system (CSV or XLSX)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The export file (CSV or XLSX).")
        parser.add_argument("--school", required=True, help="BRIN of the school.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Only show what would change; write nothing."
        )
        parser.add_argument(
            "--format",
            choices=sorted(formats.FORMATS),
            help="The exporting system (default: recognise).",
        )
        parser.add_argument("--mapping", help="Name of a saved column mapping of the school.")
        parser.add_argument(
            "--skip-bad-rows",
            action="store_true",
            help="Import the good rows of a file with errors.",
        )
        parser.add_argument(
            "--user", help="Username recorded in the history as the importing user."
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(
        self,
        *args,
        file,
        school,
        dry_run,
        format,
        mapping,
        skip_bad_rows,
        user,
        no_progress,
        **options,
    ):
        try:
            school_obj = School.objects.get(brin=school)
        except School.DoesNotExist as exc:
            raise CommandError(f"No school with BRIN {school}.") from exc
        user_obj = None
        if user:
            user_obj = get_user_model().objects.filter(username=user).first()
            if user_obj is None:
                raise CommandError(f"No user {user}.")
        profiel = None
        if mapping:
            profiel = Importprofiel.objects.filter(school=school_obj, naam=mapping).first()
            if profiel is None:
                raise CommandError(f"The school has no saved column mapping named {mapping!r}.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        if path.stat().st_size > reading.MAX_BYTES:
            raise CommandError(f"The file is larger than {reading.MAX_BYTES // (1024 * 1024)} MB.")

        show = not no_progress and sys.stderr.isatty()

        def progress(iterable, **kwargs):
            return tqdm(iterable, disable=not show, file=sys.stderr, leave=False, **kwargs)

        try:
            plan, run = import_file(
                school=school_obj,
                user=user_obj,
                data=path.read_bytes(),
                filename=path.name,
                bron=format or "",
                profiel=profiel,
                dry_run=dry_run,
                skip_bad_rows=skip_bad_rows,
                progress=progress,
            )
        except (reading.ImportFileError, ImportRefused) as exc:
            raise CommandError(str(exc)) from exc

        for error in plan.fatal:
            self.stderr.write(str(error))
        if plan.fatal:
            raise CommandError("The file cannot be imported.")
        for error in plan.errors:
            self.stderr.write(str(error))
        if plan.error_count > len(plan.errors):
            self.stderr.write(f"... and {plan.error_count - len(plan.errors)} more errors.")
        for notice in plan.guardian_notices:  # row and reason only: no personal data
            self.stdout.write(str(notice))
        c = plan.counts()
        self.stdout.write(
            f"{c['aantal_rijen']} rows, {len(plan.bad_rows)} with errors. "
            f"Pupils: {c['leerlingen_nieuw']} new, {c['leerlingen_gewijzigd']} changed, "
            f"{c['leerlingen_ongewijzigd']} unchanged, {c['leerlingen_vertrokken']} left. "
            f"Guardians: {c['ouders_nieuw']} new, {c['ouders_gewijzigd']} changed, {c['ouders_ongewijzigd']} unchanged. "
            f"Custody relations: {c['relaties_nieuw']} new, {c['relaties_gewijzigd']} changed."
        )
        if dry_run:
            for change in plan.changed_pupils:
                # Which fields change, not their values: terminal output ends up in logs.
                self.stdout.write(
                    f"  pupil {change.ref}: " + ", ".join(str(f.label) for f in change.changes)
                )
            for pupil in plan.leavers:
                self.stdout.write(f"  pupil {pupil.leerlingnummer}: left")
            self.stdout.write("Dry run: nothing was written.")
            return
        if run is None:
            raise CommandError(
                "The file has rows with errors: nothing was imported. Fix the file, or use --skip-bad-rows."
            )
        self.stdout.write(self.style.SUCCESS(f"Imported (import {run.pk})."))
