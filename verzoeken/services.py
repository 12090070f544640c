"""Writes of the requests app: keyword-only functions that views, admin actions, tasks and the
demo call (STYLE.md 3). Each checks its step with ``workflow.check`` first, records the acting
user in the history and gives the change a reason naming the step."""

import base64
import hashlib
import logging
import secrets
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from leerlingen import audit
from leerlingen.models import Gegevenscategorie, Leerling

from . import deadlines, exports, rules, workflow
from .models import (
    Beperking,
    Document,
    IndienerRol,
    Kanaal,
    Kopie,
    Rectificatiemelding,
    Soort,
    Status,
    Termijnsignaal,
    Uitkomst,
    Verzoek,
    VerzoekInstellingen,
)
from .workflow import TransitionRefused

logger = logging.getLogger(__name__)


def instellingen_voor(school) -> VerzoekInstellingen:
    """The school's request settings, made with the defaults of seed 003 on first use."""
    row, _created = VerzoekInstellingen.objects.get_or_create(school=school)
    return row


def new_kenmerk(on: date) -> str:
    return f"R-{on:%Y%m%d}-{secrets.token_hex(3).upper()}"


def _save(obj, *, user, reason: str, **kwargs) -> None:
    obj._history_user = user
    obj._change_reason = reason[:100]
    obj.save(**kwargs)


# --- legal hold while a request is open ----------------------------------------------------


def _place_hold(verzoek: Verzoek) -> None:
    """While a request is open nothing of the pupil is destroyed by the retention sweep."""
    from leerlingen.models import Blokkade

    Blokkade.objects.create(
        leerling=verzoek.leerling, reden=Blokkade.Reden.OPEN_VERZOEK, toelichting=verzoek.kenmerk,
        ingesteld_door=verzoek.vastgelegd_door,
    )


def _lift_hold(verzoek: Verzoek, user) -> None:
    from leerlingen.models import Blokkade

    if verzoek.leerling_id is None:
        return
    for hold in Blokkade.objects.filter(
        leerling_id=verzoek.leerling_id, reden=Blokkade.Reden.OPEN_VERZOEK, toelichting=verzoek.kenmerk,
        opgeheven_op__isnull=True,
    ):
        hold.opgeheven_op, hold.opgeheven_door = timezone.now(), user
        _save(hold, user=user, reason=f"request {verzoek.kenmerk} closed")


def erasure_obstacles(verzoek: Verzoek, *, today: date | None = None) -> list[rules.ErasureObstacle]:
    """The obstacles to erasing the request's pupil; the hold of this request itself does not count."""
    return rules.erasure_obstacles(verzoek.leerling, today=today, own_request=verzoek.kenmerk)


# --- intake -------------------------------------------------------------------------------


@transaction.atomic
def file_request(
    *, leerling: Leerling, soort: str, kanaal: str, vastgelegd_door, omschrijving: str = "", ouder=None,
    door_leerling: bool = False, ontvangen_op: date | None = None, now: datetime | None = None,
) -> Verzoek:
    """Record a request: from the portal (received now), or by staff from a letter or e-mail
    (with the date it was received). The deadline is set from the school's settings."""
    now = now or timezone.now()
    received = ontvangen_op or deadlines.receipt_date(now)
    rules.check_may_file(leerling=leerling, ouder=ouder, door_leerling=door_leerling, on=received)
    if received > deadlines.receipt_date(now):
        raise TransitionRefused("state", step=_("recording"), state=_("received in the future"))
    weeks = instellingen_voor(leerling.school).termijn_weken
    first = deadlines.first_deadline(received, weeks=weeks)
    verzoek = Verzoek(
        kenmerk=new_kenmerk(received), school=leerling.school, leerling=leerling, soort=soort,
        indiener_rol=IndienerRol.LEERLING if door_leerling else IndienerRol.OUDER,
        indiener_ouder=None if door_leerling else ouder, kanaal=kanaal, omschrijving=omschrijving.strip(),
        ontvangen_op=received, vastgelegd_door=vastgelegd_door, vastgelegd_op=now,
        eerste_termijn=first, uiterste_datum=first,
    )
    _save(verzoek, user=vastgelegd_door, reason="received")
    _place_hold(verzoek)
    return verzoek


