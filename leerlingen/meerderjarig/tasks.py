"""The daily 18+ task and the e-mails about it, through the outbox with ids only."""

import logging
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from celery import shared_task

from core import outbox

from .. import custody
from ..models import Leerling, Ouder
from .models import Meerderjarigheid, Ouderinzage

logger = logging.getLogger(__name__)
INVITATION = "leerlingen.meerderjarig_uitnodiging"
PARENT_CLOSED = "leerlingen.meerderjarig_ouder"
PARENT_OUTCOME = "leerlingen.meerderjarig_uitkomst"


def _send(template: str, to: str, context: dict) -> None:
    outbox.send_email(to, *outbox.render_email(f"leerlingen/meerderjarig/{template}", context))


@outbox.handler(INVITATION)
def send_invitation(meerderjarigheid_id: int) -> None:
    with transaction.atomic():
        row = (
            Meerderjarigheid.objects.select_for_update(of=("self",))
            .select_related("leerling__school")
            .filter(pk=meerderjarigheid_id)
            .first()
        )
        if row is None or row.status != Meerderjarigheid.Status.TE_VERZENDEN:
            return
        _send(
            "uitnodiging",
            row.leerling.email,
            {
                "school": row.leerling.school,
                "url": settings.SITE_URL + reverse("meerderjarig:keuze"),
            },
        )
        row.status, row.verzonden_op = Meerderjarigheid.Status.VERZONDEN, timezone.now()
        row.save(update_fields=["status", "verzonden_op"])
    logger.info("18+ invitation %s sent", meerderjarigheid_id)


@outbox.handler(PARENT_CLOSED)
def send_parent_closed(meerderjarigheid_id: int, ouder_id: int) -> None:
    row = (
        Meerderjarigheid.objects.select_related("leerling__school")
        .filter(pk=meerderjarigheid_id)
        .first()
    )
    ouder = Ouder.objects.filter(pk=ouder_id).first()
    if row is None or ouder is None or not ouder.email:
        return
    _send(
        "ouder_gesloten",
        ouder.email,
        {"school": row.leerling.school, "roepnaam": row.leerling.roepnaam},
    )


@outbox.handler(PARENT_OUTCOME)
def send_parent_outcome(ouderinzage_id: int, toegestaan: int) -> None:
    """The outcome only, never the pupil's reasons. ``toegestaan``: 1 or 0, the outcome the job
    was made for."""
    toegestaan = bool(toegestaan)
    row = (
        Ouderinzage.objects.select_related("leerling__school", "ouder")
        .filter(pk=ouderinzage_id)
        .first()
    )
    if row is None or not row.ouder.email or row.toegestaan != toegestaan:
        return  # changed again since: the newer job tells the newer outcome
    _send(
        "ouder_uitkomst",
        row.ouder.email,
        {
            "school": row.leerling.school,
            "roepnaam": row.leerling.roepnaam,
            "toegestaan": toegestaan,
        },
    )


@shared_task
def meerderjarig(today: str | None = None, batch_size: int = 500) -> int:
    """Daily: close the parents' view of every enrolled pupil who has turned 18, once (idempotent).

    ``today`` (ISO date) is for catching up a missed day or for tests."""
    from .services import close_parents_view

    today = date.fromisoformat(today) if today else timezone.localdate()
    due = (
        Leerling.objects.filter(geboortedatum__lte=custody.adult_cutoff(today))
        .filter(Q(datum_uitschrijving__isnull=True) | Q(datum_uitschrijving__gt=today))
        .exclude(id__in=Meerderjarigheid.objects.values("leerling_id"))
        .order_by("id")
    )
    done = 0
    while batch := list(due[:batch_size]):
        with transaction.atomic():
            for leerling in batch:
                close_parents_view(leerling=leerling, on=today)
        done += len(batch)
    logger.info("18+: parents' view closed for %s pupils", done)
    return done
