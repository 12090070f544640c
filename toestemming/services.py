"""Writes of the consent app. Keyword-only; views, admin actions, tasks and the demo call these.

Every decision is a new ``Toestemming`` row; the decider's previous row for the same question
stops being current. Nothing is ever overwritten, so who decided what, on which form text, when
and through which channel stays demonstrable (AVG art. 7(1)).
"""

from datetime import date, datetime
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from simple_history.models import HistoricalRecords

from core.history import save_with_history
from core.prepared import Compiled
from leerlingen import custody
from leerlingen.models import Gegevenscategorie, Leerling, Ouder, School
from leerlingen.schooljaar import current_schooljaar

from .access import recordable_pupils
from .models import (
    Beslisser,
    Doel,
    Formulier,
    FormulierTekst,
    Herinnering,
    Kanaal,
    Overdracht,
    Toestemming,
)
from .rules import ConsentRefused, check_may_decide

# The purposes the seeds name (000, 001, 002, 004): code, name, the question's default text.
DEFAULT_DOELEN = [
    (
        "website",
        _("Photos and video on the public website"),
        _(
            "We may show photos and short videos of school activities on the school's public website, "
            "where anyone can see them."
        ),
    ),
    (
        "website-besloten",
        _("Photos and video in the closed part of the website"),
        _(
            "We may show photos and videos in the part of the website that only parents and staff of the "
            "school can open after logging in."
        ),
    ),
    (
        "nieuwsbrief",
        _("Photos in the newsletter"),
        _("We may use photos of school activities in the newsletter we send to parents."),
    ),
    (
        "schoolapp",
        _("Photos and video in the school app (Parro)"),
        _(
            "We may share photos and videos in the school app, where the parents of the group or the "
            "school can see them."
        ),
    ),
    (
        "social-media",
        _("Photos and video on social media"),
        _("We may post photos and videos on the school's social media accounts, which are public."),
    ),
    (
        "schoolgids",
        _("Photos in the school guide and year book"),
        _("We may use photos in the printed and digital school guide and in the year book."),
    ),
    (
        "professionalisering",
        _("Video for teacher professional development"),
        _(
            "Teachers may be filmed in class, with pupils in view, to coach and train them. The recordings "
            "are for internal use only and are wiped when the training ends."
        ),
    ),
]


@transaction.atomic
def ensure_default_doelen(*, school: School) -> list[Doel]:
    """Give a school the purposes the seeds name; existing purposes (by code) are left alone."""
    existing = set(school.doelen.values_list("code", flat=True))
    created = []
    for order, (code, naam, omschrijving) in enumerate(DEFAULT_DOELEN, start=1):
        if code in existing:
            continue
        with translation.override("en"):  # the product's own English: the msgids
            naam_en, omschrijving_en = str(naam), str(omschrijving)
        with translation.override(settings.LANGUAGE_CODE):
            created.append(
                Doel.objects.create(
                    school=school,
                    code=code,
                    naam=str(naam),
                    naam_en=naam_en,
                    omschrijving=str(omschrijving),
                    omschrijving_en=omschrijving_en,
                    volgorde=order * 10,
                )
            )
    return created


def current_form(*, school: School | int, schooljaar: str | None = None) -> Formulier | None:
    """The latest published form version of a school year (of a school or a school id), or None."""
    schooljaar = schooljaar or current_schooljaar()
    return (
        Formulier.objects.gepubliceerd()
        .filter(school=school, schooljaar=schooljaar)
        .order_by("-versie")
        .first()
    )