@transaction.atomic
def plan_appointment(*, verzoek: Verzoek, afspraak_op: datetime, user) -> Verzoek:
    if not workflow.is_handler(user, verzoek):
        raise TransitionRefused("handler")
    verzoek.afspraak_op = afspraak_op
    verzoek.behandelaar = verzoek.behandelaar or user
    _save(verzoek, user=user, reason="appointment planned")
    return verzoek


@transaction.atomic
def record_identity(*, verzoek: Verzoek, document_soort: str, user, gecontroleerd_op: datetime | None = None) -> Verzoek:
    """The handler records that a legal ID document was shown: its kind, by whom, when. Never a copy or number."""
    verzoek = Verzoek.objects.select_for_update().get(pk=verzoek.pk)
    workflow.check(verzoek, "record_identity", user=user)
    verzoek.id_document_soort = document_soort
    verzoek.id_gecontroleerd_op = gecontroleerd_op or timezone.now()
    verzoek.id_gecontroleerd_door = user
    verzoek.behandelaar = verzoek.behandelaar or user
    verzoek.status = Status.ID_GECONTROLEERD
    _save(verzoek, user=user, reason="identity checked")
    return verzoek


@transaction.atomic
def extend(*, verzoek: Verzoek, maanden: int, reden: str, gemeld_op: date, user, today: date | None = None) -> Verzoek:
    """Extend the deadline (AVG art. 12(3)): decided and told to the requester before the first deadline."""
    today = today or deadlines.today_amsterdam()
    verzoek = Verzoek.objects.select_for_update().get(pk=verzoek.pk)
    workflow.check(verzoek, "extend", user=user)
    if today > verzoek.eerste_termijn or gemeld_op > verzoek.eerste_termijn:
        raise TransitionRefused("extension_deadline")
    if not 1 <= maanden <= deadlines.MAX_EXTENSION_MONTHS:
        raise TransitionRefused("extension_months")
    if not reden.strip():
        raise TransitionRefused("extension_reason")
    verzoek.verlenging_maanden = maanden
    verzoek.verlenging_reden = reden.strip()
    verzoek.verlenging_gemeld_op = gemeld_op
    verzoek.uiterste_datum = deadlines.extended_deadline(verzoek.ontvangen_op, verzoek.eerste_termijn, months=maanden)
    _save(verzoek, user=user, reason=f"deadline extended by {maanden} month(s)")
    return verzoek


# --- rectification: what changed, who received it -------------------------------------------------


def changed_fields_since(leerling: Leerling, since: datetime | date, *, user) -> list[str]:
    """Field codes (disclosure catalogue) changed in the pupil's record since ``since`` (the moment
    the request was recorded), read from the history: the correction made through the normal edit.
    Dossier items count only in the versions ``user`` may see (a medical item is not the
    administration's to know of)."""
    from delen.velden import VELDEN, sort_codes

    start = since if isinstance(since, datetime) else timezone.make_aware(datetime.combine(since, datetime.min.time()))
    codes: set[str] = set()
    records = list(leerling.history.filter(history_date__gte=start).order_by("history_date", "history_id"))
    if records:
        before = leerling.history.filter(history_date__lt=start).order_by("-history_date", "-history_id").first()
        previous = before
        for record in records:
            if previous is not None and record.history_type == "~":
                delta = record.diff_against(previous)
                codes.update(c.field for c in delta.changes if c.field in VELDEN)
            previous = record
    from leerlingen.access import visible_history
    from leerlingen.models import DossierItem

    item_cats = visible_history(DossierItem, user).filter(
        leerling_id=leerling.pk, history_date__gte=start).values_list("categorie", flat=True)
    codes.update(f"dossier_{c}" for c in item_cats if f"dossier_{c}" in VELDEN)
    return sort_codes(codes)


