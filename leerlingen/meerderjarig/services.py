"""Adult pupils: the closing of the parents' view on the 18th birthday (once, by the daily task)
and the pupil's decisions per parent. The rule is ``leerlingen.custody``'s; the scope reads it."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from core import outbox

from .. import custody
from ..models import Gezagsrelatie, Leerling, Ouder
from .models import Meerderjarigheid, Ouderinzage
from .tasks import INVITATION, PARENT_CLOSED, PARENT_OUTCOME


@transaction.atomic
def close_parents_view(*, leerling: Leerling, on: date | None = None) -> Meerderjarigheid:
    """Record that the parents' view closed on the 18th birthday, invite the pupil to decide and
    tell the parents. Idempotent: once per pupil."""
    on = on or timezone.localdate()
    if not custody.is_adult(leerling, on):
        raise ValueError("The pupil is not 18 yet.")
    row, created = Meerderjarigheid.objects.get_or_create(
        leerling=leerling,
        defaults={
            "datum": on,
            "status": Meerderjarigheid.Status.TE_VERZENDEN
            if leerling.email
            else Meerderjarigheid.Status.GEEN_EMAIL,
        },
    )
    if created:
        if row.status == Meerderjarigheid.Status.TE_VERZENDEN:
            outbox.notify(INVITATION, meerderjarigheid_id=row.pk)
        for relatie in Gezagsrelatie.objects.filter(leerling=leerling).order_by("id"):
            outbox.notify(PARENT_CLOSED, meerderjarigheid_id=row.pk, ouder_id=relatie.ouder_id)
    return row


def parents_of(leerling: Leerling) -> list[tuple[Ouder, Ouderinzage | None]]:
    """The pupil's parents, each with the pupil's current decision (None: not decided: no view)."""
    decisions = {i.ouder_id: i for i in Ouderinzage.objects.filter(leerling=leerling)}
    relaties = (
        Gezagsrelatie.objects.filter(leerling=leerling).select_related("ouder").order_by("id")
    )
    return [(r.ouder, decisions.get(r.ouder_id)) for r in relaties]


@transaction.atomic
def decide(
    *, leerling: Leerling, ouder: Ouder, toegestaan: bool, machtiging: bool, by
) -> Ouderinzage:
    """The adult pupil decides about one of their parents; the parent is told the outcome (never
    a reason) when it changes."""
    if not custody.is_adult(leerling):
        raise ValueError("Only an adult pupil decides on their parents' view.")
    if not Gezagsrelatie.objects.filter(leerling=leerling, ouder=ouder).exists():
        raise ValueError("Not a parent of this pupil.")
    machtiging = machtiging and toegestaan
    row = Ouderinzage.objects.select_for_update().filter(leerling=leerling, ouder=ouder).first()
    changed = row is None or row.toegestaan != toegestaan
    if row is None:
        row = Ouderinzage(leerling=leerling, ouder=ouder)
    row.toegestaan, row.machtiging = toegestaan, machtiging
    row.besloten_op, row.besloten_door = timezone.now(), by
    row.save()
    if changed:
        # every change is told (once=False); the job carries the outcome it was made for (1/0)
        outbox.notify(PARENT_OUTCOME, once=False, ouderinzage_id=row.pk, toegestaan=int(toegestaan))
    return row