@transaction.atomic
def publish_form(
    *,
    school: School,
    schooljaar: str | None = None,
    by=None,
    inleiding: str = "",
    inleiding_en: str = "",
    teksten: dict[str, str] | None = None,
    teksten_en: dict[str, str] | None = None,
) -> Formulier:
    """Publish a new form version for a school year, with a text per active purpose.

    A new school year's form asks every family again: decisions belong to one school year, so
    until a family answers the new form there is no consent. A new version within the same year
    (a corrected text) keeps the year's decisions; each records the version its decider saw.
    """
    schooljaar = schooljaar or current_schooljaar()
    teksten = teksten or {}
    teksten_en = teksten_en or {}
    last = (
        Formulier.objects.filter(school=school, schooljaar=schooljaar).order_by("-versie").first()
    )
    formulier = Formulier.objects.create(
        school=school,
        schooljaar=schooljaar,
        versie=(last.versie + 1) if last else 1,
        inleiding=inleiding or (last.inleiding if last else ""),
        inleiding_en=inleiding_en or ("" if inleiding else (last.inleiding_en if last else "")),
        gepubliceerd_op=timezone.now(),
        gepubliceerd_door=by,
    )
    for doel in school.doelen.filter(actief=True):
        FormulierTekst.objects.create(
            formulier=formulier,
            doel=doel,
            tekst=teksten.get(doel.code) or doel.omschrijving or doel.naam,
            tekst_en=_tekst_en(doel, teksten, teksten_en),
        )
    return formulier


def _tekst_en(doel: Doel, teksten: dict[str, str], teksten_en: dict[str, str]) -> str:
    """The English of a form text: given with it, or the purpose's own English when the form
    asks the purpose's own text; empty for a Dutch text given without its English."""
    if doel.code in teksten_en:
        return teksten_en[doel.code]
    if teksten.get(doel.code):
        return ""
    return doel.omschrijving_en if doel.omschrijving else doel.naam_en


ANY_PREVIOUS = object()  # give_consent without an expected previous answer (staff, imports, tasks)


def _decider_kwargs(*, ouder: Ouder | None, door_leerling: bool) -> dict:
    if door_leerling:
        return {"beslisser": Beslisser.LEERLING, "ouder": None}
    return {"beslisser": Beslisser.OUDER, "ouder": ouder}


# The hot path of a consent submission, compiled once (``core.prepared``, docs/scale.md):
# the latest published form of the school year, and whether it asks the purpose.
_FORM_ASKING = Compiled(
    lambda school_id, schooljaar, doel_id: (
        Formulier.objects.gepubliceerd()
        .filter(school_id=school_id, schooljaar=schooljaar)
        .annotate(
            asks=Exists(FormulierTekst.objects.filter(formulier=OuterRef("pk"), doel_id=doel_id))
        )
        .order_by("-versie")[:1]
    ),
    school_id=int,
    schooljaar=str,
    doel_id=int,
)
# The decider's current decision on the question, locked until the transaction ends.
_CURRENT_LOCKED = Compiled(
    lambda leerling_id, doel_id, schooljaar, beslisser, ouder_id: (
        Toestemming.objects.select_for_update().filter(
            leerling_id=leerling_id,
            doel_id=doel_id,
            schooljaar=schooljaar,
            huidig=True,
            beslisser=beslisser,
            ouder_id=ouder_id,
        )[:1]
    ),
    leerling_id=int,
    doel_id=int,
    schooljaar=str,
    beslisser=str,
    ouder_id=int,
)


