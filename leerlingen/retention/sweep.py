"""The retention sweep: find every record whose term has run out and put it on its school's
destruction list (DOMAIN.md § Retention, DESIGN.md §4). Nothing is destroyed here: that waits
for the director's approval and the waiting period (``destruction.py``).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, Model, Q
from django.utils import timezone

from dateutil.relativedelta import relativedelta
from simple_history.utils import bulk_create_with_history

from ..models import DossierItem, Leerling, School
from .models import (
    Bewaarcategorie,
    Bewaarcontrole,
    Bewaartermijn,
    Vernietigingslijst,
    VernietigingslijstItem,
)
from .producers import RetentionCandidate, producers, register_producer
from .rules import (
    DEFAULT_TERMS,
    DOSSIER_CATEGORIES,
    default_term,
    ensure_default_terms,
    expiry_date,
    is_expired,
)

logger = logging.getLogger(__name__)

Progress = Callable[[int], None] | None


@dataclass
class SweepResult:
    run: Bewaarcontrole | None = None
    found: Counter = field(default_factory=Counter)  # per BRIN
    added: Counter = field(default_factory=Counter)  # per BRIN
    lists: list = field(default_factory=list)
    by_category: Counter = field(default_factory=Counter)
    candidates: list = field(default_factory=list)  # a dry run's candidates, for the auditor


# Lists not yet done: their records are not listed again.
PENDING_LIST = (
    Vernietigingslijst.Status.OPEN,
    Vernietigingslijst.Status.GOEDGEKEURD,
    Vernietigingslijst.Status.IN_UITVOERING,
    Vernietigingslijst.Status.WACHT_OP_BEVESTIGING,
    Vernietigingslijst.Status.ONVOLLEDIG,
)


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


def pupil_administration(*, school: School, termijn: Bewaartermijn, today: date):
    """Pupils who left longer ago than the pupil-administration term: the whole record goes."""
    rows = (
        Leerling.objects.filter(
            school=school,
            datum_uitschrijving__isnull=False,
            datum_uitschrijving__gt=F("datum_inschrijving"),
            datum_uitschrijving__lte=_coarse_cutoff(termijn, today),
        )
        .values_list("id", "datum_uitschrijving")
        .order_by("id")
    )
    for pk, left in rows.iterator(chunk_size=2000):
        if left is not None and is_expired(termijn, left, today):
            yield RetentionCandidate(
                Leerling, pk, termijn.categorie, expiry_date(termijn, left), pk
            )


def never_enrolled(*, school: School, termijn: Bewaartermijn, today: date):
    """Registrations that ended without enrolment."""
    rows = (
        Leerling.objects.filter(
            school=school,
            datum_uitschrijving__isnull=False,
            datum_uitschrijving__lte=F("datum_inschrijving"),
        )
        .filter(datum_uitschrijving__lte=_coarse_cutoff(termijn, today))
        .values_list("id", "datum_uitschrijving")
        .order_by("id")
    )
    for pk, ended in rows.iterator(chunk_size=2000):
        if ended is not None and is_expired(termijn, ended, today):
            yield RetentionCandidate(
                Leerling, pk, termijn.categorie, expiry_date(termijn, ended), pk
            )


def _dossier_items(*, school: School, termijn: Bewaartermijn, today: date):
    rows = (
        DossierItem.objects.filter(
            leerling__school=school,
            categorie__in=DOSSIER_CATEGORIES[termijn.categorie],
            leerling__datum_uitschrijving__isnull=False,
            leerling__datum_uitschrijving__gt=F("leerling__datum_inschrijving"),
            leerling__datum_uitschrijving__lte=_coarse_cutoff(termijn, today),
        )
        .values_list("id", "leerling_id", "leerling__datum_uitschrijving")
        .order_by("id")
    )
    for pk, leerling_id, left in rows.iterator(chunk_size=2000):
        if left is not None and is_expired(termijn, left, today):
            yield RetentionCandidate(
                DossierItem,
                pk,
                termijn.categorie,
                expiry_date(termijn, left),
                leerling_id,
                goes_with_pupil=True,
            )


def exam_items(*, school: School, termijn: Bewaartermijn, today: date):
    """Exam and study-progress items of pupils who left longer ago than the exam term."""
    return _dossier_items(school=school, termijn=termijn, today=today)


def care_items(*, school: School, termijn: Bewaartermijn, today: date):
    """Care-dossier items of pupils who left longer ago than the care term."""
    return _dossier_items(school=school, termijn=termijn, today=today)


def register_producers() -> None:
    """The register's own producers (called from ``LeerlingenConfig.ready``)."""
    register_producer(Bewaarcategorie.LEERLINGADMINISTRATIE, pupil_administration)
    register_producer(Bewaarcategorie.NIET_INGESCHREVEN, never_enrolled)
    register_producer(Bewaarcategorie.EXAMENS, exam_items)
    register_producer(Bewaarcategorie.ZORGDOSSIER, care_items)


