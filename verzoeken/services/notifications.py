"""Who is told: the recipients of corrected data (AVG art. 19) and the deadline warnings to the
handler, the director and the FG (mailed through the outbox, ids only)."""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import outbox
from leerlingen.models import Leerling

from .. import deadlines, workflow
from ..models import IndienerRol, Rectificatiemelding, Termijnsignaal, Verzoek
from ..workflow import TransitionRefused
from .common import save

# --- rectification: what changed, who received it -------------------------------------------------


def changed_fields_since(leerling: Leerling, since: datetime | date, *, user) -> list[str]:
    """Field codes (disclosure catalogue) changed in the pupil's record since ``since`` (the moment
    the request was recorded), read from the history: the correction made through the normal edit.
    Dossier items count only in the versions ``user`` may see (a medical item is not the
    administration's to know of)."""
    from leerlingen.velden import VELDEN, sort_codes

    start = (
        since
        if isinstance(since, datetime)
        else timezone.make_aware(datetime.combine(since, datetime.min.time()))
    )
    codes: set[str] = set()
    records = list(
        leerling.history.filter(history_date__gte=start).order_by("history_date", "history_id")
    )
    if records:
        before = (
            leerling.history.filter(history_date__lt=start)
            .order_by("-history_date", "-history_id")
            .first()
        )
        previous = before
        for record in records:
            if previous is not None and record.history_type == "~":
                delta = record.diff_against(previous)
                codes.update(c.field for c in delta.changes if c.field in VELDEN)
            previous = record
    from leerlingen.access import visible_history
    from leerlingen.models import DossierItem

    item_cats = (
        visible_history(DossierItem, user)
        .filter(leerling_id=leerling.pk, history_date__gte=start)
        .values_list("categorie", flat=True)
    )
    codes.update(f"dossier_{c}" for c in item_cats if f"dossier_{c}" in VELDEN)
    return sort_codes(codes)


def recipients_of(leerling: Leerling, velden, disclosures=None) -> dict:
    """Recipient -> (disclosure references, fields) for every disclosure of this pupil that held
    one of ``velden`` (``disclosures``: the pupil's, when already looked up for many pupils)."""
    from leerlingen import registry

    wanted = set(velden)
    out: dict = {}
    if disclosures is None:
        disclosures = registry.disclosures_of_pupil(leerling=leerling)
    for v in disclosures:
        hit = wanted & set(v.velden)
        if not hit:
            continue
        kenmerken, fields = out.setdefault(v.ontvanger, ([], set()))
        kenmerken.append(v.kenmerk)
        fields.update(hit)
    return out


def create_follow_ups(*, verzoek: Verzoek, user) -> list[Rectificatiemelding]:
    """One follow-up per recipient that received a corrected field (idempotent)."""
    from leerlingen.velden import sort_codes

    made = []
    for ontvanger, (kenmerken, fields) in recipients_of(
        verzoek.leerling, verzoek.gewijzigde_velden
    ).items():
        melding = Rectificatiemelding.objects.filter(verzoek=verzoek, ontvanger=ontvanger).first()
        if melding is None:
            melding = Rectificatiemelding(
                verzoek=verzoek, ontvanger=ontvanger, ontvanger_naam=ontvanger.naam
            )
        melding.verstrekkingen = sorted(kenmerken)
        melding.velden = sort_codes(fields)
        save(melding, user=user, reason="follow-up listed")
        made.append(melding)
    return made