@transaction.atomic
def give_consent(
    *,
    leerling: Leerling,
    doel: Doel,
    gegeven: bool,
    ouder: Ouder | None = None,
    door_leerling: bool = False,
    kanaal: str = Kanaal.PORTAAL,
    vastgelegd_door=None,
    tijdstip: datetime | None = None,
    on: date | None = None,
    verwacht=ANY_PREVIOUS,
    reden: str | None = None,
) -> Toestemming:
    """Record a decision (yes or no) of a parent with gezag, or of the pupil from 16.

    Answering the same as one's current answer changes nothing and returns the current row.
    ``verwacht`` is the decider's answer the form showed (True, False or None for open): when it
    is no longer the current one (the same parent answered in another tab), nothing changes and
    the refusal says so. Two first answers at the same moment end the same way, not in an error.
    ``reden``: the reason the history rows give (in English, see ``core.history``), if any.
    """
    on = on or timezone.localdate()
    check_may_decide(leerling=leerling, ouder=ouder, door_leerling=door_leerling, on=on)
    if doel.school_id != leerling.school_id or not doel.actief:
        raise ConsentRefused("wrong_purpose")
    schooljaar = current_schooljaar(on)
    # The form and whether it asks this purpose: one query (the consent rush, docs/scale.md).
    formulier = _FORM_ASKING.first(
        school_id=leerling.school_id, schooljaar=schooljaar, doel_id=doel.pk
    )
    if formulier is None:
        raise ConsentRefused("no_form")
    if not formulier.asks:
        raise ConsentRefused("wrong_purpose")
    decider = _decider_kwargs(ouder=ouder, door_leerling=door_leerling)
    previous = _CURRENT_LOCKED.first(
        leerling_id=leerling.pk,
        doel_id=doel.pk,
        schooljaar=schooljaar,
        beslisser=decider["beslisser"],
        ouder_id=getattr(decider["ouder"], "pk", None),
    )
    if (
        previous is not None
        and previous.gegeven == gegeven
        and previous.formulier_id == formulier.id
    ):
        return previous
    shown = previous.gegeven if previous is not None else None
    if verwacht is not ANY_PREVIOUS and verwacht != shown:
        raise ConsentRefused("changed_meanwhile")
    row = Toestemming(
        leerling=leerling,
        doel=doel,
        schooljaar=schooljaar,
        formulier=formulier,
        gegeven=gegeven,
        kanaal=kanaal,
        vastgelegd_door=vastgelegd_door,
        tijdstip=tijdstip or timezone.now(),
        huidig=True,
        is_intrekking=bool(previous and previous.gegeven and not gegeven),
        **decider,
    )
    if _record(row, previous=previous, user=vastgelegd_door, reden=reden):
        return row
    # Another answer of the same decider was committed after the lock was taken (two tabs).
    current = Toestemming.objects.filter(
        leerling=leerling, doel=doel, schooljaar=schooljaar, huidig=True, **decider
    ).first()
    if current is not None and current.gegeven == gegeven:
        return current
    raise ConsentRefused("changed_meanwhile")


def _record(row: Toestemming, *, previous: Toestemming | None, user, reden: str | None) -> bool:
    """Write a new decision and make ``previous`` (locked by the caller) no longer current, each
    with its history row. False, and nothing written, when the decider already has another
    current row for the question (committed after the lock was taken: two tabs).

    On PostgreSQL this is one statement (``_record_sql``): the consent rush (docs/scale.md) spent
    five statements and simple-history's signal machinery on it. The history rows are what
    simple-history writes: the user of the request (``HistoryRequestMiddleware``) or, with a
    ``reden``, ``user`` (``core.history.save_with_history``)."""
    if connection.vendor != "postgresql":
        return _record_orm(row, previous=previous, user=user, reden=reden)
    now = timezone.now()
    history_user = _history_user(user, reden)
    history = [now, reden[:100] if reden else None, getattr(history_user, "pk", None)]
    values = [
        f.get_db_prep_save(getattr(row, f.attname), connection)
        for f in _record_fields()
        if not f.primary_key
    ]
    params = [*values, *history]
    if previous is not None:
        params = [previous.pk, *history, *params]
    with connection.cursor() as cursor:
        cursor.execute(_record_sql(superseding=previous is not None), params)
        found = cursor.fetchone()
    if found is None:
        return False
    if previous is not None:
        previous.huidig = False
    row.pk = found[0]
    row._state.adding = False
    row._state.db = connection.alias
    return True


def _record_orm(row: Toestemming, *, previous: Toestemming | None, user, reden) -> bool:
    """``_record`` through the ORM and simple-history's signals (the embedded SQLite database)."""
    if previous is not None:
        previous.huidig = False
        _save(previous, user=user, reden=reden, update_fields=["huidig"])
    try:
        with transaction.atomic():
            _save(row, user=user, reden=reden, force_insert=True)
    except IntegrityError:
        return False
    return True


