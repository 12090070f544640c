"""The consent rules (DOMAIN.md § Consent), as plain functions over the rows.

- Opt-in: until a decision is given there is no consent; a new school year asks again (seed 002),
  so only decisions of the school year of the day count.
- Who decides is the register's custody rule (``leerlingen.custody``): a parent with parental
  authority (gezag) below 16, the pupil from 16 (seeds 003, 004); a parent without gezag only looks.
- Two parents with gezag who disagree: the stricter answer (no) stands, and it is a conflict.
- Until a pupil of 16 has answered, the parents' answers of that school year stay in force;
  parents can no longer change them.

Refusals raise ``ConsentRefused`` with a translated message that names the rule.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leerlingen import custody
from leerlingen.models import Leerling, Ouder
from leerlingen.schooljaar import current_schooljaar

from .models import Beslisser, Toestemming

# Messages name the rule; they hold no personal data.
MESSAGES = {
    "no_gezag": _(
        "Only a parent with parental authority (gezag) may decide on consent for this pupil. "
        "You can see the answers, but not change them."
    ),
    "from_16": _(
        "From the age of 16 the pupil decides on consent. Parents can see the answers but no longer change them."
    ),
    "under_16": _("Until the age of 16 a parent with parental authority decides on consent."),
    "no_form": _(
        "There is no published consent form for this school year yet. Consent can only be given on a published form."
    ),
    "wrong_purpose": _("This purpose is not on this school's consent form."),
    "not_recordable": _("You may only record paper forms for pupils of your own school or group."),
    "no_decider": _(
        "A paper form is signed by a parent with parental authority, or by the pupil from 16."
    ),
    "changed_meanwhile": _(
        "Your answer was changed in the meantime, perhaps in another window. Nothing was saved: "
        "check the current answer below and choose again if you want to change it."
    ),
}


class ConsentRefused(ValidationError):
    """An action the consent rules do not allow. ``code`` names the rule."""

    def __init__(self, code: str):
        super().__init__(MESSAGES[code], code=code)
        self.rule = code


class Status:
    JA = "ja"
    NEE = "nee"
    OPEN = "open"


@dataclass
class Antwoord:
    """The effective answer for one pupil and one purpose in one school year."""

    status: str = Status.OPEN
    conflict: bool = False  # parents with gezag disagree; the no stands
    door_leerling: bool = False  # the pupil (16+) decided it
    ouders: dict = field(
        default_factory=dict
    )  # ouder_id -> bool, current answers of parents with gezag

    @property
    def toestemming(self) -> bool:
        return self.status == Status.JA


def check_may_decide(
    *,
    leerling: Leerling,
    ouder: Ouder | None = None,
    door_leerling: bool = False,
    on: date | None = None,
) -> None:
    """Raise ``ConsentRefused`` unless this decider may decide for this pupil on this day (``custody``)."""
    refused = custody.refusal(leerling, ouder=ouder, door_leerling=door_leerling, on=on)
    if refused is not None:
        raise ConsentRefused(refused.value)


def combine(rows, *, zestien: bool) -> Antwoord:
    """The effective answer from the current decisions of one question.

    ``rows``: dicts with ``gegeven``, ``beslisser``, ``ouder_id`` and ``met_gezag`` (whether the
    deciding parent has gezag today).
    """
    antwoord = Antwoord()
    pupil_answer = None
    for row in rows:
        if row["beslisser"] == Beslisser.LEERLING:
            pupil_answer = row["gegeven"]
        elif row["met_gezag"]:
            antwoord.ouders[row["ouder_id"]] = row["gegeven"]
    if zestien and pupil_answer is not None:
        antwoord.door_leerling = True
        antwoord.status = Status.JA if pupil_answer else Status.NEE
        return antwoord
    answers = set(antwoord.ouders.values())
    if not answers:
        return antwoord  # opt-in: nothing decided is no consent
    antwoord.status = Status.JA if answers == {True} else Status.NEE
    antwoord.conflict = answers == {True, False}
    return antwoord


def current_rows(leerling_ids, schooljaar: str):
    """One query: the current decisions of the school year for these pupils, with gezag today."""
    gezag = custody.with_gezag().filter(
        ouder_id=OuterRef("ouder_id"), leerling_id=OuterRef("leerling_id")
    )
    return (
        Toestemming.objects.huidige(schooljaar)
        .filter(leerling_id__in=leerling_ids)
        .annotate(met_gezag=Exists(gezag))
        .values("leerling_id", "doel_id", "gegeven", "beslisser", "ouder_id", "met_gezag")
    )


def effective_consents(
    *, leerlingen, doel_ids, on: date | None = None
) -> dict[tuple[int, int], Antwoord]:
    """Effective answers for every (pupil, purpose) pair, in one query.

    ``leerlingen``: Leerling objects (their birth dates decide who is 16+), all of one school year.
    """
    on = on or timezone.localdate()
    schooljaar = current_schooljaar(on)
    leerlingen = list(leerlingen)
    by_question = defaultdict(list)
    if leerlingen:
        for row in current_rows([p.id for p in leerlingen], schooljaar):
            by_question[(row["leerling_id"], row["doel_id"])].append(row)
    cutoff = custody.sixteen_cutoff(on)
    result = {}
    for leerling in leerlingen:
        zestien = leerling.geboortedatum <= cutoff
        for doel_id in doel_ids:
            result[(leerling.id, doel_id)] = combine(
                by_question.get((leerling.id, doel_id), ()), zestien=zestien
            )
    return result


def consent_on(*, leerling: Leerling, doel, on: date | None = None) -> Antwoord:
    """Is there consent for this pupil and purpose on this day?"""
    return effective_consents(leerlingen=[leerling], doel_ids=[doel.id], on=on)[
        (leerling.id, doel.id)
    ]


def consent_missing(leerlingen, doel_code: str, on_date: date) -> set[int]:
    """Ids of the pupils without a consent valid on ``on_date`` for the purpose ``doel_code``
    (one query per school). Disclosures on consent ask this through ``leerlingen.registry``."""
    from .models import Doel

    leerlingen = list(leerlingen)
    missing: set[int] = set()
    by_school: dict[int, list] = {}
    for leerling in leerlingen:
        by_school.setdefault(leerling.school_id, []).append(leerling)
    for school_id, pupils in by_school.items():
        doel = Doel.objects.filter(school_id=school_id, code=doel_code).first()
        if doel is None:
            missing.update(p.pk for p in pupils)
            continue
        answers = effective_consents(leerlingen=pupils, doel_ids=[doel.id], on=on_date)
        missing.update(p.pk for p in pupils if not answers[(p.pk, doel.id)].toestemming)
    return missing


def conflicts(*, leerlingen, doel_ids, on: date | None = None) -> list[tuple[int, int]]:
    """The (pupil id, purpose id) pairs where parents with gezag disagree."""
    answers = effective_consents(leerlingen=leerlingen, doel_ids=doel_ids, on=on)
    return [key for key, antwoord in answers.items() if antwoord.conflict]
