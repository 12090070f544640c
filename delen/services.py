"""Writes of the disclosure register. Views, admin actions, tasks and the demo call these.

- ``ensure_default_register``: a school's starting register (DOMAIN.md § Disclosures).
- ``disclose``: the one way data leave the school: check the rules, make the file from the
  allowed fields only, record the disclosure and log the export, in one transaction.
- ``adopt_register`` / ``register_snapshot`` / ``register_changes``: the register of
  processing (AVG art. 30) as the board adopted it, and what changed since.
- ``create_expiry_warnings`` / ``send_expiry_warning``: processor agreements that end soon.
"""

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import outbox
from leerlingen.audit import disclosure_refused, export_made
from leerlingen.models import School
from leerlingen.roles import Rol, holders_of
from leerlingen.velden import categorieen, sort_codes

from .exports import build_table, render_csv, render_export_pdf
from .models import (
    Formaat,
    Ontvanger,
    RegisterVersie,
    Verloopwaarschuwing,
    Verstrekking,
    Verwerkersovereenkomst,
)
from .register import register_snapshot
from .rules import Aanvraag, DisclosureRefused, check_disclosure
from .standaard import STANDAARD

WARN_DAYS_BEFORE_END = 60
logger = logging.getLogger(__name__)


@transaction.atomic
def ensure_default_register(school: School) -> list[Ontvanger]:
    """Give ``school`` the recipients of DOMAIN.md's table; existing ones (by kind) are left alone."""
    existing = set(school.ontvangers.values_list("soort", flat=True))
    created = []
    for standaard in STANDAARD:
        if standaard.soort in existing:
            continue
        with translation.override("en"):  # the product's own English: the msgids
            naam_en, toelichting_en = str(standaard.naam), str(standaard.toelichting)
        with translation.override(settings.LANGUAGE_CODE):
            created.append(
                Ontvanger.objects.create(
                    school=school,
                    soort=standaard.soort,
                    naam=str(standaard.naam),
                    naam_en=naam_en,
                    grondslag=standaard.grondslag,
                    velden=list(standaard.velden),
                    formaat=standaard.formaat,
                    toelichting=str(standaard.toelichting),
                    toelichting_en=toelichting_en,
                    toestemming_doel=standaard.toestemming_doel,
                )
            )
    return created


# --- Disclosing ---------------------------------------------------------------------------


@dataclass
class Export:
    verstrekking: Verstrekking
    content: bytes
    bestandsnaam: str
    content_type: str


def new_kenmerk(on_date: date) -> str:
    return f"V-{on_date:%Y%m%d}-{secrets.token_hex(3).upper()}"


def preview(*, user, aanvraag: Aanvraag, on_date: date | None = None):
    """The refusals, and the table as it would go (BSN and dossier contents masked)."""
    on_date = on_date or timezone.localdate()
    weigeringen = check_disclosure(user=user, aanvraag=aanvraag, on_date=on_date)
    if weigeringen:
        log_refusal(user=user, aanvraag=aanvraag, weigeringen=weigeringen)
    tabel = None if weigeringen else build_table(user=user, aanvraag=aanvraag, mask=True)
    return weigeringen, tabel


def log_refusal(*, user, aanvraag: Aanvraag, weigeringen) -> None:
    """Write a refused attempt to the access log: recipient, rules and pupils as ids only."""
    disclosure_refused(
        user=user,
        ontvanger=aanvraag.ontvanger,
        leerling_ids=[p.pk for p in aanvraag.leerlingen],
        categorieen=categorieen(aanvraag.velden),
        regels=[w.regel for w in weigeringen],
    )


def disclose(
    *,
    user,
    aanvraag: Aanvraag,
    goedgekeurd_door=None,
    on_date: date | None = None,
    tijdstip: datetime | None = None,
    kenmerk: str | None = None,
) -> Export:
    """Check every rule now, produce the file, record the disclosure and log the export.

    Raises ``DisclosureRefused`` (nothing is produced or recorded, but the refused attempt is
    written to the access log) when a rule forbids it.
    ``on_date``/``tijdstip`` default to now (the demo replays past disclosures).
    ``kenmerk``: the reference the confirmation page chose (``new_kenmerk``); a second confirmation
    with it raises ``IntegrityError`` and records nothing (the reference is unique).
    """
    try:
        return _disclose(
            user=user,
            aanvraag=aanvraag,
            goedgekeurd_door=goedgekeurd_door,
            on_date=on_date,
            tijdstip=tijdstip,
            kenmerk=kenmerk,
        )
    except DisclosureRefused as refused:
        log_refusal(user=user, aanvraag=aanvraag, weigeringen=refused.weigeringen)
        raise