def _history_user(user, reden: str | None):
    """The user simple-history names in a history row of this save (see ``_save``)."""
    if reden is not None:
        return user
    request = getattr(HistoricalRecords.context, "request", None)
    request_user = getattr(request, "user", None)
    return request_user if getattr(request_user, "is_authenticated", False) else None


def _record_fields():
    return Toestemming._meta.concrete_fields


@cache
def _record_sql(*, superseding: bool) -> str:
    """The statement of ``_record``: [supersede the previous row, its history row,] insert the new
    row unless another current one is there (``ON CONFLICT DO NOTHING`` on the unique indexes of
    the current rows), its history row; it returns the new row's id, or no row. Names from
    ``_meta``. The insert first counts the previous row's history rows, which runs the supersede
    and its history row to the end before it: the previous row is no longer current when the
    unique index is checked, and the history rows are written in the order of the changes."""
    q = connection.ops.quote_name
    table = q(Toestemming._meta.db_table)
    history_table = q(Toestemming.history.model._meta.db_table)
    history_columns = {f.column for f in Toestemming.history.model._meta.concrete_fields}
    cols = [q(f.column) for f in _record_fields()]
    if not {f.column for f in _record_fields()} <= history_columns:
        raise ImproperlyConfigured("the history of Toestemming lacks a column of Toestemming")
    new_cols = [q(f.column) for f in _record_fields() if not f.primary_key]
    pk = q(Toestemming._meta.pk.column)
    huidig = q(Toestemming._meta.get_field("huidig").column)
    col_list = ", ".join(cols)
    history_cols = f"{col_list}, history_date, history_change_reason, history_type, history_user_id"
    parts = []
    after = ""
    if superseding:
        parts += [
            f"old AS (UPDATE {table} SET {huidig} = false WHERE {pk} = %s RETURNING {col_list})",
            f"old_history AS (INSERT INTO {history_table} ({history_cols}) "
            f"SELECT {col_list}, %s, %s, '~', %s FROM old RETURNING 1)",
        ]
        after = " WHERE (SELECT count(*) FROM old_history) >= 0"
    parts += [
        f"new AS (INSERT INTO {table} ({', '.join(new_cols)}) "
        f"SELECT {', '.join(['%s'] * len(new_cols))}{after} "
        f"ON CONFLICT DO NOTHING RETURNING {col_list})",
        f"new_history AS (INSERT INTO {history_table} ({history_cols}) "
        f"SELECT {col_list}, %s, %s, '+', %s FROM new)",
    ]
    return f"WITH {', '.join(parts)} SELECT {pk} FROM new"  # noqa: S608 - names from _meta


def withdraw_consent(
    *,
    leerling: Leerling,
    doel: Doel,
    ouder: Ouder | None = None,
    door_leerling: bool = False,
    kanaal: str = Kanaal.PORTAAL,
    vastgelegd_door=None,
    reden: str | None = None,
) -> Toestemming:
    """Withdraw consent: a new 'no'. Material already published is not reached (seed 003)."""
    return give_consent(
        leerling=leerling,
        doel=doel,
        gegeven=False,
        ouder=ouder,
        door_leerling=door_leerling,
        kanaal=kanaal,
        vastgelegd_door=vastgelegd_door,
        reden=reden,
    )


def _save(obj: Toestemming, *, user, reden: str | None, **kwargs) -> None:
    """Save a decision; with a ``reden``, its history row names it and ``user``."""
    if reden is None:
        obj.save(**kwargs)
    else:
        save_with_history(obj, user=user, reason=reden, **kwargs)


# Every purpose of this app is a use of photos or video of the pupil: an objection that stops the
# processing of images (``leerlingen.Gegevenscategorie``) reaches them all.
OBJECTION_CATEGORIES = frozenset({Gegevenscategorie.BEELD})
OBJECTION_REASON = "withdrawn on objection {kenmerk}"  # read back by ``objection_reason``