def recipients_of(leerling: Leerling, velden) -> dict:
    """Recipient -> (disclosure references, fields) for every disclosure of this pupil that held one of ``velden``."""
    from delen.services import verstrekkingen_van_leerling

    wanted = set(velden)
    out: dict = {}
    for v in verstrekkingen_van_leerling(leerling=leerling):
        hit = wanted & set(v.velden)
        if not hit:
            continue
        kenmerken, fields = out.setdefault(v.ontvanger, ([], set()))
        kenmerken.append(v.kenmerk)
        fields.update(hit)
    return out


def create_follow_ups(*, verzoek: Verzoek, user) -> list[Rectificatiemelding]:
    """One follow-up per recipient that received a corrected field (idempotent)."""
    from delen.velden import sort_codes

    made = []
    for ontvanger, (kenmerken, fields) in recipients_of(verzoek.leerling, verzoek.gewijzigde_velden).items():
        melding = Rectificatiemelding.objects.filter(verzoek=verzoek, ontvanger=ontvanger).first()
        if melding is None:
            melding = Rectificatiemelding(verzoek=verzoek, ontvanger=ontvanger, ontvanger_naam=ontvanger.naam)
        melding.verstrekkingen = sorted(kenmerken)
        melding.velden = sort_codes(fields)
        _save(melding, user=user, reason="follow-up listed")
        made.append(melding)
    return made


@transaction.atomic
def mark_informed(*, melding: Rectificatiemelding, user, op: date | None = None, niet_mogelijk_reden: str = "") -> Rectificatiemelding:
    if not workflow.is_handler(user, melding.verzoek):
        raise TransitionRefused("handler")
    if niet_mogelijk_reden.strip():
        melding.niet_mogelijk_reden = niet_mogelijk_reden.strip()
    else:
        melding.geinformeerd_op = op or deadlines.today_amsterdam()
    melding.geinformeerd_door = user
    _save(melding, user=user, reason="recipient informed" if melding.geinformeerd_op else "informing impossible")
    return melding


# --- documents ------------------------------------------------------------------------------------


def _store(*, verzoek, soort, bestandsnaam, content: bytes, user, paginas=None, definitief=True) -> Document:
    doc = Document(
        verzoek=verzoek, leerling=verzoek.leerling, soort=soort, bestandsnaam=bestandsnaam,
        inhoud=base64.b64encode(content).decode(), paginas=paginas, sha256=hashlib.sha256(content).hexdigest(),
        grootte=len(content), aangemaakt_door=user, definitief=definitief,
    )
    _save(doc, user=user, reason=f"{soort} made")
    return doc


def make_export(*, verzoek: Verzoek, user, definitief: bool) -> list[Document]:
    """(Re)make the access export: PDF for access, JSON and CSV for portability. Replaces earlier
    unreleased versions. Logged in the access log as an export."""
    for old in verzoek.documenten.filter(soort__startswith="afschrift_", vrijgegeven_op__isnull=True):
        old._history_user = user
        old.delete()
    base = f"{verzoek.kenmerk}-inzage"
    docs = []
    with translation.override(settings.LANGUAGE_CODE):  # the school's language, whoever clicks
        inzage = exports.collect(verzoek=verzoek)
        pdf, _html = exports.render_pdf(inzage)
        files = [(Document.Soort.AFSCHRIFT_PDF, "pdf", pdf, exports.count_pages(pdf))]
        if verzoek.soort == Soort.OVERDRAAGBAARHEID:
            files.append((Document.Soort.AFSCHRIFT_JSON, "json", exports.render_json(inzage), None))
            files.append((Document.Soort.AFSCHRIFT_CSV, "csv", exports.render_csv(inzage), None))
    for soort, ext, content, pages in files:
        docs.append(_store(verzoek=verzoek, soort=soort, bestandsnaam=f"{base}.{ext}", content=content, user=user,
                           paginas=pages, definitief=definitief))
    cats = [c.code for c in inzage.categorieen]
    audit.export_made(
        user=user, object_type="verzoek", object_id=verzoek.pk, categorieen=cats, leerling=verzoek.leerling,
        reden=f"access request {verzoek.kenmerk}: {'final export' if definitief else 'preview for the director'}",
    )
    return docs


