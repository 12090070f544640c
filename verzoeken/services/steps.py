"""The steps of a request: keyword-only functions that views, admin actions, tasks and the demo
call (STYLE.md 3). Each checks its step with ``workflow.check`` first, records the acting user in
the history and gives the change a reason naming the step."""

from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from leerlingen.models import Leerling

from .. import deadlines, rules, workflow
from ..models import Beperking, Document, IndienerRol, Kopie, Soort, Status, Uitkomst, Verzoek
from ..workflow import TransitionRefused
from .common import erasure_obstacles, erasure_parts, instellingen_voor, new_kenmerk, save
from .documents import DECISION, PREVIEW
from .notifications import create_follow_ups

# --- legal hold while a request is open ----------------------------------------------------


def _place_hold(verzoek: Verzoek) -> None:
    """While a request is open nothing of the pupil is destroyed by the retention sweep."""
    from leerlingen.models import Blokkade

    Blokkade.objects.create(
        leerling=verzoek.leerling,
        reden=Blokkade.Reden.OPEN_VERZOEK,
        toelichting=verzoek.kenmerk,
        ingesteld_door=verzoek.vastgelegd_door,
    )


def _lift_hold(verzoek: Verzoek, user) -> None:
    from leerlingen.models import Blokkade

    if verzoek.leerling_id is None:
        return
    for hold in Blokkade.objects.filter(
        leerling_id=verzoek.leerling_id,
        reden=Blokkade.Reden.OPEN_VERZOEK,
        toelichting=verzoek.kenmerk,
        opgeheven_op__isnull=True,
    ):
        hold.opgeheven_op, hold.opgeheven_door = timezone.now(), user
        save(hold, user=user, reason=f"request {verzoek.kenmerk} closed")


def _refuse_erasure_with_obstacles(verzoek: Verzoek) -> None:
    """An erasure, objection or restriction is decided per category: partly granted when some
    categories can be reached now and the others cannot (``rules.category_decision``). An erasure
    is granted in full only when nothing must be kept."""
    if verzoek.uitkomst == Uitkomst.AFGEWEZEN or verzoek.soort not in rules.PER_CATEGORY:
        return
    if verzoek.uitkomst == Uitkomst.DEELS:
        erase, keep = erasure_parts(verzoek)
        if not erase:
            raise TransitionRefused("erasure_nothing", reason=" ".join(str(o) for o in keep))
        return
    if verzoek.soort != Soort.WISSEN:
        return
    obstacles = erasure_obstacles(verzoek)
    if obstacles:
        raise TransitionRefused("erasure", reason=" ".join(str(o) for o in obstacles))


# --- intake -------------------------------------------------------------------------------


@transaction.atomic
def file_request(
    *,
    leerling: Leerling,
    soort: str,
    kanaal: str,
    vastgelegd_door,
    omschrijving: str = "",
    ouder=None,
    door_leerling: bool = False,
    ontvangen_op: date | None = None,
    now: datetime | None = None,
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
        kenmerk=new_kenmerk(received),
        school=leerling.school,
        leerling=leerling,
        soort=soort,
        indiener_rol=IndienerRol.LEERLING if door_leerling else IndienerRol.OUDER,
        indiener_ouder=None if door_leerling else ouder,
        kanaal=kanaal,
        omschrijving=omschrijving.strip(),
        ontvangen_op=received,
        vastgelegd_door=vastgelegd_door,
        vastgelegd_op=now,
        eerste_termijn=first,
        uiterste_datum=first,
    )
    save(verzoek, user=vastgelegd_door, reason="received")
    _place_hold(verzoek)
    if soort == Soort.BEPERKING:
        _restrict_while_decided(verzoek, user=vastgelegd_door)
    from ..tasks import enqueue_request_mails

    enqueue_request_mails(verzoek.pk, "ontvangen", "nieuw")  # the receipt, the school's handlers
    return verzoek


@transaction.atomic
def plan_appointment(*, verzoek: Verzoek, afspraak_op: datetime, user) -> Verzoek:
    if not workflow.is_handler(user, verzoek):
        raise TransitionRefused("handler")
    verzoek.afspraak_op = afspraak_op
    verzoek.behandelaar = verzoek.behandelaar or user
    save(verzoek, user=user, reason="appointment planned")
    return verzoek