def follow_up_correction(
    changes: dict[int, list[str]], *, user, bron: str
) -> list[Rectificatiemelding]:
    """A correction made directly in the register or by an import (``changes``: pupil id -> the
    corrected field codes): one follow-up per recipient that received a corrected field, none for
    the others. A pupil with an open rectification request is left to that request, which lists
    its follow-ups when it is prepared (``create_follow_ups``): one follow-up per recipient.
    Called through ``leerlingen.registry.fields_corrected``."""
    from leerlingen.velden import VELDEN, sort_codes

    from ..models import Soort, Status

    group = ("groep_naam", "jaargroep", "groepkey")  # the model's "groep" is disclosed as these
    wanted = {
        pk: [
            c
            for c in {*codes, *(group if {"groep", "groep_id"} & set(codes) else ())}
            if c in VELDEN
        ]
        for pk, codes in changes.items()
    }
    wanted = {pk: codes for pk, codes in wanted.items() if codes}
    if not wanted:
        return []
    busy = set(
        Verzoek.objects.filter(
            leerling_id__in=wanted,
            soort=Soort.RECTIFICATIE,
            status__in=(Status.ONTVANGEN, Status.ID_GECONTROLEERD),
        ).values_list("leerling_id", flat=True)
    )
    # One look-up of the disclosures and one bulk write for all pupils (an import's thousands).
    from simple_history.utils import bulk_create_with_history

    from leerlingen import registry

    pupils = list(Leerling.objects.filter(pk__in=[pk for pk in wanted if pk not in busy]))
    disclosures = registry.disclosures_of_pupils(leerling_ids=[p.pk for p in pupils])
    made = []
    for leerling in pupils:
        for ontvanger, (kenmerken, fields) in recipients_of(
            leerling, wanted[leerling.pk], disclosures[leerling.pk]
        ).items():
            made.append(
                Rectificatiemelding(
                    leerling=leerling,
                    school_id=leerling.school_id,
                    bron=bron,
                    ontvanger=ontvanger,
                    ontvanger_naam=ontvanger.naam,
                    verstrekkingen=sorted(kenmerken),
                    velden=sort_codes(fields),
                )
            )
    if made:
        made = bulk_create_with_history(
            made,
            Rectificatiemelding,
            batch_size=500,
            default_user=user,
            default_change_reason=f"follow-up of a correction ({bron})",
        )
    return made


@transaction.atomic
def mark_informed(
    *, melding: Rectificatiemelding, user, op: date | None = None, niet_mogelijk_reden: str = ""
) -> Rectificatiemelding:
    if melding.verzoek is not None and not workflow.is_handler(user, melding.verzoek):
        raise TransitionRefused("handler")
    if (
        melding.verzoek is None
        and not Rectificatiemelding.objects.visible_to(user).filter(pk=melding.pk).exists()
    ):
        raise TransitionRefused("handler")
    if niet_mogelijk_reden.strip():
        melding.niet_mogelijk_reden = niet_mogelijk_reden.strip()
    else:
        melding.geinformeerd_op = op or deadlines.today_amsterdam()
    melding.geinformeerd_door = user
    save(
        melding,
        user=user,
        reason="recipient informed" if melding.geinformeerd_op else "informing impossible",
    )
    return melding


# --- deadline warnings ------------------------------------------------------------------------------


def due_warnings(today: date) -> list[tuple[Verzoek, str]]:
    """(request, kind) for every open request that needs a warning today."""
    out = []
    week = deadlines.warning_day
    for v in (
        Verzoek.objects.open()
        .filter(uiterste_datum__lte=today + timedelta(days=deadlines.WARN_DAYS_BEFORE))
        .select_related("school")
    ):
        if v.uiterste_datum < today:
            out.append((v, Termijnsignaal.Soort.VERLOPEN))
        elif v.uiterste_datum == today:
            out.append((v, Termijnsignaal.Soort.DAG))
        elif week(v.uiterste_datum) <= today:
            out.append((v, Termijnsignaal.Soort.WEEK))
    return out


def create_deadline_warnings(*, today: date | None = None) -> list[Termijnsignaal]:
    """One warning row per request, kind and deadline (idempotent); each is mailed through the outbox.

    A week before: the handler. On the day: the director. Overdue: the director and the FG.
    An extension moves the deadline, so the warnings come again for the new one.
    """
    from ..tasks import enqueue_deadline_warning

    today = today or deadlines.today_amsterdam()
    made = []
    for verzoek, soort in due_warnings(today):
        try:
            with transaction.atomic():
                signaal, created = Termijnsignaal.objects.get_or_create(
                    verzoek=verzoek, soort=soort, uiterste_datum=verzoek.uiterste_datum
                )
        except IntegrityError:
            continue
        if created or signaal.verzonden_op is None:
            made.append(signaal)
            enqueue_deadline_warning(signaal.pk)
    return made


def _emails(user_qs) -> list[str]:
    return sorted({e for e in user_qs if e})