def requester_address(verzoek: Verzoek) -> dict:
    if verzoek.indiener_rol == IndienerRol.OUDER and verzoek.indiener_ouder_id:
        o = verzoek.indiener_ouder
        return {"naam": str(o), "regel1": " ".join(p for p in (o.straat, o.huisnummer) if p),
                "regel2": " ".join(p for p in (o.postcode, o.woonplaats) if p), "email": o.email}
    p = verzoek.leerling
    if p is None:
        return {"naam": "", "regel1": "", "regel2": "", "email": ""}
    return {"naam": p.volledige_naam, "regel1": " ".join(x for x in (p.straat, p.huisnummer) if x),
            "regel2": " ".join(x for x in (p.postcode, p.woonplaats) if x), "email": p.email}


def render_besluit(verzoek: Verzoek, *, now: datetime | None = None) -> tuple[bytes, str]:
    """The decision letter, in Dutch (the school's language), as PDF and HTML."""
    from core.pdf import render_pdf

    docs = list(verzoek.documenten.filter(soort__startswith="afschrift_", definitief=True))
    kopie_pdf = next((d for d in docs if d.soort == Document.Soort.AFSCHRIFT_PDF), None)
    instellingen = instellingen_voor(verzoek.school)
    context = {
        "verzoek": verzoek, "school": verzoek.school, "bestuur": verzoek.school.bestuur,
        "adres": requester_address(verzoek), "datum": timezone.localtime(now or timezone.now()),
        "documenten": docs, "paginas": kopie_pdf.paginas if kopie_pdf else None,
        "instellingen": instellingen, "meldingen": list(verzoek.meldingen.all()),
        "beperking": verzoek.beperkingen.filter(opgeheven_op__isnull=True).first(),
        "obstakels": erasure_obstacles(verzoek) if verzoek.soort == Soort.WISSEN and verzoek.leerling_id else [],
    }
    return render_pdf("pdf/besluit.html", context, language=settings.LANGUAGE_CODE)


# --- the steps -----------------------------------------------------------------------------------


@transaction.atomic
def submit(*, verzoek: Verzoek, uitkomst: str, motivering: str, user, gewijzigde_velden=None) -> Verzoek:
    """The handler prepares the decision and sends it to the director. For access and portability the
    export is made as a preview; for a rectification the recipients to inform are listed; for an
    erasure the retention terms and legal duties are checked first."""
    verzoek = Verzoek.objects.select_for_update().get(pk=verzoek.pk)
    if gewijzigde_velden is not None:
        verzoek.gewijzigde_velden = list(gewijzigde_velden)
    workflow.check(verzoek, "submit", user=user, uitkomst=uitkomst, motivering=motivering)
    if verzoek.soort == Soort.WISSEN and uitkomst != Uitkomst.AFGEWEZEN:
        obstacles = erasure_obstacles(verzoek)
        if obstacles:
            raise TransitionRefused("erasure", reason=" ".join(str(o) for o in obstacles))
    verzoek.uitkomst, verzoek.motivering = uitkomst, motivering.strip()
    verzoek.behandelaar = verzoek.behandelaar or user
    verzoek.voorbereid_op = timezone.now()
    verzoek.teruggestuurd_reden = ""
    verzoek.status = Status.TER_BEOORDELING
    _save(verzoek, user=user, reason="sent to the director")
    if verzoek.levert_export and uitkomst != Uitkomst.AFGEWEZEN:
        make_export(verzoek=verzoek, user=user, definitief=False)
    if verzoek.soort == Soort.RECTIFICATIE and uitkomst != Uitkomst.AFGEWEZEN:
        create_follow_ups(verzoek=verzoek, user=user)
    return verzoek


