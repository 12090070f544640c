"""Retention rules: the default terms, term arithmetic, the sweep, approval, legal holds and
carrying out a destruction list (DOMAIN.md § Retention, DESIGN.md §4–6).

Every function that writes is keyword-only and called by the admin, the tasks and the commands.
Nothing is destroyed without an approved list whose waiting period has ended; every item is
destroyed in its own transaction through ``erasure.erase_record``, so a killed worker leaves
each item either fully gone (with its tombstone) or fully there, and the next run finishes.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from .access import school_ids
from .erasure import ErasureRefused, active_hold, app_hooks, erase_record
from .models import (
    Bewaarcategorie,
    Bewaarcontrole,
    Bewaartermijn,
    Blokkade,
    DossierItem,
    Gebeurtenis,
    Gegevenscategorie,
    Leerling,
    School,
    VernietigdRecord,
    Vernietigingslijst,
    VernietigingslijstItem,
)

logger = logging.getLogger(__name__)

Progress = Callable[[int], None] | None


# --- the terms ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TermRule:
    gebeurtenis: str
    jaren: int
    maanden: int = 0
    minimum_maanden: int | None = None  # a legal minimum: the school may not keep shorter
    grondslag: str = ""


# The terms of DOMAIN.md § Retention (seed 003; seeds 000/001 for recordings). Where the law
# sets a term it is also the minimum; elsewhere the default is the school's own rule.
DEFAULT_TERMS: dict[str, TermRule] = {
    Bewaarcategorie.LEERLINGADMINISTRATIE: TermRule(
        Gebeurtenis.UITSCHRIJVING, 5, minimum_maanden=60,
        grondslag=gettext_lazy("Legal term for the pupil administration: 5 years after the pupil left (privacy statement 003)."),
    ),
    Bewaarcategorie.EXAMENS: TermRule(
        Gebeurtenis.EINDE_ONDERWIJSOVEREENKOMST, 2, minimum_maanden=24,
        grondslag=gettext_lazy("Legal term for exams: 2 years after the education agreement ended (privacy statement 003)."),
    ),
    Bewaarcategorie.ZORGDOSSIER: TermRule(
        Gebeurtenis.UITSCHRIJVING, 2,
        grondslag=gettext_lazy("School rule: care data no longer than needed after the pupil left."),
    ),
    Bewaarcategorie.TOESTEMMINGSBEWIJS: TermRule(
        Gebeurtenis.EINDE_TOESTEMMING, 1,
        grondslag=gettext_lazy("School rule: proof of consent (AVG art. 7(1)) kept a year after the consent ended."),
    ),
    Bewaarcategorie.VERZOEKEN: TermRule(
        Gebeurtenis.AFHANDELING_VERZOEK, 2,
        grondslag=gettext_lazy("School rule: requests and answers kept to account for them (AVG art. 5(2))."),
    ),
    Bewaarcategorie.VERSTREKKINGEN: TermRule(
        Gebeurtenis.VERSTREKKING, 5,
        grondslag=gettext_lazy("School rule: disclosures kept to inform parents and correct recipients (AVG art. 15, 19)."),
    ),
    Bewaarcategorie.PROFESSIONALISERING: TermRule(
        Gebeurtenis.EINDE_TRAJECT, 0,
        grondslag=gettext_lazy("Privacy statements 000/001: recordings are wiped when the trajectory ends."),
    ),
    Bewaarcategorie.NIET_INGESCHREVEN: TermRule(
        Gebeurtenis.EINDE_AANMELDING, 1,
        grondslag=gettext_lazy("School rule: a registration that did not lead to enrolment, kept for objections."),
    ),
}

# Terms that count from the pupil leaving: the pupil record with everything in it goes at the
# pupil-administration term, so these cannot be longer than that term.
COUNTED_FROM_LEAVING = (Bewaarcategorie.EXAMENS, Bewaarcategorie.ZORGDOSSIER)

# Dossier-item categories that have a term of their own (the others are pupil administration).
DOSSIER_CATEGORIES: dict[str, frozenset[str]] = {
    Bewaarcategorie.EXAMENS: frozenset({Gegevenscategorie.STUDIEVOORTGANG}),
    Bewaarcategorie.ZORGDOSSIER: Gegevenscategorie.zorg(),
}


def waiting_days() -> int:
    """The waiting period between approval and destruction (setting DESTRUCTION_WAITING_DAYS)."""
    return int(getattr(settings, "DESTRUCTION_WAITING_DAYS", 7))


def add_term(start: date, *, jaren: int, maanden: int = 0) -> date:
    """``start`` plus a term; 29 February plus a year is 28 February."""
    return start + relativedelta(years=jaren, months=maanden)


def expiry_date(termijn: Bewaartermijn, event_date: date) -> date:
    """The day the term runs out: from this day on the record is due for destruction."""
    return add_term(event_date, jaren=termijn.jaren, maanden=termijn.maanden)


def is_expired(termijn: Bewaartermijn, event_date: date | None, today: date) -> bool:
    return event_date is not None and expiry_date(termijn, event_date) <= today


def term_errors(termijn: Bewaartermijn) -> dict[str, str]:
    """What is wrong with a term, naming the rule; empty when it is within legal bounds."""
    errors = {}
    rule = DEFAULT_TERMS.get(termijn.categorie)
    if rule is None:
        return {"categorie": _("Unknown kind of record.")}
    if termijn.gebeurtenis and termijn.gebeurtenis != rule.gebeurtenis:
        errors["gebeurtenis"] = _("This term counts from: %(event)s.") % {"event": Gebeurtenis(rule.gebeurtenis).label}
    total = (termijn.jaren or 0) * 12 + (termijn.maanden or 0)
    if rule.minimum_maanden is not None and total < rule.minimum_maanden:
        errors["jaren"] = _(
            "The law sets a minimum of %(minimum)s for %(kind)s; a shorter term is not allowed. (%(source)s)"
        ) % {
            "minimum": _duration(rule.minimum_maanden), "kind": Bewaarcategorie(termijn.categorie).label,
            "source": rule.grondslag,
        }
    if termijn.categorie in COUNTED_FROM_LEAVING and termijn.school_id:
        admin_term = Bewaartermijn.objects.filter(
            school_id=termijn.school_id, categorie=Bewaarcategorie.LEERLINGADMINISTRATIE
        ).first()
        if admin_term is not None and total > admin_term.totaal_maanden:
            errors.setdefault("jaren", _(
                "The pupil record, with everything in it, is destroyed %(admin)s after the pupil left: "
                "this term cannot be longer."
            ) % {"admin": admin_term.duur_tekst})
    return errors


def _duration(months: int) -> str:
    from .models_retention import duration_text

    return duration_text(months // 12, months % 12)


def legal_minimum_text(categorie: str) -> str:
    rule = DEFAULT_TERMS.get(categorie)
    if rule is None or rule.minimum_maanden is None:
        return _("none")
    return _duration(rule.minimum_maanden)


def ensure_default_terms(*, school: School) -> list[Bewaartermijn]:
    """Give a school the terms of DOMAIN.md for every kind of record it does not have yet."""
    existing = set(Bewaartermijn.objects.filter(school=school).values_list("categorie", flat=True))
    created = []
    for categorie, rule in DEFAULT_TERMS.items():
        if categorie in existing:
            continue
        created.append(Bewaartermijn.objects.create(
            school=school, categorie=categorie, gebeurtenis=rule.gebeurtenis, jaren=rule.jaren,
            maanden=rule.maanden, grondslag=str(rule.grondslag),
        ))
    return created


def _default_term(school: School, categorie: str) -> Bewaartermijn:
    rule = DEFAULT_TERMS[categorie]
    return Bewaartermijn(
        school=school, categorie=categorie, gebeurtenis=rule.gebeurtenis, jaren=rule.jaren, maanden=rule.maanden,
        grondslag=str(rule.grondslag),
    )


def is_director(user, school_id) -> bool:
    return school_id in school_ids(user, ("rol_directeur",))


def _require_director(user, school_id) -> None:
    if not is_director(user, school_id):
        raise PermissionDenied(_("Only the school's director may do this."))


def set_term(*, termijn: Bewaartermijn, jaren: int, maanden: int, toelichting: str, changed_by) -> Bewaartermijn:
    """The director sets another term, within legal bounds; the change is in the history."""
    _require_director(changed_by, termijn.school_id)
    termijn.jaren, termijn.maanden, termijn.toelichting = jaren, maanden, toelichting
    termijn.full_clean()
    termijn._history_user = changed_by
    termijn._change_reason = toelichting[:100]
    termijn.save()
    return termijn


def actor_name(user) -> str:
    name = (user.get_full_name() or user.get_username()) if user else ""
    return _("%(name)s (director)") % {"name": name}


# --- legal holds ---------------------------------------------------------------------------


def place_hold(*, leerling: Leerling, reden: str, toelichting: str = "", user) -> Blokkade:
    _require_director(user, leerling.school_id)
    blokkade = Blokkade(leerling=leerling, reden=reden, toelichting=toelichting, ingesteld_door=user)
    blokkade.full_clean()
    blokkade._history_user = user
    blokkade.save()
    return blokkade


def lift_hold(*, blokkade: Blokkade, user) -> Blokkade:
    _require_director(user, blokkade.leerling.school_id)
    if blokkade.opgeheven_op is None:
        blokkade.opgeheven_op, blokkade.opgeheven_door = timezone.now(), user
        blokkade._history_user = user
        blokkade.save()
    return blokkade


# --- the sweep -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionCandidate:
    """A record whose term has run out. Apps other than leerlingen yield these from
    ``retention_candidates(*, school, termijnen, today)`` in their ``erasure_hooks.py``."""

    model: type
    object_id: int
    categorie: str
    vervaldatum: date
    leerling_id: int | None = None


@dataclass
class SweepResult:
    run: Bewaarcontrole | None = None
    found: Counter = field(default_factory=Counter)  # per BRIN
    added: Counter = field(default_factory=Counter)  # per BRIN
    lists: list = field(default_factory=list)
    by_category: Counter = field(default_factory=Counter)


PENDING_LIST = (Vernietigingslijst.Status.OPEN, Vernietigingslijst.Status.GOEDGEKEURD, Vernietigingslijst.Status.IN_UITVOERING)


def _already_handled(school: School, today: date) -> set[tuple[int, int]]:
    """(content type, id) of records that must not be listed again today."""
    items = VernietigingslijstItem.objects.filter(lijst__school=school).filter(
        Q(lijst__status__in=PENDING_LIST) & ~Q(status=VernietigingslijstItem.Status.UITGEZONDERD)
        | Q(status=VernietigingslijstItem.Status.UITGEZONDERD)
        & ~Q(lijst__status=Vernietigingslijst.Status.GEANNULEERD)
        & (Q(nieuwe_datum__isnull=True) | Q(nieuwe_datum__gt=today))
    )
    return set(items.values_list("content_type_id", "object_id"))


def _coarse_cutoff(termijn: Bewaartermijn, today: date) -> date:
    # A database pre-filter; the exact check is ``is_expired`` (month ends differ by a few days).
    return today - relativedelta(years=termijn.jaren, months=termijn.maanden) + timedelta(days=4)


def find_expired(*, school: School, today: date, termijnen: dict[str, Bewaartermijn]) -> list[RetentionCandidate]:
    """Everything of ``school`` whose term has run out on ``today``."""
    found: list[RetentionCandidate] = []
    pupils_going: set[int] = set()

    admin_term = termijnen[Bewaarcategorie.LEERLINGADMINISTRATIE]
    rows = Leerling.objects.filter(
        school=school, datum_uitschrijving__isnull=False, datum_uitschrijving__gt=F("datum_inschrijving"),
        datum_uitschrijving__lte=_coarse_cutoff(admin_term, today),
    ).values_list("id", "datum_uitschrijving").order_by("id")
    for pk, left in rows.iterator(chunk_size=2000):
        if is_expired(admin_term, left, today):
            found.append(RetentionCandidate(Leerling, pk, admin_term.categorie, expiry_date(admin_term, left), pk))
            pupils_going.add(pk)

    never = termijnen[Bewaarcategorie.NIET_INGESCHREVEN]
    rows = (
        Leerling.objects.filter(
            school=school, datum_uitschrijving__isnull=False, datum_uitschrijving__lte=F("datum_inschrijving")
        )
        .filter(datum_uitschrijving__lte=_coarse_cutoff(never, today))
        .values_list("id", "datum_uitschrijving")
        .order_by("id")
    )
    for pk, ended in rows.iterator(chunk_size=2000):
        if is_expired(never, ended, today):
            found.append(RetentionCandidate(Leerling, pk, never.categorie, expiry_date(never, ended), pk))
            pupils_going.add(pk)

    for categorie, dossier_categories in DOSSIER_CATEGORIES.items():
        termijn = termijnen[categorie]
        rows = DossierItem.objects.filter(
            leerling__school=school, categorie__in=dossier_categories,
            leerling__datum_uitschrijving__isnull=False,
            leerling__datum_uitschrijving__gt=F("leerling__datum_inschrijving"),
            leerling__datum_uitschrijving__lte=_coarse_cutoff(termijn, today),
        ).values_list("id", "leerling_id", "leerling__datum_uitschrijving").order_by("id")
        for pk, leerling_id, left in rows.iterator(chunk_size=2000):
            if leerling_id not in pupils_going and is_expired(termijn, left, today):
                found.append(RetentionCandidate(DossierItem, pk, categorie, expiry_date(termijn, left), leerling_id))

    for hook in app_hooks("retention_candidates"):
        found.extend(hook(school=school, termijnen=termijnen, today=today))
    return found


def _list_name(school: School, today: date) -> str:
    base = f"VL-{school.brin}-{today:%Y-%m-%d}"
    name, n = base, 1
    while Vernietigingslijst.objects.filter(naam=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def sweep_school(*, school: School, today: date, dry_run: bool = False, progress: Progress = None) -> tuple[list, Vernietigingslijst | None, int]:
    """Find what ran out at one school and put it on the school's open destruction list.

    Returns (candidates, list, number added). The open list collects items until the director
    approves it; after that the next sweep starts a new list.
    """
    termijnen = {t.categorie: t for t in Bewaartermijn.objects.filter(school=school)}
    if not dry_run and len(termijnen) < len(DEFAULT_TERMS):
        ensure_default_terms(school=school)
        termijnen = {t.categorie: t for t in Bewaartermijn.objects.filter(school=school)}
    for categorie in DEFAULT_TERMS:
        termijnen.setdefault(categorie, _default_term(school, categorie))

    candidates = find_expired(school=school, today=today, termijnen=termijnen)
    handled = _already_handled(school, today)
    cts = {}
    fresh = []
    for c in candidates:
        ct = cts.get(c.model) or cts.setdefault(c.model, ContentType.objects.get_for_model(c.model))
        if (ct.id, c.object_id) not in handled:
            fresh.append((ct, c))
    if dry_run or not fresh:
        if progress:
            progress(len(candidates))
        return candidates, None, len(fresh) if dry_run else 0

    with transaction.atomic():
        School.objects.select_for_update().filter(pk=school.pk).first()  # one sweep per school at a time
        lijst = Vernietigingslijst.objects.filter(school=school, status=Vernietigingslijst.Status.OPEN).first()
        if lijst is None:
            lijst = Vernietigingslijst.objects.create(school=school, naam=_list_name(school, today), peildatum=today)
        else:
            lijst.peildatum = today
            lijst.save(update_fields=["peildatum"])
        on_list = set(lijst.items.values_list("content_type_id", "object_id"))
        items = [
            VernietigingslijstItem(
                lijst=lijst, content_type=ct, object_id=c.object_id, leerling_id_ref=c.leerling_id,
                categorie=c.categorie, bewaartermijn=termijnen[c.categorie] if termijnen[c.categorie].pk else None,
                termijn_omschrijving=str(termijnen[c.categorie].omschrijving), vervaldatum=c.vervaldatum,
            )
            for ct, c in fresh
            if (ct.id, c.object_id) not in on_list
        ]
        for start in range(0, len(items), 1000):
            bulk_create_with_history(items[start : start + 1000], VernietigingslijstItem, batch_size=1000)
            if progress:
                progress(len(items[start : start + 1000]))
    return candidates, lijst, len(items)


def run_sweep(*, school: School | None = None, today: date | None = None, dry_run: bool = False,
              progress: Progress = None) -> SweepResult:
    """The daily sweep over all schools (or one). Recorded as a ``Bewaarcontrole`` with progress."""
    today = today or timezone.localdate()
    schools = School.objects.order_by("id")
    if school is not None:
        schools = schools.filter(pk=school.pk)
    result = SweepResult()
    run = Bewaarcontrole.objects.create(
        school=school, peildatum=today, proefrun=dry_run, scholen_totaal=schools.count()
    )
    result.run = run
    try:
        for s in schools.iterator():
            candidates, lijst, added = sweep_school(school=s, today=today, dry_run=dry_run, progress=progress)
            result.found[s.brin] += len(candidates)
            result.added[s.brin] += added
            for c in candidates:
                result.by_category[c.categorie] += 1
            if lijst is not None and lijst not in result.lists:
                result.lists.append(lijst)
            run.scholen_gedaan += 1
            run.gevonden += len(candidates)
            run.toegevoegd += added
            run.save(update_fields=["scholen_gedaan", "gevonden", "toegevoegd"])
    except Exception:
        run.status, run.voltooid_op = Bewaarcontrole.Status.MISLUKT, timezone.now()
        run.save(update_fields=["status", "voltooid_op"])
        raise
    run.status, run.voltooid_op = Bewaarcontrole.Status.KLAAR, timezone.now()
    run.save(update_fields=["status", "voltooid_op"])
    logger.info("retention sweep %s: %s found, %s put on lists", today, run.gevonden, run.toegevoegd)
    return result


# --- approval --------------------------------------------------------------------------------


def take_off_item(*, item: VernietigingslijstItem, user, reden: str, nieuwe_datum: date | None = None,
                  today: date | None = None) -> VernietigingslijstItem:
    """Take one record off an open list: with a new date, or kept for the recorded reason."""
    today = today or timezone.localdate()
    _require_director(user, item.lijst.school_id)
    if item.lijst.status != Vernietigingslijst.Status.OPEN:
        raise ValidationError(_("Items can only be taken off a list that is awaiting approval."))
    if not reden.strip():
        raise ValidationError({"uitzonderingsreden": _("Give the reason for taking this record off the list.")})
    if nieuwe_datum is not None and nieuwe_datum <= today:
        raise ValidationError({"nieuwe_datum": _("The new date must lie in the future.")})
    item.status = VernietigingslijstItem.Status.UITGEZONDERD
    item.uitzonderingsreden, item.nieuwe_datum, item.uitgezonderd_door = reden.strip(), nieuwe_datum, user
    item._history_user = user
    item.save()
    return item


def approve_list(*, lijst: Vernietigingslijst, user, bevestiging: str, now: datetime | None = None) -> Vernietigingslijst:
    """The director approves the list by typing its name. Destruction starts after the waiting period."""
    now = now or timezone.now()
    _require_director(user, lijst.school_id)
    with transaction.atomic():
        lijst = Vernietigingslijst.objects.select_for_update().get(pk=lijst.pk)
        if lijst.status != Vernietigingslijst.Status.OPEN:
            raise ValidationError(_("This list is not awaiting approval."))
        if (bevestiging or "").strip() != lijst.naam:
            raise ValidationError(
                {"bevestiging": _("Type the name of the list exactly (%(naam)s) to approve it.") % {"naam": lijst.naam}}
            )
        lijst.status = Vernietigingslijst.Status.GOEDGEKEURD
        lijst.goedgekeurd_door, lijst.goedgekeurd_door_naam = user, actor_name(user)
        lijst.goedgekeurd_op = now
        lijst.uitvoeren_vanaf = now + timedelta(days=waiting_days())
        lijst._history_user = user
        lijst.save()
        if waiting_days() == 0:
            _enqueue_destruction(lijst.pk)
    return lijst


def cancel_list(*, lijst: Vernietigingslijst, user, reden: str) -> Vernietigingslijst:
    """Cancel a list before destruction begins (awaiting approval, or in its waiting period)."""
    _require_director(user, lijst.school_id)
    if not reden.strip():
        raise ValidationError({"annuleringsreden": _("Give the reason for cancelling.")})
    with transaction.atomic():
        lijst = Vernietigingslijst.objects.select_for_update().get(pk=lijst.pk)
        if lijst.status not in (Vernietigingslijst.Status.OPEN, Vernietigingslijst.Status.GOEDGEKEURD):
            raise ValidationError(_("Destruction has begun: the list can no longer be cancelled."))
        lijst.status = Vernietigingslijst.Status.GEANNULEERD
        lijst.geannuleerd_door, lijst.geannuleerd_op, lijst.annuleringsreden = user, timezone.now(), reden.strip()
        lijst._history_user = user
        lijst.save()
    return lijst


# --- destruction -------------------------------------------------------------------------------


def _enqueue_destruction(lijst_id: int) -> None:
    from .tasks import enqueue_destruction

    enqueue_destruction(lijst_id)


def due_lists(*, now: datetime | None = None) -> list[int]:
    """Lists whose waiting period is over are marked as being carried out; returns the ids of
    every list that still has work (including ones a killed worker left half-way)."""
    now = now or timezone.now()
    with transaction.atomic():
        for lijst in Vernietigingslijst.objects.select_for_update(skip_locked=True).filter(
            status=Vernietigingslijst.Status.GOEDGEKEURD, uitvoeren_vanaf__lte=now
        ):
            lijst.status, lijst.gestart_op = Vernietigingslijst.Status.IN_UITVOERING, now
            lijst.save(update_fields=["status", "gestart_op"])
    return list(
        Vernietigingslijst.objects.filter(status=Vernietigingslijst.Status.IN_UITVOERING).values_list("id", flat=True)
    )


def carry_out_item(*, item_id: int) -> str | None:
    """Destroy one item in its own transaction. Returns the item's new status, or None when
    there was nothing to do (already done, or another worker holds it)."""
    Item = VernietigingslijstItem
    with transaction.atomic():
        item = (
            Item.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("lijst", "content_type")
            .filter(pk=item_id, status=Item.Status.TE_VERNIETIGEN, lijst__status=Vernietigingslijst.Status.IN_UITVOERING)
            .first()
        )
        if item is None:
            return None
        lijst = item.lijst
        hold = active_hold(item.leerling_id_ref) if item.leerling_id_ref else None
        if hold is not None:
            item.status, item.blokkade, item.blokkade_reden = Item.Status.OVERGESLAGEN, hold, hold.reden
            item.save(update_fields=["status", "blokkade", "blokkade_reden"])
            return item.status
        obj = item.record()
        if obj is None:  # erased meanwhile (e.g. on a request): nothing to destroy twice
            item.status, item.vernietigd_op = Item.Status.VERNIETIGD, timezone.now()
            item.fout = _("Already erased before this list was carried out.")
            item.save(update_fields=["status", "vernietigd_op", "fout"])
            return item.status
        try:
            with transaction.atomic():
                result = erase_record(
                    obj=obj, grond=VernietigdRecord.Grond.BEWAARTERMIJN, besloten_door=lijst.goedgekeurd_door,
                    besloten_door_naam=lijst.goedgekeurd_door_naam, categorie=item.categorie,
                    termijn_omschrijving=item.termijn_omschrijving, item=item,
                )
        except ErasureRefused as exc:
            item.status, item.fout = Item.Status.MISLUKT, str(exc)[:300]
            item.save(update_fields=["status", "fout"])
            return item.status
        item.status, item.vernietigd_op = Item.Status.VERNIETIGD, timezone.now()
        item.aantal_records = sum(result.counts.values())
        item.save(update_fields=["status", "vernietigd_op", "aantal_records"])
        return item.status


def finish_if_done(*, lijst_id: int) -> bool:
    with transaction.atomic():
        lijst = Vernietigingslijst.objects.select_for_update().get(pk=lijst_id)
        if lijst.status != Vernietigingslijst.Status.IN_UITVOERING:
            return lijst.status == Vernietigingslijst.Status.UITGEVOERD
        if lijst.items.filter(status=VernietigingslijstItem.Status.TE_VERNIETIGEN).exists():
            return False
        lijst.status, lijst.voltooid_op = Vernietigingslijst.Status.UITGEVOERD, timezone.now()
        lijst.save(update_fields=["status", "voltooid_op"])
        return True


def carry_out_list(*, lijst_id: int, progress: Progress = None, now: datetime | None = None) -> Counter:
    """Work off an approved list whose waiting period is over. Idempotent: a second run (or a
    run after a killed worker) does only what is left."""
    lijst = Vernietigingslijst.objects.get(pk=lijst_id)
    if lijst.status == Vernietigingslijst.Status.GOEDGEKEURD:
        if lijst.uitvoeren_vanaf and lijst.uitvoeren_vanaf <= (now or timezone.now()):
            due_lists(now=now)
            lijst.refresh_from_db()
        else:
            raise ValidationError(_("The waiting period of this list has not ended yet."))
    summary: Counter = Counter()
    if lijst.status != Vernietigingslijst.Status.IN_UITVOERING:
        return summary
    last_id = 0
    while True:
        ids = list(
            lijst.items.filter(status=VernietigingslijstItem.Status.TE_VERNIETIGEN, id__gt=last_id)
            .order_by("id").values_list("id", flat=True)[:500]
        )
        if not ids:
            break
        for item_id in ids:
            status = carry_out_item(item_id=item_id)
            if status:
                summary[status] += 1
            if progress:
                progress(1)
        last_id = ids[-1]
    finish_if_done(lijst_id=lijst_id)
    return summary


def progress_of(lijst: Vernietigingslijst) -> dict:
    """Counts per item status and the share done, for the admin."""
    from django.db.models import Count

    counts = dict(lijst.items.values_list("status").annotate(n=Count("id")).order_by())
    total = sum(counts.values())
    pending = counts.get(VernietigingslijstItem.Status.TE_VERNIETIGEN, 0)
    return {"counts": counts, "total": total, "done": total - pending, "pending": pending}


def candidate_ids(candidates: Iterable[RetentionCandidate]) -> set[tuple[str, int]]:
    return {(c.model._meta.label, c.object_id) for c in candidates}