@transaction.atomic
def record_identity(
    *, verzoek: Verzoek, document_soort: str, user, gecontroleerd_op: datetime | None = None
) -> Verzoek:
    """The handler records that a legal ID document was shown: its kind, by whom, when. Never a copy or number."""
    verzoek = Verzoek.objects.select_for_update().get(pk=verzoek.pk)
    workflow.check(verzoek, "record_identity", user=user)
    verzoek.id_document_soort = document_soort
    verzoek.id_gecontroleerd_op = gecontroleerd_op or timezone.now()
    verzoek.id_gecontroleerd_door = user
    verzoek.behandelaar = verzoek.behandelaar or user
    workflow.transition(verzoek, "record_identity", user=user, reason="identity checked")
    return verzoek


@transaction.atomic
def extend(
    *, verzoek: Verzoek, maanden: int, reden: str, gemeld_op: date, user, today: date | None = None
) -> Verzoek:
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
    verzoek.uiterste_datum = deadlines.extended_deadline(
        verzoek.ontvangen_op, verzoek.eerste_termijn, months=maanden
    )
    save(verzoek, user=user, reason=f"deadline extended by {maanden} month(s)")
    return verzoek


# --- the decision ----------------------------------------------------------------------------------


@transaction.atomic
def submit(
    *, verzoek: Verzoek, uitkomst: str, motivering: str, user, gewijzigde_velden=None
) -> Verzoek:
    """The handler prepares the decision and sends it to the director. For access and portability the
    export is made as a preview; for a rectification the recipients to inform are listed; for an
    erasure the retention terms and legal duties are checked first."""
    verzoek = Verzoek.objects.select_for_update().get(pk=verzoek.pk)
    if gewijzigde_velden is not None:
        verzoek.gewijzigde_velden = list(gewijzigde_velden)
    workflow.check(verzoek, "submit", user=user, uitkomst=uitkomst, motivering=motivering)
    verzoek.uitkomst, verzoek.motivering = uitkomst, motivering.strip()
    _refuse_erasure_with_obstacles(verzoek)
    verzoek.behandelaar = verzoek.behandelaar or user
    verzoek.voorbereid_op = timezone.now()
    verzoek.teruggestuurd_reden = ""
    workflow.transition(verzoek, "submit", user=user, reason="sent to the director")
    if verzoek.levert_export and uitkomst != Uitkomst.AFGEWEZEN:
        # The preview export is made by the worker; an earlier one (sent back) goes now.
        for old in verzoek.documenten.filter(
            soort__startswith="afschrift_", vrijgegeven_op__isnull=True
        ):
            old._history_user = user
            old.delete()
        from ..tasks import enqueue_documents

        enqueue_documents(verzoek.pk, PREVIEW, user.pk)
    if verzoek.soort == Soort.RECTIFICATIE and uitkomst != Uitkomst.AFGEWEZEN:
        create_follow_ups(verzoek=verzoek, user=user)
    return verzoek


@transaction.atomic
def send_back(*, verzoek: Verzoek, user, opmerking: str) -> Verzoek:
    verzoek = Verzoek.objects.select_for_update().get(pk=verzoek.pk)
    workflow.check(verzoek, "send_back", user=user)
    if not opmerking.strip():
        raise TransitionRefused("reason")
    verzoek.teruggestuurd_reden = opmerking.strip()
    workflow.transition(verzoek, "send_back", user=user, reason="sent back by the director")
    return verzoek


@transaction.atomic
def approve(
    *,
    verzoek: Verzoek,
    user,
    uitkomst: str | None = None,
    motivering: str | None = None,
    achtergehouden: list[int] | None = None,
) -> Verzoek:
    """The director approves the decision (and may change it, or withhold dossier items from the
    export). The final export and the decision letter are made by the worker right after (the
    request page shows them as being prepared until then); a restriction takes effect now."""
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
    _refuse_erasure_with_obstacles(verzoek)
    verzoek.beoordelaar = user
    verzoek.besloten_op = timezone.now()
    workflow.transition(
        verzoek, "approve", user=user, reason=f"approved by the director: {verzoek.uitkomst}"
    )
    if verzoek.soort == Soort.BEPERKING:
        _restrict_as_decided(verzoek, user=user)
    from ..tasks import enqueue_documents

    # The final export and the decision letter are made by the worker (issue 21: no PDF inside
    # this POST); the answer waits for them (``workflow.check``, rule "documents").
    enqueue_documents(verzoek.pk, DECISION, user.pk)
    return verzoek