@transaction.atomic
def _disclose(
    *, user, aanvraag: Aanvraag, goedgekeurd_door, on_date, tijdstip, kenmerk=None
) -> Export:
    on_date = on_date or timezone.localdate()
    goedgekeurd_door = goedgekeurd_door or user
    weigeringen = check_disclosure(user=user, aanvraag=aanvraag, on_date=on_date)
    if goedgekeurd_door != user:
        weigeringen += check_disclosure(user=goedgekeurd_door, aanvraag=aanvraag, on_date=on_date)
    if weigeringen:
        raise DisclosureRefused(weigeringen)

    ontvanger = aanvraag.ontvanger
    velden = sort_codes(aanvraag.velden)
    aanvraag.velden = velden
    kenmerk = kenmerk or new_kenmerk(on_date)
    tabel = build_table(
        user=user, aanvraag=aanvraag, sep="\n" if aanvraag.formaat == Formaat.PDF else " | "
    )
    if aanvraag.formaat == Formaat.PDF:
        content, _html = render_export_pdf(
            tabel=tabel, aanvraag=aanvraag, kenmerk=kenmerk, user=user
        )
        content_type = "application/pdf"
    else:
        content = render_csv(tabel)
        content_type = "text/csv; charset=utf-8"
    bestandsnaam = f"{kenmerk}-{ontvanger.soort}.{aanvraag.formaat}"
    cats = sorted(categorieen(velden))
    verstrekking = Verstrekking.objects.create(
        kenmerk=kenmerk,
        school=ontvanger.school,
        ontvanger=ontvanger,
        ontvanger_naam=ontvanger.naam,
        grondslag=ontvanger.grondslag,
        aantal_leerlingen=len(tabel.leerling_ids),
        velden=velden,
        categorieen=cats,
        formaat=aanvraag.formaat,
        doel=aanvraag.doel,
        bestandsnaam=bestandsnaam,
        sha256=hashlib.sha256(content).hexdigest(),
        grootte=len(content),
        opgesteld_door=user,
        goedgekeurd_door=goedgekeurd_door,
        tijdstip=tijdstip or timezone.now(),
        ouders_geinformeerd_op=aanvraag.ouders_geinformeerd_op,
        veiligheid_in_geding=aanvraag.veiligheid_in_geding,
        reden_niet_informeren=aanvraag.reden_niet_informeren
        if aanvraag.veiligheid_in_geding
        else "",
        anoniem=aanvraag.anoniem,
        eigen_zorgverleners=aanvraag.eigen_zorgverleners,
        vordering=aanvraag.vordering,
        **_case_consent(aanvraag),
    )
    verstrekking.leerlingen.add(
        *tabel.leerling_ids
    )  # a new record: add, no read of the current links
    export_made(
        user=user,
        object_type="verstrekking",
        object_id=verstrekking.pk,
        categorieen=cats,
        reden=f"disclosure {kenmerk} to {ontvanger.soort}",
        leerling=aanvraag.leerlingen[0] if len(tabel.leerling_ids) == 1 else None,
    )
    return Export(verstrekking, content, bestandsnaam, content_type)


def _case_consent(aanvraag: Aanvraag) -> dict:
    """The consent for the family's own care providers, as recorded with the disclosure."""
    door = aanvraag.zorgverleners_toestemming_door if aanvraag.eigen_zorgverleners else None
    if door is None:
        return {}
    return {
        "zorgverleners_toestemming_op": aanvraag.zorgverleners_toestemming_op,
        "zorgverleners_toestemming_ouder": door.ouder,
        "zorgverleners_toestemming_leerling": door.is_pupil,
    }


def verstrekkingen_van_leerling(*, leerling, user=None):
    """The disclosures of one pupil's data, newest first (access requests, rectification follow-ups).

    With ``user``: only what that user may see. Without: all of them (for services acting on
    the school's behalf, e.g. answering an access request).
    """
    qs = Verstrekking.objects.visible_to(user) if user is not None else Verstrekking.objects.all()
    return qs.for_leerling(leerling).select_related("ontvanger").order_by("-tijdstip", "-id")


def verstrekkingen_van_leerlingen(*, leerling_ids) -> dict[int, list]:
    """Pupil id -> the disclosures of that pupil's data, newest first, for many pupils in one
    query (the follow-ups of an import, AVG art. 19). All of them: the services act for the school."""
    out: dict[int, list] = {pk: [] for pk in leerling_ids}
    links = (
        Verstrekking.leerlingen.through.objects.filter(leerling_id__in=list(out))
        .select_related("verstrekking__ontvanger")
        .order_by("-verstrekking__tijdstip", "-verstrekking_id")
    )
    for link in links:
        out[link.leerling_id].append(link.verstrekking)
    return out


