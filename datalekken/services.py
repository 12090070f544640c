"""The writes of the breach register: recording an incident (with its deadline warnings), the two
decisions, the letters to the people concerned, the processors' report links and the incident
made from the access review's unusual-volume flag."""

import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import outbox
from core.crypto import keyed_hash
from core.models import Opdracht
from leerlingen import custody
from leerlingen.models import School
from leerlingen.rol import Rol

from . import rules
from .models import APBesluit, Bericht, BetrokkenenBesluit, Bron, Datalek, Meldlink
from .tasks import LETTER, REPORT_LINK, WARNING


def _next_kenmerk(today) -> str:
    prefix = f"DL-{today:%Y}-"
    last = (
        Datalek.objects.filter(kenmerk__startswith=prefix)
        .order_by("-kenmerk")
        .values_list("kenmerk", flat=True)
        .first()
    )
    number = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{number:04d}"


def warning_key(datalek_id: int, uren: int) -> str:
    """The key ``outbox.notify`` would give (kind, then the ids), for a job it cannot schedule."""
    return f"{WARNING}:{datalek_id}:{uren}"


def schedule_warnings(datalek: Datalek) -> None:
    """One e-mail per threshold of ``rules.WARN_AT_HOURS`` (ids only); a corrected moment of
    awareness moves the pending ones. Enqueued with a time (``notify`` sends at once); the handler
    mails through the outbox's one sender as every notification does."""
    for uren in rules.WARN_AT_HOURS:
        due = datalek.deadline - timedelta(hours=uren)
        key = warning_key(datalek.pk, uren)
        pending = Opdracht.objects.filter(sleutel=key, status=Opdracht.Status.WACHT)
        if pending.exists():
            pending.update(niet_voor=due)
        else:
            outbox.enqueue(WARNING, key=key, not_before=due, datalek_id=datalek.pk, uren=uren)


@transaction.atomic
def record(datalek: Datalek, *, by=None, leerlingen=(), ouders=()) -> Datalek:
    """Save a new incident (or a changed one) and keep its warnings on its deadline."""
    _write_processor_names(datalek)
    if datalek.school_id and not datalek.bestuur_id:
        datalek.bestuur_id = School.objects.values_list("bestuur_id", flat=True).get(
            pk=datalek.school_id
        )
    if not datalek.pk:
        # one reference at a time: a lock on the board row serialises numbering per year
        type(datalek.bestuur).objects.select_for_update().filter(pk=datalek.bestuur_id).first()
        datalek.kenmerk = _next_kenmerk(timezone.localdate())
        datalek.vastgelegd_door = datalek.vastgelegd_door or (
            by if by and by.is_authenticated else None
        )
    datalek.save()
    if leerlingen:
        datalek.leerlingen.add(*leerlingen)
    if ouders:
        datalek.ouders.add(*ouders)
    if rules.is_open(datalek):
        schedule_warnings(datalek)
    return datalek


def _write_processor_names(datalek: Datalek) -> None:
    """A linked processor marks the incident as caused by one, and its name and the agreement's date
    are written beside the link: the register keeps them when a processor is later removed."""
    if datalek.overeenkomst_id and not datalek.verwerker_id:
        datalek.verwerker_id = datalek.overeenkomst.verwerker_id
    if datalek.verwerker_id:
        datalek.door_verwerker = True
        datalek.verwerker_naam = str(datalek.verwerker)
    if datalek.overeenkomst_id:
        datalek.overeenkomst_omschrijving = f"{datalek.overeenkomst.datum:%Y-%m-%d}"


def agreement_in_force(verwerker, on=None):
    """The processor's agreement in force ``on`` (today), the newest when several; None when none."""
    if verwerker is None:
        return None
    on = on or timezone.localdate()
    agreements = Datalek._meta.get_field("overeenkomst").related_model.objects
    return (
        agreements.filter(verwerker=verwerker, datum__lte=on)
        .exclude(einddatum__lt=on)
        .order_by("-datum", "-pk")
        .first()
    )


@transaction.atomic
def decide_ap(
    datalek: Datalek,
    *,
    by,
    besluit: str,
    gemeld_op=None,
    kenmerk="",
    niet_reden="",
    vertraging_reden="",
) -> Datalek:
    rules.check_ap_decision(
        besluit=besluit,
        gemeld_op=gemeld_op,
        kenmerk=kenmerk,
        niet_reden=niet_reden,
        vertraging_reden=vertraging_reden,
        datalek=datalek,
    )
    datalek.ap_besluit = besluit
    datalek.ap_gemeld_op = gemeld_op if besluit == APBesluit.GEMELD else None
    datalek.ap_kenmerk = kenmerk.strip() if besluit == APBesluit.GEMELD else ""
    datalek.ap_niet_reden = niet_reden.strip() if besluit == APBesluit.NIET_GEMELD else ""
    datalek.vertraging_reden = vertraging_reden.strip() if besluit == APBesluit.GEMELD else ""
    datalek.ap_besloten_door = by
    datalek.save()
    return datalek


def addressees(datalek: Datalek) -> list[tuple]:
    """(pupil, parent or None for the pupil) for each family member to tell: the parents who may see
    the pupil's data under the custody rule (an adult pupil decides which), and the pupil from 16."""
    pupils = list(datalek.leerlingen.order_by("id"))
    out = []
    viewers = custody.parents_who_see(pupils)
    for leerling in pupils:
        out.extend((leerling, ouder) for ouder in viewers[leerling.pk])
        if custody.is_sixteen_plus(leerling):
            out.append((leerling, None))
    return out