@transaction.atomic
def withdraw_on_objection(
    *,
    leerling: Leerling,
    categorieen,
    ouder: Ouder | None = None,
    door_leerling: bool = False,
    kanaal: str = "",
    kenmerk: str,
    user=None,
) -> list[Toestemming]:
    """An objection granted for ``categorieen`` (request ``kenmerk``, registry slot
    ``consents_withdrawn_on_objection``): every purpose of this year's form the pupil has consent
    for now is withdrawn through ``withdraw_consent``, as the requester (one no of a parent with
    gezag makes the answer no); when the requester no longer decides, as each current decider.
    A request by letter or in person counts as paper."""
    if not OBJECTION_CATEGORIES.intersection(categorieen):
        return []
    from .rules import Status, effective_consents

    formulier = current_form(school=leerling.school_id)
    if formulier is None:
        return []
    doelen = [t.doel for t in formulier.teksten.select_related("doel").filter(doel__actief=True)]
    answers = effective_consents(leerlingen=[leerling], doel_ids=[d.pk for d in doelen])
    given = [d for d in doelen if answers[(leerling.pk, d.pk)].status == Status.JA]
    if not given:
        return []
    if custody.refusal(leerling, ouder=ouder, door_leerling=door_leerling) is None:
        deciders = [(ouder, door_leerling)]
    else:
        deciders = [(d.ouder, d.is_pupil) for d in custody.deciders_of([leerling])[leerling.pk]]
    channel = kanaal if kanaal in Kanaal.values else Kanaal.PAPIER
    reden = OBJECTION_REASON.format(kenmerk=kenmerk)
    return [
        withdraw_consent(
            leerling=leerling,
            doel=doel,
            ouder=None if by_pupil else decider,
            door_leerling=by_pupil,
            kanaal=channel,
            vastgelegd_door=user,
            reden=reden,
        )
        for doel in given
        for decider, by_pupil in deciders
    ]


def objection_reason(reason: str) -> str | None:
    """The history reason of a withdrawal on objection in the reader's language (apps.py)."""
    prefix = OBJECTION_REASON.format(kenmerk="")
    if not reason.startswith(prefix):
        return None
    return gettext("withdrawn on objection %(ref)s") % {"ref": reason[len(prefix) :]}


@transaction.atomic
def record_paper_form(
    *,
    leerling: Leerling,
    antwoorden: dict[Doel, bool],
    vastgelegd_door,
    ouder: Ouder | None = None,
    door_leerling: bool = False,
    ondertekend_op: datetime | None = None,
) -> list[Toestemming]:
    """A staff member enters a signed paper form: one decision per answered purpose."""
    if not recordable_pupils(vastgelegd_door).filter(pk=leerling.pk).exists():
        raise ConsentRefused("not_recordable")
    return [
        give_consent(
            leerling=leerling,
            doel=doel,
            gegeven=gegeven,
            ouder=ouder,
            door_leerling=door_leerling,
            kanaal=Kanaal.PAPIER,
            vastgelegd_door=vastgelegd_door,
            tijdstip=ondertekend_op,
        )
        for doel, gegeven in antwoorden.items()
    ]


@transaction.atomic
def hand_over_to_pupil(*, leerling: Leerling, on: date | None = None) -> Overdracht:
    """From 16 the pupil decides: record the handover and send the pupil an invitation.

    Idempotent: a pupil is handed over once. The parents' portal shows the answers read-only
    from the 16th birthday on (that follows from the birth date, see ``rules.py``).
    """
    from .tasks import enqueue_uitnodiging

    on = on or timezone.localdate()
    if not is_due_for_handover(leerling, on):
        raise ConsentRefused("under_16")
    overdracht, created = Overdracht.objects.get_or_create(
        leerling=leerling,
        defaults={
            "datum": on,
            "status": Overdracht.Status.TE_VERZENDEN
            if leerling.email
            else Overdracht.Status.GEEN_EMAIL,
        },
    )
    if created and overdracht.status == Overdracht.Status.TE_VERZENDEN:
        enqueue_uitnodiging(overdracht.id)
    return overdracht


