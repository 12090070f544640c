from django.core.exceptions import ValidationError
from django.core.management import BaseCommand, CommandError

from tqdm import tqdm

from leerlingen.models import Vernietigingslijst, VernietigingslijstItem
from leerlingen.retention.destruction import carry_out_list, progress_of


class Command(BaseCommand):
    help = (
        "Carry out an approved destruction list whose waiting period has ended, in this process. "
        "Idempotent: a second run only does what is left."
    )

    def add_arguments(self, parser):
        parser.add_argument("list_id", type=int, metavar="LIST_ID")

    def handle(self, *args, list_id: int, **options):
        lijst = Vernietigingslijst.objects.filter(pk=list_id).first()
        if lijst is None:
            raise CommandError(f"No destruction list with id {list_id}.")
        if lijst.status == Vernietigingslijst.Status.OPEN:
            raise CommandError(f"List {lijst.naam} has not been approved by the director.")
        if lijst.status == Vernietigingslijst.Status.GEANNULEERD:
            raise CommandError(f"List {lijst.naam} was cancelled.")
        pending = lijst.items.filter(status=VernietigingslijstItem.Status.TE_VERNIETIGEN).count()
        with tqdm(
            total=pending,
            desc=lijst.naam,
            unit=" rec",
            disable=options["verbosity"] < 1,
            file=self.stderr._out,
        ) as bar:
            try:
                summary = carry_out_list(lijst_id=lijst.pk, progress=bar.update)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
        lijst.refresh_from_db()
        labels = dict(VernietigingslijstItem.Status.choices)
        self.stdout.write(f"List {lijst.naam}: {lijst.get_status_display()}")
        for status, n in sorted(summary.items()):
            self.stdout.write(f"  this run: {labels.get(status, status)}: {n}")
        for status, n in sorted(progress_of(lijst)["counts"].items()):
            self.stdout.write(f"  in total: {labels.get(status, status)}: {n}")