def processors_of_school(school):
    """The school's processors (its systems), by product: the access export of a request names
    the systems that hold each category (``leerlingen.registry.processors_of_school``)."""
    from .models import Verwerker

    return Verwerker.objects.filter(school=school).order_by("product")


# --- The register of processing (AVG art. 30) ---------------------------------------------


def latest_version(school: School) -> RegisterVersie | None:
    return RegisterVersie.objects.filter(school=school).order_by("-versie").first()


@transaction.atomic
def adopt_register(
    *, school: School, user, besluit: str = "", on_date: date | None = None
) -> RegisterVersie:
    """The board adopts the school's current register: a stored, numbered snapshot."""
    School.objects.select_for_update().get(pk=school.pk)  # one adoption at a time per school
    number = (RegisterVersie.objects.filter(school=school).aggregate(m=Max("versie"))["m"] or 0) + 1
    versie = RegisterVersie.objects.create(
        school=school,
        versie=number,
        vastgesteld_op=on_date or timezone.localdate(),
        vastgesteld_door=user,
        besluit=besluit,
        inhoud=register_snapshot(school),
    )
    return versie


# --- Processor agreements that end --------------------------------------------------------


def expiring_agreements(on_date: date, among=None) -> list[Verwerkersovereenkomst]:
    """Agreements ending within the warning period that no later agreement with the processor replaces
    (``among``: only these, such as the ones a user sees; by default all)."""
    return list(ending_without_successor(on_date, among).select_related("verwerker__school"))


def ending_without_successor(on_date: date, among=None):
    """``expiring_agreements`` as a queryset: also the admin's filter "ending" (``admin.py``)."""
    horizon = on_date + timedelta(days=WARN_DAYS_BEFORE_END)
    successor = Verwerkersovereenkomst.objects.filter(
        verwerker_id=OuterRef("verwerker_id"), datum__lte=OuterRef("einddatum") + timedelta(days=1)
    ).filter(Q(einddatum__isnull=True) | Q(einddatum__gt=OuterRef("einddatum")))
    return (
        (Verwerkersovereenkomst.objects.all() if among is None else among)
        .filter(einddatum__gte=on_date, einddatum__lte=horizon)
        .filter(~Exists(successor))
    )


def create_expiry_warnings(*, on_date: date | None = None) -> list[Verloopwaarschuwing]:
    """One warning row per agreement and end date (idempotent); each is mailed through the outbox."""
    from .tasks import enqueue_expiry_warning

    on_date = on_date or timezone.localdate()
    created = []
    for agreement in expiring_agreements(on_date):
        try:
            with transaction.atomic():
                warning, is_new = Verloopwaarschuwing.objects.get_or_create(
                    overeenkomst=agreement, einddatum=agreement.einddatum
                )
        except IntegrityError:  # a concurrent run made it
            continue
        if is_new or warning.verzonden_op is None:
            created.append(warning)
            enqueue_expiry_warning(warning.pk)
    return created


def director_emails(school: School) -> list[str]:
    emails = holders_of(Rol.DIRECTEUR, school).exclude(email="").values_list("email", flat=True)
    return sorted(set(emails))


@transaction.atomic
def send_expiry_warning(warning_id: int) -> bool:
    """Mail the school's directors once; a retry after success does nothing."""
    warning = (
        Verloopwaarschuwing.objects.select_for_update()
        .select_related("overeenkomst__verwerker__school")
        .filter(pk=warning_id)
        .first()
    )
    if warning is None or warning.verzonden_op is not None:
        return False
    agreement = warning.overeenkomst
    school = agreement.verwerker.school
    recipients = director_emails(school)
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "warning": warning,
            "agreement": agreement,
            "verwerker": agreement.verwerker,
            "school": school,
            "dagen": (warning.einddatum - timezone.localdate()).days,
        }
        subject = _("Processor agreement for %(product)s ends on %(date)s") % {
            "product": agreement.verwerker.product,
            "date": warning.einddatum.isoformat(),
        }
        body = render_to_string("delen/email/verloopwaarschuwing.txt", context)
    outbox.send_email(recipients, subject, body)
    warning.verzonden_op = timezone.now()
    warning.aantal_ontvangers = len(recipients)
    warning.save(update_fields=["verzonden_op", "aantal_ontvangers"])
    return True