@transaction.atomic
def send_back(*, verzoek: Verzoek, user, opmerking: str) -> Verzoek:
    verzoek = Verzoek.objects.select_for_update().get(pk=verzoek.pk)
    workflow.check(verzoek, "send_back", user=user)
    if not opmerking.strip():
        raise TransitionRefused("reason")
    verzoek.status = Status.ID_GECONTROLEERD if verzoek.id_gecontroleerd else Status.ONTVANGEN
    verzoek.teruggestuurd_reden = opmerking.strip()
    _save(verzoek, user=user, reason="sent back by the director")
    return verzoek


@transaction.atomic
def approve(*, verzoek: Verzoek, user, uitkomst: str | None = None, motivering: str | None = None,
            achtergehouden: list[int] | None = None) -> Verzoek:
    """The director approves the decision (and may change it, or withhold dossier items from the
    export). The final export and the decision letter are made now; a restriction takes effect."""
    verzoek = Verzoek.objects.select_for_update().get(pk=verzoek.pk)
    if uitkomst is not None:
        verzoek.uitkomst = uitkomst
    if motivering is not None:
        verzoek.motivering = motivering.strip()
    if achtergehouden is not None:
        verzoek.achtergehouden = sorted(int(i) for i in achtergehouden)
    workflow.check(verzoek, "approve", user=user)
    if verzoek.achtergehouden and verzoek.uitkomst == Uitkomst.TOEGEWEZEN and verzoek.levert_export:
        raise TransitionRefused("outcome")
    if verzoek.soort == Soort.WISSEN and verzoek.uitkomst != Uitkomst.AFGEWEZEN:
        obstacles = erasure_obstacles(verzoek)
        if obstacles:
            raise TransitionRefused("erasure", reason=" ".join(str(o) for o in obstacles))
    verzoek.beoordelaar = user
    verzoek.besloten_op = timezone.now()
    verzoek.status = Status.BESLOTEN
    _save(verzoek, user=user, reason=f"approved by the director: {verzoek.uitkomst}")
    granted = verzoek.uitkomst != Uitkomst.AFGEWEZEN
    if verzoek.levert_export and granted:
        make_export(verzoek=verzoek, user=user, definitief=True)
    if verzoek.soort == Soort.BEPERKING and granted:
        restrict(leerling=verzoek.leerling, verzoek=verzoek, user=user, reden=verzoek.motivering)
    pdf, _html = render_besluit(verzoek)
    for old in verzoek.documenten.filter(soort=Document.Soort.BESLUIT):
        old._history_user = user
        old.delete()
    _store(verzoek=verzoek, soort=Document.Soort.BESLUIT, bestandsnaam=f"{verzoek.kenmerk}-besluit.pdf",
           content=pdf, user=user, paginas=exports.count_pages(pdf))
    return verzoek


