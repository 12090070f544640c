from datetime import date

from django.core.management import BaseCommand, CommandError

from tqdm import tqdm

from leerlingen.models import Bewaarcategorie, School
from leerlingen.retention.sweep import run_sweep


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today takes a date as YYYY-MM-DD, not {value!r}.") from None


class Command(BaseCommand):
    help = (
        "Find every record whose retention term has run out and put it on its school's destruction list. "
        "With --dry-run nothing changes: the candidates are printed per retention category "
        "(with --today, as a future date would bring them)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would be listed; change nothing."
        )
        parser.add_argument("--school", metavar="BRIN", help="Only this school.")
        parser.add_argument(
            "--today",
            metavar="YYYY-MM-DD",
            help="Check the terms against this date (default: today).",
        )

    def handle(self, *args, dry_run: bool, school: str | None, today: str | None, **options):
        target = None
        if school:
            target = School.objects.filter(brin=school.upper()).first()
            if target is None:
                raise CommandError(f"No school with BRIN {school}.")
        peildatum = _date(today) if today else None
        with tqdm(
            desc="records", unit=" rec", disable=options["verbosity"] < 1, file=self.stderr._out
        ) as bar:
            result = run_sweep(school=target, today=peildatum, dry_run=dry_run, progress=bar.update)
        labels = dict(Bewaarcategorie.choices)
        verb = "would be listed" if dry_run else "put on a list"
        self.stdout.write(
            f"Sweep {result.run.peildatum:%Y-%m-%d}{' (dry run)' if dry_run else ''}:"
        )
        for brin in sorted(result.found):
            self.stdout.write(
                f"  {brin}: {result.found[brin]} expired, {result.added[brin]} {verb}"
            )
        for categorie in Bewaarcategorie.values:
            n = result.by_category.get(categorie, 0)
            if n or dry_run:
                self.stdout.write(f"  {labels[categorie]}: {n}")
            if dry_run:
                rows = sorted(
                    ((brin, c) for brin, c in result.candidates if c.categorie == categorie),
                    key=lambda row: (
                        row[0],
                        row[1].vervaldatum,
                        row[1].model._meta.label,
                        row[1].object_id,
                    ),
                )
                for brin, c in rows:
                    extern = (
                        " (kept in another system: its owner confirms the deletion)"
                        if c.extern
                        else ""
                    )
                    self.stdout.write(
                        f"    {brin} {c.model._meta.label} #{c.object_id}: term ran out on {c.vervaldatum:%Y-%m-%d}{extern}"
                    )
        for lijst in result.lists:
            self.stdout.write(
                self.style.SUCCESS(
                    f"  list {lijst.naam} (id {lijst.pk}): {lijst.items.count()} records, awaiting approval"
                )
            )
        if not result.lists and not dry_run:
            self.stdout.write("  nothing new to list")