def find_expired(
    *, school: School, today: date, termijnen: dict[str, Bewaartermijn]
) -> list[RetentionCandidate]:
    """Everything of ``school`` whose term has run out on ``today``: what every registered
    producer finds (``producers.py``), without records that go with a pupil listed whole."""
    found: list[RetentionCandidate] = []
    for categorie in Bewaarcategorie.values:
        termijn = termijnen[categorie]
        for producer in producers(categorie):
            found.extend(producer(school=school, termijn=termijn, today=today))
    pupils_going = {c.object_id for c in found if c.model is Leerling}
    return [c for c in found if not (c.goes_with_pupil and c.leerling_id in pupils_going)]


def _list_name(school: School, today: date) -> str:
    base = f"VL-{school.brin}-{today:%Y-%m-%d}"
    name, n = base, 1
    while Vernietigingslijst.objects.filter(naam=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def sweep_school(
    *, school: School, today: date, dry_run: bool = False, progress: Progress = None
) -> tuple[list, Vernietigingslijst | None, int]:
    """Find what ran out at one school and put it on the school's open destruction list.

    Returns (candidates, list, number added). The open list collects items until the director
    approves it; after that the next sweep starts a new list.
    """
    termijnen = {t.categorie: t for t in Bewaartermijn.objects.filter(school=school)}
    if not dry_run and len(termijnen) < len(DEFAULT_TERMS):
        ensure_default_terms(school=school)
        termijnen = {t.categorie: t for t in Bewaartermijn.objects.filter(school=school)}
    for categorie in DEFAULT_TERMS:
        termijnen.setdefault(categorie, default_term(school, categorie))

    candidates = find_expired(school=school, today=today, termijnen=termijnen)
    handled = _already_handled(school, today)
    cts: dict[type[Model], ContentType] = {}
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
        School.objects.select_for_update().filter(
            pk=school.pk
        ).first()  # one sweep per school at a time
        lijst = Vernietigingslijst.objects.filter(
            school=school, status=Vernietigingslijst.Status.OPEN
        ).first()
        if lijst is None:
            lijst = Vernietigingslijst.objects.create(
                school=school, naam=_list_name(school, today), peildatum=today
            )
        else:
            lijst.peildatum = today
            lijst.save(update_fields=["peildatum"])
        on_list = set(lijst.items.values_list("content_type_id", "object_id"))
        items = [
            VernietigingslijstItem(
                lijst=lijst,
                content_type=ct,
                object_id=c.object_id,
                leerling_id_ref=c.leerling_id,
                categorie=c.categorie,
                bewaartermijn=termijnen[c.categorie] if termijnen[c.categorie].pk else None,
                termijn_omschrijving=str(termijnen[c.categorie].omschrijving),
                vervaldatum=c.vervaldatum,
                extern=c.extern,
            )
            for ct, c in fresh
            if (ct.id, c.object_id) not in on_list
        ]
        for start in range(0, len(items), 1000):
            bulk_create_with_history(
                items[start : start + 1000], VernietigingslijstItem, batch_size=1000
            )
            if progress:
                progress(len(items[start : start + 1000]))
    return candidates, lijst, len(items)


def run_sweep(
    *,
    school: School | None = None,
    today: date | None = None,
    dry_run: bool = False,
    progress: Progress = None,
) -> SweepResult:
    """The daily sweep over all schools (or one). Recorded as a ``Bewaarcontrole`` with progress.

    A dry run changes nothing in the database (not even a run record): it returns what the
    sweep would find on ``today``, per school and category, with the candidates themselves."""
    today = today or timezone.localdate()
    schools = School.objects.order_by("id")
    if school is not None:
        schools = schools.filter(pk=school.pk)
    result = SweepResult()
    run = Bewaarcontrole(
        school=school, peildatum=today, proefrun=dry_run, scholen_totaal=schools.count()
    )
    if not dry_run:
        run.save()
    result.run = run
    try:
        for s in schools.iterator():
            candidates, lijst, added = sweep_school(
                school=s, today=today, dry_run=dry_run, progress=progress
            )
            result.found[s.brin] += len(candidates)
            result.added[s.brin] += added
            for c in candidates:
                result.by_category[c.categorie] += 1
            if dry_run:
                result.candidates.extend((s.brin, c) for c in candidates)
            if lijst is not None and lijst not in result.lists:
                result.lists.append(lijst)
            run.scholen_gedaan += 1
            run.gevonden += len(candidates)
            run.toegevoegd += added
            if not dry_run:
                run.save(update_fields=["scholen_gedaan", "gevonden", "toegevoegd"])
    except Exception:
        run.status, run.voltooid_op = Bewaarcontrole.Status.MISLUKT, timezone.now()
        if not dry_run:
            run.save(update_fields=["status", "voltooid_op"])
        raise
    run.status, run.voltooid_op = Bewaarcontrole.Status.KLAAR, timezone.now()
    if not dry_run:
        run.save(update_fields=["status", "voltooid_op"])
    logger.info(
        "retention sweep %s: %s found, %s put on lists", today, run.gevonden, run.toegevoegd
    )
    return result


def candidate_ids(candidates: Iterable[RetentionCandidate]) -> set[tuple[str, int]]:
    return {(c.model._meta.label, c.object_id) for c in candidates}