@transaction.atomic
def answer(*, verzoek: Verzoek, user) -> Verzoek:
    """Send the answer: the letter and any export are released to the requester (portal), the
    first copy is recorded (free), and an approved erasure is carried out by the erasure service."""
    verzoek = Verzoek.objects.select_for_update().get(pk=verzoek.pk)
    workflow.check(verzoek, "answer", user=user)
    now = timezone.now()
    granted = verzoek.uitkomst != Uitkomst.AFGEWEZEN
    _refuse_erasure_with_obstacles(verzoek)
    for doc in verzoek.documenten.filter(definitief=True, vrijgegeven_op__isnull=True):
        doc.vrijgegeven_op = now
        save(doc, user=user, reason="released to the requester")
    if verzoek.levert_export and granted and not verzoek.kopieen.exists():
        pdf = verzoek.documenten.filter(soort=Document.Soort.AFSCHRIFT_PDF, definitief=True).first()
        paginas = (pdf.paginas or 0) if pdf else 0
        save(
            Kopie(
                verzoek=verzoek,
                nummer=1,
                paginas=paginas,
                kosten=rules.copy_fee(  # free: the one fee rule says so (AVG art. 15(3))
                    paginas=paginas,
                    kopie_nummer=1,
                    instellingen=instellingen_voor(verzoek.school),
                ),
                aangemaakt_door=user,
            ),
            user=user,
            reason="first copy (free)",
        )
    verzoek.beantwoord_op = now
    workflow.transition(verzoek, "answer", user=user, reason="answered")
    _lift_hold(verzoek, user)
    from ..tasks import enqueue_request_mails

    enqueue_request_mails(verzoek.pk, "beantwoord")  # "your answer is ready", with the portal link
    if verzoek.soort == Soort.WISSEN and verzoek.uitkomst == Uitkomst.DEELS:
        _erase_parts(verzoek=verzoek, user=user)
    elif verzoek.soort == Soort.WISSEN and granted:
        _erase(verzoek=verzoek, user=user)
        verzoek.refresh_from_db()
    elif verzoek.soort == Soort.BEZWAAR and granted:
        _withdraw_consents(verzoek=verzoek, user=user)
    return verzoek


def _withdraw_consents(*, verzoek: Verzoek, user) -> None:
    """A granted objection stops the processing on consent it reaches: the consent app withdraws
    the pupil's consents for those categories as the requester, naming the request
    (``registry.consents_withdrawn_on_objection``). Partly granted: the categories it reaches."""
    from leerlingen import registry

    if verzoek.leerling is None:
        return
    if verzoek.uitkomst == Uitkomst.DEELS:
        reach, _keep = erasure_parts(verzoek)
        categorieen = [part.categorie for part in reach]
    else:
        categorieen = [categorie for categorie, _why in rules.GRANTABLE[Soort.BEZWAAR]]
    registry.consents_withdrawn_on_objection(
        leerling=verzoek.leerling,
        categorieen=categorieen,
        ouder=verzoek.indiener_ouder,
        door_leerling=verzoek.indiener_rol == IndienerRol.LEERLING,
        kanaal=verzoek.kanaal,
        kenmerk=verzoek.kenmerk,
        user=user,
    )


def _erase_parts(*, verzoek: Verzoek, user) -> None:
    """A partly granted erasure: the categories that may go are erased by the erasure service,
    item by item with their history; the rest of the file is kept under its legal terms."""
    from leerlingen.erasure import erase_record
    from leerlingen.models import DossierItem, VernietigdRecord
    from leerlingen.retention.rules import actor_name

    erase, _keep = erasure_parts(verzoek)
    ids = [pk for part in erase for pk in part.item_ids]
    for item in DossierItem.objects.filter(pk__in=ids).order_by("pk"):
        erase_record(
            obj=item,
            grond=VernietigdRecord.Grond.VERZOEK,
            besloten_door=verzoek.beoordelaar,
            besloten_door_naam=actor_name(verzoek.beoordelaar),
            categorie=item.categorie,
            verzoek_kenmerk=verzoek.kenmerk,
        )


def _erase(*, verzoek: Verzoek, user) -> None:
    from leerlingen.erasure import erase_record
    from leerlingen.models import VernietigdRecord
    from leerlingen.retention.rules import actor_name

    erase_record(
        obj=verzoek.leerling,
        grond=VernietigdRecord.Grond.VERZOEK,
        besloten_door=verzoek.beoordelaar,
        besloten_door_naam=actor_name(verzoek.beoordelaar),
        verzoek_kenmerk=verzoek.kenmerk,
    )