@transaction.atomic
def answer(*, verzoek: Verzoek, user) -> Verzoek:
    """Send the answer: the letter and any export are released to the requester (portal), the
    first copy is recorded (free), and an approved erasure is carried out by the erasure service."""
    verzoek = Verzoek.objects.select_for_update().get(pk=verzoek.pk)
    workflow.check(verzoek, "answer", user=user)
    now = timezone.now()
    granted = verzoek.uitkomst != Uitkomst.AFGEWEZEN
    if verzoek.soort == Soort.WISSEN and granted:
        obstacles = erasure_obstacles(verzoek)
        if obstacles:
            raise TransitionRefused("erasure", reason=" ".join(str(o) for o in obstacles))
    for doc in verzoek.documenten.filter(definitief=True, vrijgegeven_op__isnull=True):
        doc.vrijgegeven_op = now
        _save(doc, user=user, reason="released to the requester")
    if verzoek.levert_export and granted and not verzoek.kopieen.exists():
        pdf = verzoek.documenten.filter(soort=Document.Soort.AFSCHRIFT_PDF, definitief=True).first()
        _save(Kopie(verzoek=verzoek, nummer=1, paginas=pdf.paginas if pdf else 0, kosten=0, aangemaakt_door=user),
              user=user, reason="first copy (free)")
    verzoek.beantwoord_op = now
    verzoek.status = Status.AFGEHANDELD
    _save(verzoek, user=user, reason="answered")
    _lift_hold(verzoek, user)
    if verzoek.soort == Soort.WISSEN and granted:
        _erase(verzoek=verzoek, user=user)
        verzoek.refresh_from_db()
    return verzoek


def _erase(*, verzoek: Verzoek, user) -> None:
    from leerlingen.erasure import erase_record
    from leerlingen.models import VernietigdRecord
    from leerlingen.retention.rules import actor_name

    erase_record(
        obj=verzoek.leerling, grond=VernietigdRecord.Grond.VERZOEK, besloten_door=verzoek.beoordelaar,
        besloten_door_naam=actor_name(verzoek.beoordelaar), verzoek_kenmerk=verzoek.kenmerk,
    )


@transaction.atomic
def withdraw(*, verzoek: Verzoek, user, reden: str = "", door_indiener: bool = False) -> Verzoek:
    """Withdraw a request: by staff (e.g. on a letter) in any open state, by the requester in the
    portal until it goes to the director."""
    verzoek = Verzoek.objects.select_for_update().get(pk=verzoek.pk)
    if door_indiener:
        if verzoek.status not in (Status.ONTVANGEN, Status.ID_GECONTROLEERD):
            raise TransitionRefused("state", step=workflow.STEP_NAMES["withdraw"], state=verzoek.get_status_display())
    else:
        workflow.check(verzoek, "withdraw", user=user)
    verzoek.status = Status.INGETROKKEN
    verzoek.teruggestuurd_reden = reden.strip()
    _save(verzoek, user=user, reason="withdrawn by the requester")
    _lift_hold(verzoek, user)
    return verzoek


@transaction.atomic
def record_copy(*, verzoek: Verzoek, user) -> Kopie:
    """A further copy of a released export: the school's fee table applies (the first copy is free)."""
    verzoek = Verzoek.objects.select_for_update().get(pk=verzoek.pk)
    if not workflow.is_handler(user, verzoek):
        raise TransitionRefused("handler")
    if verzoek.status != Status.AFGEHANDELD or not verzoek.levert_export:
        raise TransitionRefused("approved_first")
    pdf = verzoek.documenten.filter(soort=Document.Soort.AFSCHRIFT_PDF, definitief=True).first()
    paginas = pdf.paginas if pdf else 0
    nummer = (verzoek.kopieen.order_by("-nummer").values_list("nummer", flat=True).first() or 0) + 1
    kosten = rules.copy_fee(paginas=paginas, kopie_nummer=nummer, instellingen=instellingen_voor(verzoek.school))
    kopie = Kopie(verzoek=verzoek, nummer=nummer, paginas=paginas, kosten=kosten, aangemaakt_door=user)
    _save(kopie, user=user, reason=f"copy {nummer}")
    return kopie


# --- restriction ------------------------------------------------------------------------------


def restrict(*, leerling: Leerling, user, reden: str, verzoek: Verzoek | None = None) -> Beperking:
    existing = Beperking.objects.filter(leerling=leerling, opgeheven_op__isnull=True).first()
    if existing is not None:
        return existing
    beperking = Beperking(leerling=leerling, verzoek=verzoek, reden=reden[:300], ingesteld_door=user)
    _save(beperking, user=user, reason="processing restricted")
    return beperking


