"""Log-in to the parent portal: a personal access code (seed 001) or a one-time e-mail link.

- Codes and link tokens are stored as keyed hashes only; both are single-use and expire
  (a link after ``LINK_MINUTES``, a code at the end of its school year).
- A code is an invitation: it only makes the account of a parent (or a pupil of 16+) who has none
  yet, and never opens an existing account, so the staff who printed it cannot log in as the
  parent later. The parent is told by e-mail when a code has made their account.
- Failures are limited per client address (``core.client.client_ip``) and link mails per
  e-mail address and per family (``limits.py``); wrong passwords are counted by django-axes.
  Successful log-ins never count.
- The answer never tells whether an e-mail address or a code exists: a request for a link always
  gets the same answer, a wrong, used, expired or already-linked code the same message.
- On the first log-in a parent (or a pupil of 16+) without an account gets one, without a password.
"""

import secrets
from datetime import datetime, timedelta

from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from core.crypto import keyed_hash
from leerlingen.custody import sixteen_cutoff
from leerlingen.models import Groep, Leerling, Ouder
from leerlingen.portal import portal_holder_exists
from leerlingen.schooljaar import schooljaar_start

from . import limits
from .models import Inloglink, Toegangscode

LINK_MINUTES = 15
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: easy to type from paper
CODE_LENGTH = 12


class Throttled(Exception):
    """Too many failed attempts from this client address, or this account is locked; try later."""


def _hash(purpose: str, value: str) -> str:
    return keyed_hash(f"portaal:{purpose}:{value}")


# --- rate limiting --------------------------------------------------------------------


def check_client(ip: str) -> None:
    """Raise ``Throttled`` if this client address has failed too often."""
    if limits.reached(limits.ADDRESS, ip):
        raise Throttled


def _failed(ip: str) -> None:
    limits.count(limits.ADDRESS, ip)


def family_key(holder: Ouder | Leerling) -> str:
    """Parents of the same child share a key: the lowest id among the children."""
    if isinstance(holder, Leerling):
        return f"leerling:{holder.pk}"
    first_child = holder.relaties.aggregate(first=Min("leerling_id"))["first"]
    return f"leerling:{first_child}" if first_child else f"ouder:{holder.pk}"


# --- accounts -------------------------------------------------------------------------


def _holder(row) -> Ouder | Leerling:
    return row.ouder if row.ouder_id else row.leerling


@transaction.atomic
def account_for(holder: Ouder | Leerling) -> User | None:
    """The holder's portal account, made on the first log-in. None if the account is disabled."""
    if holder.account_id:
        return holder.account if holder.account.is_active else None
    kind = "ouder" if isinstance(holder, Ouder) else "leerling"
    user = User(username=f"portaal-{kind}-{holder.pk}-{secrets.token_hex(3)}", email=holder.email)
    user.set_unusable_password()
    user.save()
    holder.account = user
    holder.save(update_fields=["account"])
    return user


# --- personal access codes --------------------------------------------------------------


def make_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(raw: str) -> str:
    return "".join(c for c in raw.upper() if c.isalnum())


def end_of_schooljaar(schooljaar: str) -> datetime:
    start = schooljaar_start(schooljaar)
    return timezone.make_aware(datetime(start.year + 1, 8, 1))


@transaction.atomic
def issue_code(
    *,
    schooljaar: str,
    door,
    ouder: Ouder | None = None,
    leerling: Leerling | None = None,
    groep: Groep | None = None,
) -> str:
    """Make a personal code for a parent (or a pupil of 16+) for a school year; return it once.

    Earlier unused codes of the same holder and year stop working; with ``groep`` (the letters of
    a group) only those of that group's letters: a parent with children in two groups keeps the
    code sent home with the other child (issue 18).
    """
    holder_filter = {"ouder": ouder} if ouder else {"leerling": leerling}
    earlier = Toegangscode.objects.select_for_update(of=("self",)).filter(
        schooljaar=schooljaar, gebruikt_op__isnull=True, **holder_filter
    )
    if groep is not None:
        earlier = earlier.filter(groep=groep)
    for old in earlier:
        old.geldig_tot = timezone.now()
        old.save(update_fields=["geldig_tot"])
    code = make_code()
    Toegangscode.objects.create(
        schooljaar=schooljaar,
        code_hash=_hash("code", normalise_code(code)),
        aangemaakt_door=door,
        geldig_tot=end_of_schooljaar(schooljaar),
        groep=groep,
        **holder_filter,
    )
    return code