@transaction.atomic
def withdraw(*, verzoek: Verzoek, user, reden: str = "", door_indiener: bool = False) -> Verzoek:
    """Withdraw a request: by staff (e.g. on a letter) in any open state, by the requester in the
    portal until it goes to the director."""
    verzoek = Verzoek.objects.select_for_update().get(pk=verzoek.pk)
    step = "withdraw_by_requester" if door_indiener else "withdraw"
    if not door_indiener:  # the portal only reaches the requester's own requests
        workflow.check(verzoek, step, user=user)
    verzoek.teruggestuurd_reden = reden.strip()
    workflow.transition(verzoek, step, user=user, reason="withdrawn by the requester")
    _lift_hold(verzoek, user)
    _lift_interim_restriction(verzoek, user=user, reden=verzoek.teruggestuurd_reden or step)
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
    kosten = rules.copy_fee(
        paginas=paginas, kopie_nummer=nummer, instellingen=instellingen_voor(verzoek.school)
    )
    kopie = Kopie(
        verzoek=verzoek, nummer=nummer, paginas=paginas, kosten=kosten, aangemaakt_door=user
    )
    save(kopie, user=user, reason=f"copy {nummer}")
    return kopie


# --- restriction ------------------------------------------------------------------------------


def restrict(
    *,
    leerling: Leerling,
    user,
    reden: str,
    verzoek: Verzoek | None = None,
    categorieen: list[str] | None = None,
) -> Beperking:
    """Restrict processing of the pupil's data (``categorieen``: only those; None: all)."""
    existing = Beperking.objects.filter(
        leerling=leerling, opgeheven_op__isnull=True, categorieen=[]
    ).first()
    if existing is not None:
        return existing
    beperking = Beperking(
        leerling=leerling,
        verzoek=verzoek,
        reden=reden[:300],
        categorieen=sorted(categorieen or []),
        ingesteld_door=user,
    )
    save(beperking, user=user, reason="processing restricted")
    return beperking


def _restrict_while_decided(verzoek: Verzoek, *, user) -> None:
    """A restriction request restricts at once, while it is decided (AVG art. 18(1)), the
    categories it can reach; the processing under a legal duty goes on (``category_decision``)."""
    reach, _keep = erasure_parts(verzoek)
    if reach and verzoek.leerling is not None:
        with translation.override(settings.LANGUAGE_CODE):  # the school's language
            reden = _("Restricted while request %(ref)s is decided.") % {"ref": verzoek.kenmerk}
        restrict(
            leerling=verzoek.leerling,
            verzoek=verzoek,
            user=user,
            reden=reden,
            categorieen=[part.categorie for part in reach],
        )


def _lift_interim_restriction(verzoek: Verzoek, *, user, reden: str) -> None:
    for beperking in Beperking.objects.filter(verzoek=verzoek, opgeheven_op__isnull=True):
        beperking.opgeheven_op, beperking.opgeheven_door = timezone.now(), user
        beperking.opheffing_reden = reden[:300]
        save(beperking, user=user, reason="restriction lifted")


def _restrict_as_decided(verzoek: Verzoek, *, user) -> None:
    """The director's decision on a restriction request: granted, all the pupil's data; partly
    granted, the categories it can reach; refused, the restriction while it was decided ends."""
    if verzoek.uitkomst == Uitkomst.AFGEWEZEN:
        _lift_interim_restriction(verzoek, user=user, reden=verzoek.motivering or "refused")
        return
    categorieen: list[str] = []
    if verzoek.uitkomst == Uitkomst.DEELS:
        reach, _keep = erasure_parts(verzoek)
        categorieen = sorted(part.categorie for part in reach)
    current = Beperking.objects.filter(verzoek=verzoek, opgeheven_op__isnull=True).first()
    if current is None and verzoek.leerling is not None:
        restrict(
            leerling=verzoek.leerling,
            verzoek=verzoek,
            user=user,
            reden=verzoek.motivering,
            categorieen=categorieen,
        )
        return
    if current is None:
        return
    current.categorieen, current.reden = categorieen, verzoek.motivering[:300] or current.reden
    save(current, user=user, reason="processing restricted")


@transaction.atomic
def lift_restriction(*, beperking: Beperking, user, reden: str) -> Beperking:
    if not workflow.is_director_of(user, beperking.leerling.school_id):
        raise TransitionRefused("director_review")
    if not reden.strip():
        raise TransitionRefused("reason")
    beperking.opgeheven_op, beperking.opgeheven_door, beperking.opheffing_reden = (
        timezone.now(),
        user,
        reden.strip(),
    )
    save(beperking, user=user, reason="restriction lifted")
    return beperking