def is_due_for_handover(leerling: Leerling, on: date) -> bool:
    return custody.is_sixteen_plus(leerling, on)


@transaction.atomic
def request_reminders(*, leerlingen, door, on: date | None = None) -> list[Herinnering]:
    """Remind the parents with gezag (and e-mail) of pupils that have open questions this year.

    One reminder per parent per form per day, whatever the number of clicks; sent through the outbox.
    """
    from .tasks import enqueue_herinnering

    made = []
    for formulier, ouder in reminders_due(leerlingen=leerlingen, door=door, on=on):
        herinnering, created = Herinnering.objects.get_or_create(
            formulier=formulier,
            ouder=ouder,
            datum=on or timezone.localdate(),
            defaults={"aangevraagd_door": door},
        )
        if created:
            made.append(herinnering)
            enqueue_herinnering(herinnering.pk)
    return made


def reminders_due(*, leerlingen, door, on: date | None = None) -> list[tuple[Formulier, Ouder]]:
    """Who ``request_reminders`` would remind now, each parent once per form: the parents with
    gezag and an e-mail address of the pupils with open questions, not yet reminded today. The
    confirmation asks with this number (issue 18); nothing is written."""
    from .rules import effective_consents

    on = on or timezone.localdate()
    leerlingen = list(
        recordable_pupils(door).filter(pk__in=[p.pk for p in leerlingen]).select_related("school")
    )
    schools = {p.school_id: p.school for p in leerlingen}
    forms = {
        sid: current_form(school=school, schooljaar=current_schooljaar(on))
        for sid, school in schools.items()
    }
    doel_ids_by_form = {
        f.id: list(f.teksten.values_list("doel_id", flat=True))
        for f in forms.values()
        if f is not None
    }
    all_doel_ids = sorted({d for ids in doel_ids_by_form.values() for d in ids})
    answers = effective_consents(leerlingen=leerlingen, doel_ids=all_doel_ids, on=on)
    open_pupils = []
    for p in leerlingen:
        form = forms.get(p.school_id)
        if form is not None and any(
            answers[(p.id, d)].status == "open" for d in doel_ids_by_form[form.id]
        ):
            open_pupils.append(p)
    due: dict[tuple[int, int], tuple[Formulier, Ouder]] = {}
    deciders = custody.deciders_of(open_pupils, on)
    for p in open_pupils:
        form = forms[p.school_id]
        assert form is not None  # an open question needs a form
        for decider in deciders[p.pk]:  # the parents who decide; a pupil of 16+ is not reminded
            if decider.ouder is None or not decider.ouder.email:
                continue
            due.setdefault((form.pk, decider.ouder.pk), (form, decider.ouder))
    if not due:
        return []
    reminded = set(
        Herinnering.objects.filter(
            datum=on, ouder_id__in={ouder_id for _f, ouder_id in due}
        ).values_list("formulier_id", "ouder_id")
    )
    return [pair for key, pair in due.items() if key not in reminded]


@transaction.atomic
def answer_form(
    *,
    leerling: Leerling,
    antwoorden: list[tuple[Doel, bool, object]],
    ouder: Ouder | None = None,
    door_leerling: bool = False,
    vastgelegd_door=None,
) -> list[Toestemming]:
    """A decider answers this year's form for one pupil in one submit (the portal, issue 18):
    ``antwoorden`` holds (purpose, yes or no, the answer the form showed). Each answer follows
    ``give_consent``'s rules; one refusal (such as an answer changed in another tab) saves nothing."""
    return [
        give_consent(
            leerling=leerling,
            doel=doel,
            gegeven=gegeven,
            ouder=ouder,
            door_leerling=door_leerling,
            vastgelegd_door=vastgelegd_door,
            verwacht=verwacht,
        )
        for doel, gegeven, verwacht in antwoorden
    ]
