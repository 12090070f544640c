"""Background work of the breach register, all through the outbox with ids only: the deadline
warnings at 48 and 12 hours left, the letters to the people concerned, the processors' links."""

import logging

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core import outbox
from leerlingen.roles import Rol, holders_of

from . import rules
from .models import Bericht, Datalek, Meldlink

logger = logging.getLogger(__name__)
WARNING = "datalekken.waarschuwing"
LETTER = "datalekken.bericht"
REPORT_LINK = "datalekken.meldlink"


def _send(*, template: str, to: list[str], context: dict, attachments=()) -> None:
    subject, body = outbox.render_email(f"datalekken/email/{template}", context)
    outbox.send_email(to, subject, body, attachments=attachments)


def register_keepers(datalek: Datalek) -> list[str]:
    """The e-mail addresses of the FG of the board and the director of the school."""
    users = holders_of(Rol.FG, datalek.bestuur_id)
    if datalek.school_id:
        users = users | holders_of(Rol.DIRECTEUR, datalek.school_id)
    users = users.exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


@outbox.handler(WARNING)
def send_warning(datalek_id: int, uren: int) -> None:
    datalek = Datalek.objects.filter(pk=datalek_id).first()
    if datalek is None or not rules.is_open(datalek):
        return  # decided in time: no warning
    to = register_keepers(datalek)
    if not to:
        return
    _send(
        template="waarschuwing",
        to=to,
        context={
            "kenmerk": datalek.kenmerk,
            "uren": rules.hours_left(datalek),
            "deadline": timezone.localtime(datalek.deadline),
            "url": settings.SITE_URL + reverse("datalekken:detail", args=[datalek.pk]),
        },
    )
    logger.info("breach deadline warning (%s h) for incident %s sent", uren, datalek_id)


@outbox.handler(LETTER)
def send_letter(bericht_id: int) -> None:
    from .letters import letter_pdf

    with transaction.atomic():
        bericht = (
            Bericht.objects.select_for_update(of=("self",))
            .select_related("datalek__school", "leerling__school", "ouder")
            .filter(pk=bericht_id)
            .first()
        )
        if bericht is None or bericht.verzonden_op is not None:
            return
        email = bericht.ouder.email if bericht.ouder else bericht.leerling.email
        if not email:
            bericht.status = Bericht.Status.GEEN_EMAIL
            bericht.save(update_fields=["status"])
            return
        _send(
            template="bericht",
            to=[email],
            context={
                "kenmerk": bericht.datalek.kenmerk,
                "portal_url": settings.SITE_URL + reverse("datalekken_portaal:index"),
            },
            attachments=[
                (f"{bericht.datalek.kenmerk}.pdf", letter_pdf(bericht), "application/pdf")
            ],
        )
        bericht.status = Bericht.Status.VERZONDEN
        bericht.verzonden_op = timezone.now()
        bericht.save(update_fields=["status", "verzonden_op"])
    logger.info("breach letter %s sent", bericht_id)


@outbox.handler(REPORT_LINK)
def send_report_link(meldlink_id: int) -> None:
    from .services import new_token

    link = (
        Meldlink.objects.select_for_update()
        .filter(pk=meldlink_id, gebruikt_op__isnull=True)
        .first()
    )
    if link is None or link.token_hash:
        return  # already mailed: a second token would end the first
    token = new_token(link)
    _send(
        template="meldlink",
        to=[link.email],
        context={
            "url": settings.SITE_URL + reverse("datalekken_melden:melden", args=[token]),
            "geldig_tot": timezone.localtime(link.geldig_tot),
        },
    )
    logger.info("processor report link %s sent", meldlink_id)
