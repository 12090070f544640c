"""One-time enrolment links: the first second factor needs one, never the password alone.

A director (for their school's staff), board staff (for the board) or the application
administrator issues a link; the outbox job makes the token when it mails the link, so the
token exists only in the mail and the database keeps a keyed hash. The link is valid for
``LINK_HOURS``, works once, for its own user only, and together with their password.
A newer link for the same user ends the older ones.
"""

import secrets
from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.crypto import keyed_hash

from .models import LINK_HOURS, MFAInschrijving

__all__ = [
    "LINK_HOURS",
    "issue_link",
    "issue_token_for_operator",
    "link_url",
    "new_token",
    "redeem",
    "token_hash",
    "valid_link",
]

SESSION_KEY = "mfa_enrolment"  # the link's hash, kept in the session between opening and enrolling


def token_hash(token: str) -> str:
    return keyed_hash(f"mfa:enrolment:{token}")


@transaction.atomic
def issue_link(*, user, by) -> MFAInschrijving:
    """Make a link for ``user`` and have it mailed (through the outbox)."""
    from .tasks import enqueue_enrolment_link

    link = _new_row(user=user, by=by)
    enqueue_enrolment_link(link_id=link.pk)
    return link


def _new_row(*, user, by) -> MFAInschrijving:
    now = timezone.now()
    open_links = MFAInschrijving.objects.filter(user=user, used_at__isnull=True, expires__gt=now)
    for old in open_links.select_for_update():
        old.expires = now
        old.save(update_fields=["expires"])
    return MFAInschrijving.objects.create(user=user, issued_by=by)


def new_token(link: MFAInschrijving) -> str:
    """Give ``link`` its token (returned once) and start its validity now."""
    token = secrets.token_urlsafe(32)
    link.token_hash = token_hash(token)
    link.expires = timezone.now() + timedelta(hours=LINK_HOURS)
    link.save(update_fields=["token_hash", "expires"])
    return token


@transaction.atomic
def issue_token_for_operator(*, user) -> str:
    """The operator's own link, made on the server (``manage.py mfa_enrolment_link``)."""
    return new_token(_new_row(user=user, by=None))


def link_url(base_url: str, token: str) -> str:
    return base_url.rstrip("/") + reverse("mfa:enrol_link", args=[token])


def valid_link(*, user, hashed: str | None, for_update: bool = False) -> MFAInschrijving | None:
    """The unused, unexpired link of ``user`` with this token hash, or None."""
    if not hashed or not user.is_authenticated:
        return None
    rows = MFAInschrijving.objects.filter(
        user=user, token_hash=hashed, used_at__isnull=True, expires__gt=timezone.now()
    )
    if for_update:
        rows = rows.select_for_update()
    return rows.first()


def redeem(link: MFAInschrijving) -> None:
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