def _invited_holder(raw_code: str) -> tuple[Toegangscode, Ouder | Leerling] | None:
    """The unused, unexpired code and its holder (locked), if the holder has no account yet."""
    code = normalise_code(raw_code)
    if len(code) != CODE_LENGTH:
        return None
    row = (
        Toegangscode.objects.select_for_update(of=("self",))
        .filter(
            code_hash=_hash("code", code), gebruikt_op__isnull=True, geldig_tot__gt=timezone.now()
        )
        .first()
    )
    if row is None:
        return None
    model, pk = (Ouder, row.ouder_id) if row.ouder_id else (Leerling, row.leerling_id)
    holder = model.objects.select_for_update().get(pk=pk)
    if holder.account_id is not None:  # an invitation never opens an existing account
        return None
    if isinstance(holder, Leerling) and holder.geboortedatum > sixteen_cutoff():
        return None
    return row, holder


@transaction.atomic
def redeem_code(*, raw_code: str, ip: str) -> User | None:
    """Make the account of the code's holder and use the code up.

    None, and the code stays as it was, for any wrong, used or expired code and for a holder who
    already has an account (who logs in by e-mail link or password instead).
    """
    check_client(ip)
    found = _invited_holder(raw_code)
    if found is None:
        _failed(ip)
        return None
    row, holder = found
    row.gebruikt_op = timezone.now()
    row.save(update_fields=["gebruikt_op"])
    user = account_for(holder)
    from .tasks import enqueue_account_gemaakt

    enqueue_account_gemaakt(row.pk)  # the holder is told: if it was not them, they call the school
    return user


# --- one-time e-mail links ---------------------------------------------------------------


@transaction.atomic
def request_link(*, email: str, ip: str) -> None:
    """Send a log-in link to every parent (and pupil of 16+) with this address.

    Returns nothing and behaves the same whether the address is known or not. The link points at
    ``SITE_URL``, never at the address the request came in on (a forged Host header).
    """
    from .tasks import enqueue_inloglink

    check_client(ip)
    _failed(ip)  # every request counts: counting only unknown addresses would tell them apart
    email = email.strip()
    if not email or limits.reached(limits.EMAIL, email):
        return
    limits.count(limits.EMAIL, email)
    holders: list[Ouder | Leerling] = list(
        Ouder.objects.filter(email__iexact=email, relaties__isnull=False).distinct()
    )
    holders += list(
        Leerling.objects.filter(email__iexact=email, geboortedatum__lte=sixteen_cutoff()).filter(
            Q(datum_uitschrijving__isnull=True) | Q(datum_uitschrijving__gt=timezone.localdate())
        )
    )
    for holder in holders:
        family = family_key(holder)
        if limits.reached(limits.FAMILY, family):
            continue
        limits.count(limits.FAMILY, family)
        link = Inloglink.objects.create(
            **({"ouder": holder} if isinstance(holder, Ouder) else {"leerling": holder})
        )
        enqueue_inloglink(link.pk)


def new_link_token(link: Inloglink) -> str:
    """Make the token of a link (called by the task that sends it); only its hash is kept."""
    token = secrets.token_urlsafe(32)
    link.token_hash = _hash("link", token)
    link.geldig_tot = timezone.now() + timedelta(minutes=LINK_MINUTES)
    link.save(update_fields=["token_hash", "geldig_tot"])
    return token


@transaction.atomic
def redeem_link(*, token: str, ip: str) -> User | None:
    check_client(ip)
    row = None
    if token and len(token) <= 100:
        row = (
            Inloglink.objects.select_for_update(of=("self",))
            .select_related("ouder__account", "leerling__account")
            .filter(token_hash=_hash("link", token), gebruikt_op__isnull=True)
            .filter(geldig_tot__gt=timezone.now())
            .first()
        )
    if row is None:
        _failed(ip)
        return None
    row.gebruikt_op = timezone.now()
    row.save(update_fields=["gebruikt_op"])
    return account_for(_holder(row))


# --- username and password (demo accounts, or parents the school gave a password) --------


def password_login(*, request, username: str, password: str, ip: str) -> User | None:
    """Failures are counted, and locked out, by django-axes (per account and per address)."""
    check_client(ip)
    user = authenticate(request, username=username, password=password)
    if user is None:
        if getattr(request, "axes_locked_out", False):
            raise Throttled
        return None
    if not portal_holder_exists(user):
        return None
    return user