def warning_recipients(signaal: Termijnsignaal) -> list[str]:
    from leerlingen.roles import Rol, holders_of

    verzoek = signaal.verzoek
    directors = holders_of(Rol.DIRECTEUR, verzoek.school_id).values_list("email", flat=True)
    if signaal.soort == Termijnsignaal.Soort.WEEK:
        if verzoek.behandelaar_id and verzoek.behandelaar.email:
            return [verzoek.behandelaar.email]
        return _emails(directors)
    emails = set(_emails(directors))
    if signaal.soort == Termijnsignaal.Soort.VERLOPEN:
        fg = holders_of(Rol.FG, verzoek.school.bestuur_id).values_list("email", flat=True)
        emails.update(_emails(fg))
    return sorted(emails)


@transaction.atomic
def send_deadline_warning(signaal_id: int) -> bool:
    """Mail the warning once; a retry after success does nothing. No pupil names in the mail."""
    signaal = (
        Termijnsignaal.objects.select_for_update(of=("self",))
        .select_related("verzoek__school", "verzoek__behandelaar")
        .filter(pk=signaal_id)
        .first()
    )
    if signaal is None or signaal.verzonden_op is not None:
        return False
    recipients = warning_recipients(signaal)
    verzoek = signaal.verzoek
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Request %(kenmerk)s: deadline %(date)s") % {
            "kenmerk": verzoek.kenmerk,
            "date": signaal.uiterste_datum.strftime("%d-%m-%Y"),
        }
        body = render_to_string(
            "verzoeken/email/termijn.txt",
            {
                "signaal": signaal,
                "verzoek": verzoek,
                "dagen": deadlines.days_left(signaal.uiterste_datum),
            },
        )
    if recipients:
        outbox.send_email(recipients, subject, body)
    signaal.verzonden_op = timezone.now()
    signaal.aantal_ontvangers = len(recipients)
    signaal.save(update_fields=["verzonden_op", "aantal_ontvangers"])
    return True


# --- the requester and the school are told (issue 18) ---------------------------------------------


def requester_email(verzoek: Verzoek) -> str:
    """The requester's address as the register has it now (read when the mail is sent)."""
    if verzoek.indiener_ouder_id:
        return verzoek.indiener_ouder.email or ""
    return (verzoek.leerling.email or "") if verzoek.leerling_id else ""


def handler_emails(verzoek: Verzoek) -> list[str]:
    """Who handles a new request at the school: its administration and its director."""
    from leerlingen.roles import Rol, holders_of

    users = holders_of(Rol.ADMINISTRATIE, verzoek.school_id) | holders_of(
        Rol.DIRECTEUR, verzoek.school_id
    )
    return _emails(users.values_list("email", flat=True))


def _mail_context(verzoek: Verzoek) -> dict:
    from django.urls import reverse

    pupil = verzoek.indiener_rol == IndienerRol.LEERLING
    return {
        "verzoek": verzoek,
        "soort": verzoek.get_soort_display(),
        "uiterste_datum": verzoek.uiterste_datum,
        "is_pupil": pupil,
        "naam": verzoek.leerling.roepnaam if pupil and verzoek.leerling_id else "",
        "portal_url": settings.SITE_URL + reverse("verzoeken_portaal:detail", args=[verzoek.pk]),
        "staff_url": settings.SITE_URL + reverse("verzoeken:detail", args=[verzoek.pk]),
    }


def send_request_mail(verzoek_id: int, kind: str) -> bool:
    """One of the request's e-mails, from the rows as they are now: ``ontvangen`` (the receipt to
    the requester, with the deadline), ``nieuw`` (the notice to the school's handlers: no pupil
    name, the link to the request), ``beantwoord`` (the requester's answer is ready in the portal)."""
    verzoek = (
        Verzoek.objects.select_related("school", "leerling", "indiener_ouder")
        .filter(pk=verzoek_id)
        .first()
    )
    if verzoek is None:
        return False
    to = handler_emails(verzoek) if kind == "nieuw" else requester_email(verzoek)
    if not to:
        return False
    outbox.send_email(to, *outbox.render_email(f"verzoeken/email/{kind}", _mail_context(verzoek)))
    return True