@transaction.atomic
def decide_people(datalek: Datalek, *, by, besluit: str, niet_reden: str = "") -> int:
    """Record the art. 34 decision; when the people are told, write a letter row per addressee and
    send each through the outbox. Returns the number of letters made."""
    rules.check_people_decision(besluit=besluit, niet_reden=niet_reden, datalek=datalek)
    datalek.betrokkenen_besluit = besluit
    datalek.betrokkenen_niet_reden = (
        niet_reden.strip() if besluit == BetrokkenenBesluit.NIET else ""
    )
    datalek.save()
    if besluit != BetrokkenenBesluit.INFORMEREN:
        return 0
    made = 0
    for leerling, ouder in addressees(datalek):
        email = ouder.email if ouder else leerling.email
        bericht, created = Bericht.objects.get_or_create(
            datalek=datalek,
            leerling=leerling,
            ouder=ouder,
            defaults={
                "status": Bericht.Status.TE_VERZENDEN if email else Bericht.Status.GEEN_EMAIL
            },
        )
        if created:
            made += 1
            if bericht.status == Bericht.Status.TE_VERZENDEN:
                outbox.notify(LETTER, bericht_id=bericht.pk)
    return made


# --- processors' report links ------------------------------------------------------------------


def token_hash(token: str) -> str:
    return keyed_hash(f"datalekken:meldlink:{token}")


@transaction.atomic
def issue_link(*, verwerker, email: str, by) -> Meldlink:
    """A one-time link for a processor of the register (delen), for the school it works for,
    mailed through the outbox (the job makes the token)."""
    link = Meldlink.objects.create(
        bestuur_id=verwerker.school.bestuur_id,
        school_id=verwerker.school_id,
        verwerker=verwerker,
        verwerker_naam=str(verwerker),
        email=email,
        uitgegeven_door=by,
    )
    outbox.notify(REPORT_LINK, meldlink_id=link.pk)
    return link


def new_token(link: Meldlink) -> str:
    token = secrets.token_urlsafe(32)
    link.token_hash = token_hash(token)
    link.save(update_fields=["token_hash"])
    return token


def valid_link(token: str, *, for_update: bool = False) -> Meldlink | None:
    if not token:
        return None
    rows = Meldlink.objects.filter(
        token_hash=token_hash(token), gebruikt_op__isnull=True, geldig_tot__gt=timezone.now()
    )
    return (rows.select_for_update() if for_update else rows).first()


@transaction.atomic
def report_by_processor(token: str, **facts) -> Datalek | None:
    """The processor's report: an incident for the FG, the link used up. None when the link is not
    valid (used, expired or unknown)."""
    link = valid_link(token, for_update=True)
    if link is None:
        return None
    datalek = Datalek(
        bestuur=link.bestuur,
        school=link.school,
        bron=Bron.VERWERKER,
        door_verwerker=True,
        verwerker=link.verwerker,
        verwerker_naam=link.verwerker_naam,
        overeenkomst=agreement_in_force(link.verwerker),
        **facts,
    )
    record(datalek)
    link.gebruikt_op = timezone.now()
    link.datalek = datalek
    link.save(update_fields=["gebruikt_op", "datalek"])
    return datalek


# --- from the access review ---------------------------------------------------------------------


@transaction.atomic
def from_unusual_volume(*, user, gebruiker_id: int, uur: datetime) -> Datalek | None:
    """An incident carrying the facts of one unusual-volume flag the FG sees; None when the FG
    sees no such flag (a forged or stale request)."""
    from leerlingen import access_review
    from leerlingen.access import bestuur_ids

    start = uur.replace(minute=0, second=0, microsecond=0)
    qs = access_review.entries(user).filter(
        gebruiker_id=gebruiker_id, tijdstip__gte=start, tijdstip__lt=start + timedelta(hours=1)
    )
    flag = next(
        (f for f in access_review.unusual_volume(qs) if f.gebruiker_id == gebruiker_id), None
    )
    boards = sorted(bestuur_ids(user, (Rol.FG,)))
    if flag is None or not boards:
        return None
    pupils = list(
        qs.filter(leerling__isnull=False).values_list("leerling_id", flat=True).distinct()
    )
    local = timezone.localtime(flag.uur)
    datalek = Datalek(
        bestuur_id=boards[0],
        bron=Bron.TOEGANGSCONTROLE,
        ontdekt_op=timezone.now(),
        ontstaan_op=flag.uur,
        vertrouwelijkheid=True,
        categorieen=["medisch"],
        aantal_personen=flag.leerlingen,
        aantal_records=qs.count(),
        titel=_("Unusual volume of special-category reads"),
        omschrijving=_(
            "Staff account %(user)s opened the special-category data of %(n)s pupils between %(start)s "
            "and %(end)s (access review)."
        )
        % {
            "user": flag.gebruikersnaam,
            "n": flag.leerlingen,
            "start": f"{local:%Y-%m-%d %H:%M}",
            "end": f"{local + timedelta(hours=1):%H:%M}",
        },
    )
    return record(datalek, by=user, leerlingen=pupils)
