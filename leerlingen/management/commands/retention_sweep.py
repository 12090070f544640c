from django.core.management import BaseCommand, CommandError
from tqdm import tqdm

from leerlingen.models import Bewaarcategorie, School
from leerlingen.retention.sweep import run_sweep


class Command(BaseCommand):
    help = "Find every record whose retention term has run out and put it on its school's destruction list."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report what would be listed; change nothing.")
        parser.add_argument("--school", metavar="BRIN", help="Only this school.")

    def handle(self, *args, dry_run: bool, school: str | None, **options):
        target = None
        if school:
            target = School.objects.filter(brin=school.upper()).first()
            if target is None:
                raise CommandError(f"No school with BRIN {school}.")
        with tqdm(desc="records", unit=" rec", disable=options["verbosity"] < 1, file=self.stderr._out) as bar:
            result = run_sweep(school=target, dry_run=dry_run, progress=bar.update)
        labels = dict(Bewaarcategorie.choices)
        verb = "would be listed" if dry_run else "put on a list"
        self.stdout.write(f"Sweep {result.run.peildatum:%Y-%m-%d}{' (dry run)' if dry_run else ''}:")
        for brin in sorted(result.found):
            self.stdout.write(f"  {brin}: {result.found[brin]} expired, {result.added[brin]} {verb}")
        for categorie, n in sorted(result.by_category.items()):
            self.stdout.write(f"  {labels.get(categorie, categorie)}: {n}")
        for lijst in result.lists:
            self.stdout.write(self.style.SUCCESS(f"  list {lijst.naam} (id {lijst.pk}): {lijst.items.count()} records, awaiting approval"))
        if not result.lists and not dry_run:
            self.stdout.write("  nothing new to list")
