"""Log-in to the parent portal: a personal access code (seed 001) or a one-time e-mail link.

- Codes and link tokens are stored as keyed hashes only; both are single-use and expire
  (a link after ``LINK_MINUTES``, a code at the end of its school year).
- Attempts are rate-limited per client address, per e-mail address and per family; the keys
  of the limiter are keyed hashes too.
- The answer never tells whether an e-mail address or a code exists: a request for a link always
  gets the same answer, a wrong, used or expired code the same message.
- On the first log-in a parent (or a pupil of 16+) without an account gets one, without a password.
"""

import secrets
from datetime import datetime, timedelta

from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from leerlingen.access import sixteen_cutoff
from leerlingen.models import Leerling, Ouder
from leerlingen.schooljaar import schooljaar_start
from privacyschool.crypto import keyed_hash

from .models import Aanmeldpoging, Inloglink, Toegangscode

LINK_MINUTES = 15
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: easy to type from paper
CODE_LENGTH = 12
# kind -> (attempts allowed, within this window)
LIMITS = {
    Aanmeldpoging.Soort.IP: (20, timedelta(minutes=15)),
    Aanmeldpoging.Soort.EMAIL: (3, timedelta(minutes=15)),
    Aanmeldpoging.Soort.GEZIN: (5, timedelta(hours=1)),
}


class Throttled(Exception):
    """Too many attempts from this client address; try again later."""


def _hash(purpose: str, value: str) -> str:
    return keyed_hash(f"portaal:{purpose}:{value}")


# --- rate limiting --------------------------------------------------------------------


def _throttle_key(soort: str, value: str) -> str:
    return _hash(f"limit:{soort}", value.strip().lower())


def is_throttled(soort: str, value: str, *, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    allowed, window = LIMITS[soort]
    recent = Aanmeldpoging.objects.filter(soort=soort, sleutel=_throttle_key(soort, value), tijdstip__gt=now - window)
    return recent.count() >= allowed


def note_attempt(soort: str, value: str) -> None:
    Aanmeldpoging.objects.create(soort=soort, sleutel=_throttle_key(soort, value))


def check_client(ip: str) -> None:
    """Count an attempt from this client address; raise ``Throttled`` beyond the limit."""
    if is_throttled(Aanmeldpoging.Soort.IP, ip):
        raise Throttled
    note_attempt(Aanmeldpoging.Soort.IP, ip)


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


def portal_holder_exists(user) -> bool:
    """Whether an account belongs to a parent or a pupil (the portal is for them only)."""
    return Ouder.objects.filter(account=user).exists() or Leerling.objects.filter(account=user).exists()


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
def issue_code(*, schooljaar: str, door, ouder: Ouder | None = None, leerling: Leerling | None = None) -> str:
    """Make a personal code for a parent (or a pupil of 16+) for a school year; return it once.

    Earlier unused codes of the same holder and year stop working.
    """
    holder_filter = {"ouder": ouder} if ouder else {"leerling": leerling}
    for old in Toegangscode.objects.select_for_update(of=("self",)).filter(schooljaar=schooljaar, gebruikt_op__isnull=True, **holder_filter):
        old.geldig_tot = timezone.now()
        old.save(update_fields=["geldig_tot"])
    code = make_code()
    Toegangscode.objects.create(
        schooljaar=schooljaar, code_hash=_hash("code", normalise_code(code)), aangemaakt_door=door,
        geldig_tot=end_of_schooljaar(schooljaar), **holder_filter,
    )
    return code


@transaction.atomic
def redeem_code(*, raw_code: str, ip: str) -> User | None:
    """The account for a valid code, which is used up; None for any wrong, used or expired code."""
    check_client(ip)
    code = normalise_code(raw_code)
    if len(code) != CODE_LENGTH:
        return None
    row = (
        Toegangscode.objects.select_for_update(of=("self",))
        .select_related("ouder__account", "leerling__account")
        .filter(code_hash=_hash("code", code), gebruikt_op__isnull=True, geldig_tot__gt=timezone.now())
        .first()
    )
    if row is None:
        return None
    holder = _holder(row)
    if isinstance(holder, Leerling) and holder.geboortedatum > sixteen_cutoff():
        return None
    family = family_key(holder)
    if is_throttled(Aanmeldpoging.Soort.GEZIN, family):
        return None
    note_attempt(Aanmeldpoging.Soort.GEZIN, family)
    row.gebruikt_op = timezone.now()
    row.save(update_fields=["gebruikt_op"])
    return account_for(holder)


# --- one-time e-mail links ---------------------------------------------------------------


@transaction.atomic
def request_link(*, email: str, ip: str, base_url: str) -> None:
    """Send a log-in link to every parent (and pupil of 16+) with this address.

    Returns nothing and behaves the same whether the address is known or not.
    """
    from .tasks import send_inloglink

    check_client(ip)
    email = email.strip()
    if not email or is_throttled(Aanmeldpoging.Soort.EMAIL, email):
        return
    note_attempt(Aanmeldpoging.Soort.EMAIL, email)
    holders: list[Ouder | Leerling] = list(
        Ouder.objects.filter(email__iexact=email, relaties__isnull=False).distinct()
    )
    holders += list(
        Leerling.objects.filter(email__iexact=email, geboortedatum__lte=sixteen_cutoff())
        .filter(Q(datum_uitschrijving__isnull=True) | Q(datum_uitschrijving__gt=timezone.localdate()))
    )
    for holder in holders:
        family = family_key(holder)
        if is_throttled(Aanmeldpoging.Soort.GEZIN, family):
            continue
        note_attempt(Aanmeldpoging.Soort.GEZIN, family)
        link = Inloglink.objects.create(**({"ouder": holder} if isinstance(holder, Ouder) else {"leerling": holder}))
        transaction.on_commit(lambda pk=link.pk: send_inloglink.delay(pk, base_url))


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
    if not token or len(token) > 100:
        return None
    row = (
        Inloglink.objects.select_for_update(of=("self",))
        .select_related("ouder__account", "leerling__account")
        .filter(token_hash=_hash("link", token), gebruikt_op__isnull=True, geldig_tot__gt=timezone.now())
        .first()
    )
    if row is None:
        return None
    row.gebruikt_op = timezone.now()
    row.save(update_fields=["gebruikt_op"])
    return account_for(_holder(row))


# --- username and password (demo accounts, or parents the school gave a password) --------


def password_login(*, request, username: str, password: str, ip: str) -> User | None:
    check_client(ip)
    if is_throttled(Aanmeldpoging.Soort.EMAIL, f"user:{username}"):
        return None
    user = authenticate(request, username=username, password=password)
    if user is None:
        note_attempt(Aanmeldpoging.Soort.EMAIL, f"user:{username}")
        return None
    if not portal_holder_exists(user):
        return None
    return user
