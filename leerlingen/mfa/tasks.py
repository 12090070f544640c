"""The mails of two-step log-in, as outbox jobs that take ids (core/outbox.py).

The enrolment link's token is made when the mail is sent, so it is never in the outbox row.
Imported by ``leerlingen.tasks`` (the worker) and by the views (in-process runs).
"""

import logging

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone

from core import outbox

from .enrolment import LINK_HOURS, link_url, new_token
from .models import MFAInschrijving
from .rules import ACTOR_ROLES, actor_role

logger = logging.getLogger(__name__)
ENROLMENT_LINK = "mfa.enrolment_link"
RESET_NOTICE = "mfa.reset_notice"


def enqueue_enrolment_link(*, link_id: int) -> None:
    outbox.notify(ENROLMENT_LINK, link_id=link_id)


def enqueue_reset_notice(*, user_id: int, role: str) -> None:
    outbox.notify(RESET_NOTICE, once=False, user_id=user_id, role=role)  # every reset is told


def _mail(template: str, to: str, context: dict) -> None:
    outbox.send_email(to, *outbox.render_email(f"mfa/email/{template}", context))


@outbox.handler(ENROLMENT_LINK)
def send_enrolment_link(*, link_id: int) -> None:
    link = (
        MFAInschrijving.objects.select_for_update(of=("self",))
        .select_related("user", "issued_by")
        .filter(pk=link_id, used_at__isnull=True, expires__gt=timezone.now(), token_hash="")
        .first()
    )
    if link is None or not link.user.email:
        logger.info("enrolment link %s not sent (ended, sent or no address)", link_id)
        return
    token = new_token(link)
    _mail(
        "enrolment_link",
        link.user.email,
        {
            "url": link_url(settings.SITE_URL, token),
            "hours": LINK_HOURS,
            "role": ACTOR_ROLES[actor_role(link.issued_by)],
        },
    )
    logger.info("enrolment link %s sent", link_id)


@outbox.handler(RESET_NOTICE)
def send_reset_notice(*, user_id: int, role: str) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).exclude(email="").first()
    if user is None:
        return
    _mail("reset", user.email, {"role": ACTOR_ROLES.get(role, ACTOR_ROLES["beheerder"])})