@transaction.atomic
def lift_restriction(*, beperking: Beperking, user, reden: str) -> Beperking:
    if not workflow.is_director_of(user, beperking.leerling.school_id):
        raise TransitionRefused("director_review")
    if not reden.strip():
        raise TransitionRefused("reason")
    beperking.opgeheven_op, beperking.opgeheven_door, beperking.opheffing_reden = timezone.now(), user, reden.strip()
    _save(beperking, user=user, reason="restriction lifted")
    return beperking


# --- downloads ------------------------------------------------------------------------------------


def document_downloaded(*, document: Document, user) -> None:
    """Every download of a request document is an export in the access log."""
    cats = [Gegevenscategorie.CONTACT] if document.soort == Document.Soort.BESLUIT else [c for c, _l in Gegevenscategorie.choices]
    audit.export_made(
        user=user, object_type="verzoekdocument", object_id=document.pk, categorieen=cats, leerling=document.leerling,
        reden=f"request {document.verzoek.kenmerk}: {document.soort} downloaded",
    )


# --- deadline warnings ------------------------------------------------------------------------------


def due_warnings(today: date) -> list[tuple[Verzoek, str]]:
    """(request, kind) for every open request that needs a warning today."""
    out = []
    week = deadlines.warning_day
    for v in Verzoek.objects.open().filter(uiterste_datum__lte=today + timedelta(days=deadlines.WARN_DAYS_BEFORE)).select_related("school"):
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
    from .tasks import enqueue_deadline_warning

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
    from leerlingen.models import BestuurGrant, SchoolGrant

    verzoek = signaal.verzoek
    directors = SchoolGrant.objects.filter(
        content_object_id=verzoek.school_id, permission__codename="rol_directeur", user__is_active=True
    ).values_list("user__email", flat=True)
    if signaal.soort == Termijnsignaal.Soort.WEEK:
        if verzoek.behandelaar_id and verzoek.behandelaar.email:
            return [verzoek.behandelaar.email]
        return _emails(directors)
    emails = set(_emails(directors))
    if signaal.soort == Termijnsignaal.Soort.VERLOPEN:
        emails.update(_emails(BestuurGrant.objects.filter(
            content_object_id=verzoek.school.bestuur_id, permission__codename="rol_fg", user__is_active=True
        ).values_list("user__email", flat=True)))
    return sorted(emails)


@transaction.atomic
def send_deadline_warning(signaal_id: int) -> bool:
    """Mail the warning once; a retry after success does nothing. No pupil names in the mail."""
    signaal = (
        Termijnsignaal.objects.select_for_update(of=("self",)).select_related("verzoek__school", "verzoek__behandelaar")
        .filter(pk=signaal_id).first()
    )
    if signaal is None or signaal.verzonden_op is not None:
        return False
    recipients = warning_recipients(signaal)
    verzoek = signaal.verzoek
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Request %(kenmerk)s: deadline %(date)s") % {
            "kenmerk": verzoek.kenmerk, "date": signaal.uiterste_datum.strftime("%d-%m-%Y")
        }
        body = render_to_string("verzoeken/email/termijn.txt", {
            "signaal": signaal, "verzoek": verzoek,
            "dagen": deadlines.days_left(signaal.uiterste_datum),
        })
    if recipients:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    signaal.verzonden_op = timezone.now()
    signaal.aantal_ontvangers = len(recipients)
    signaal.save(update_fields=["verzonden_op", "aantal_ontvangers"])
    return True


__all__ = [
    "Kanaal",
    "TransitionRefused",
    "answer",
    "approve",
    "create_deadline_warnings",
    "extend",
    "file_request",
    "mark_informed",
    "record_copy",
    "record_identity",
    "submit",
    "withdraw",
]
