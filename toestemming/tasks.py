"""Background work of the consent app. Every e-mail is an outbox job (core/outbox.py)
that takes ids and works off a row written first (a log-in link, a reminder, a 16+ handover),
so nothing is lost when the broker or a worker is down, and a retry does not repeat what was
already done. The ``enqueue_*`` functions are what the services call."""

import logging
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from celery import shared_task

from core import outbox
from leerlingen.custody import sixteen_cutoff
from leerlingen.models import Leerling

logger = logging.getLogger(__name__)


def _portal_url(name: str = "portaal:login", **kwargs) -> str:
    """Links in e-mails point at the configured site, never at a request's Host header."""
    return settings.SITE_URL + reverse(name, kwargs=kwargs or None)


def _send(*, template: str, to: str, context: dict) -> None:
    outbox.send_email(to, *outbox.render_email(f"toestemming/email/{template}", context))


def enqueue_inloglink(link_id: int) -> None:
    outbox.notify("toestemming.inloglink", link_id=link_id)


def enqueue_herinnering(herinnering_id: int) -> None:
    outbox.notify("toestemming.herinnering", herinnering_id=herinnering_id)


def enqueue_uitnodiging(overdracht_id: int) -> None:
    outbox.notify("toestemming.uitnodiging", overdracht_id=overdracht_id)


def enqueue_account_gemaakt(toegangscode_id: int) -> None:
    outbox.notify("toestemming.account_gemaakt", toegangscode_id=toegangscode_id)


@outbox.handler("toestemming.account_gemaakt")
def send_account_gemaakt(toegangscode_id: int) -> None:
    """Tell the parent (or pupil) that their code made their portal account."""
    from .models import Toegangscode

    code = (
        Toegangscode.objects.select_related("ouder", "leerling").filter(pk=toegangscode_id).first()
    )
    holder = code and (code.ouder or code.leerling)
    if holder is None or not holder.email or code.gebruikt_op is None:
        return
    _send(
        template="account_gemaakt",
        to=holder.email,
        context={
            "portal_url": _portal_url("portaal:overzicht"),
            "when": timezone.localtime(code.gebruikt_op),
            "is_pupil": code.ouder is None,  # a pupil of 16+ is addressed as themselves
            "naam": "" if code.ouder else code.leerling.roepnaam,
        },
    )
    logger.info("portal account notice for code %s sent", toegangscode_id)


@outbox.handler("toestemming.inloglink")
def send_inloglink(link_id: int) -> None:
    from .models import Inloglink
    from .portal_auth import LINK_MINUTES, new_link_token

    with transaction.atomic():
        link = (
            Inloglink.objects.select_for_update(of=("self",))
            .select_related("ouder", "leerling__school")
            .filter(pk=link_id)
            .first()
        )
        if link is None or link.verzonden_op is not None:
            return
        holder = link.ouder or link.leerling
        token = new_link_token(link)
        _send(
            template="inloglink",
            to=holder.email,
            context={
                "url": _portal_url("portaal:link", token=token),
                "minutes": LINK_MINUTES,
                "is_pupil": link.ouder is None,
                "naam": "" if link.ouder else link.leerling.roepnaam,
            },
        )
        link.verzonden_op = timezone.now()
        link.save(update_fields=["verzonden_op"])
    logger.info("portal log-in link %s sent", link_id)


@outbox.handler("toestemming.herinnering")
def send_herinnering(herinnering_id: int) -> None:
    from .models import Herinnering

    with transaction.atomic():
        row = (
            Herinnering.objects.select_for_update(of=("self",))
            .select_related("ouder", "formulier__school")
            .filter(pk=herinnering_id)
            .first()
        )
        if row is None or row.verzonden_op is not None or not row.ouder.email:
            return
        _send(
            template="herinnering",
            to=row.ouder.email,
            context={
                "school": row.formulier.school,
                "schooljaar": row.formulier.schooljaar,
                "url": _portal_url(),
            },
        )
        row.verzonden_op = timezone.now()
        row.save(update_fields=["verzonden_op"])
    logger.info("consent reminder %s sent", herinnering_id)


@outbox.handler("toestemming.uitnodiging")
def send_uitnodiging(overdracht_id: int) -> None:
    from .models import Overdracht

    with transaction.atomic():
        row = (
            Overdracht.objects.select_for_update(of=("self",))
            .select_related("leerling__school")
            .filter(pk=overdracht_id)
            .first()
        )
        if row is None or row.status != Overdracht.Status.TE_VERZENDEN:
            return
        if not row.leerling.email:
            row.status = Overdracht.Status.GEEN_EMAIL
            row.save(update_fields=["status"])
            return
        _send(
            template="uitnodiging",
            to=row.leerling.email,
            context={
                "school": row.leerling.school,
                "url": _portal_url(),
                "naam": row.leerling.roepnaam,  # the pupil, never "dear parent" (issue 18)
            },
        )
        row.status = Overdracht.Status.VERZONDEN
        row.verzonden_op = timezone.now()
        row.save(update_fields=["status", "verzonden_op"])
    logger.info("16+ invitation %s sent", overdracht_id)


@shared_task
def overdracht_zestien(today: str | None = None, batch_size: int = 500) -> int:
    """Daily: hand the decisions over to every enrolled pupil who has turned 16 (idempotent).

    ``today`` (ISO date) is for catching up a missed day or for tests; by default it is today.
    """
    from .models import Overdracht
    from .services import hand_over_to_pupil

    today = date.fromisoformat(today) if today else timezone.localdate()
    due = (
        Leerling.objects.filter(geboortedatum__lte=sixteen_cutoff(today))
        .filter(Q(datum_uitschrijving__isnull=True) | Q(datum_uitschrijving__gt=today))
        .exclude(id__in=Overdracht.objects.values("leerling_id"))
        .order_by("id")
    )
    done = 0
    while True:
        batch = list(due[:batch_size])
        if not batch:
            break
        with transaction.atomic():
            for leerling in batch:
                hand_over_to_pupil(leerling=leerling, on=today)
        done += len(batch)
    logger.info("16+ handover: %s pupils", done)
    return done
