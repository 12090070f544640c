"""Retention rules: the default terms, term arithmetic, the director's changes and legal holds
(DOMAIN.md § Retention, DESIGN.md §6). The sweep is in ``sweep.py``; approval and destruction
in ``destruction.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.history import save_with_history

from ..access import school_ids
from ..custody import anniversary
from ..models import Gegevenscategorie, Leerling, School
from ..rol import Rol
from .models import Bewaarcategorie, Bewaartermijn, Blokkade, Gebeurtenis, duration_text

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class TermRule:
    gebeurtenis: str
    jaren: int
    maanden: int = 0
    minimum_maanden: int | None = None  # a legal minimum: the school may not keep shorter
    grondslag: StrOrPromise = ""


# The terms of DOMAIN.md § Retention (seed 003; seeds 000/001 for recordings). Where the law
# sets a term it is also the minimum; elsewhere the default is the school's own rule.
DEFAULT_TERMS: dict[str, TermRule] = {
    Bewaarcategorie.LEERLINGADMINISTRATIE: TermRule(
        Gebeurtenis.UITSCHRIJVING,
        5,
        minimum_maanden=60,
        grondslag=gettext_lazy(
            "Legal term for the pupil administration: 5 years after the pupil left (privacy statement 003)."
        ),
    ),
    Bewaarcategorie.EXAMENS: TermRule(
        Gebeurtenis.EINDE_ONDERWIJSOVEREENKOMST,
        2,
        minimum_maanden=24,
        grondslag=gettext_lazy(
            "Legal term for exams: 2 years after the education agreement ended (privacy statement 003)."
        ),
    ),
    Bewaarcategorie.ZORGDOSSIER: TermRule(
        Gebeurtenis.UITSCHRIJVING,
        2,
        grondslag=gettext_lazy(
            "School rule: care data no longer than needed after the pupil left."
        ),
    ),
    Bewaarcategorie.TOESTEMMINGSBEWIJS: TermRule(
        Gebeurtenis.EINDE_TOESTEMMING,
        1,
        grondslag=gettext_lazy(
            "School rule: proof of consent (AVG art. 7(1)) kept a year after the consent ended."
        ),
    ),
    Bewaarcategorie.VERZOEKEN: TermRule(
        Gebeurtenis.AFHANDELING_VERZOEK,
        2,
        grondslag=gettext_lazy(
            "School rule: requests and answers kept to account for them (AVG art. 5(2))."
        ),
    ),
    Bewaarcategorie.VERSTREKKINGEN: TermRule(
        Gebeurtenis.VERSTREKKING,
        5,
        grondslag=gettext_lazy(
            "School rule: disclosures kept to inform parents and correct recipients (AVG art. 15, 19)."
        ),
    ),
    Bewaarcategorie.PROFESSIONALISERING: TermRule(
        Gebeurtenis.EINDE_TRAJECT,
        0,
        grondslag=gettext_lazy(
            "Privacy statements 000/001: recordings are wiped when the trajectory ends."
        ),
    ),
    Bewaarcategorie.DATALEKKEN: TermRule(
        Gebeurtenis.DATALEK_VASTGELEGD,
        5,
        grondslag=gettext_lazy(
            "School rule: incidents kept to account for them to the AP (AVG art. 5(2), 33(5))."
        ),
    ),
    Bewaarcategorie.NIET_INGESCHREVEN: TermRule(
        Gebeurtenis.EINDE_AANMELDING,
        1,
        grondslag=gettext_lazy(
            "School rule: a registration that did not lead to enrolment, kept for objections."
        ),
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


def add_term(start: date, *, jaren: int, maanden: int = 0) -> date:
    """``start`` plus a term, with the register's one 29 February convention
    (``custody.anniversary``): 29 February plus a year is 1 March."""
    return anniversary(start, years=jaren, months=maanden)


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
        errors["gebeurtenis"] = _("This term counts from: %(event)s.") % {
            "event": Gebeurtenis(rule.gebeurtenis).label
        }
    total = (termijn.jaren or 0) * 12 + (termijn.maanden or 0)
    if rule.minimum_maanden is not None and total < rule.minimum_maanden:
        errors["jaren"] = _(
            "The law sets a minimum of %(minimum)s for %(kind)s; a shorter term is not allowed. (%(source)s)"
        ) % {
            "minimum": _duration(rule.minimum_maanden),
            "kind": Bewaarcategorie(termijn.categorie).label,
            "source": rule.grondslag,
        }
    if termijn.categorie in COUNTED_FROM_LEAVING and termijn.school_id:
        admin_term = Bewaartermijn.objects.filter(
            school_id=termijn.school_id, categorie=Bewaarcategorie.LEERLINGADMINISTRATIE
        ).first()
        if admin_term is not None and total > admin_term.totaal_maanden:
            errors.setdefault(
                "jaren",
                _(
                    "The pupil record, with everything in it, is destroyed %(admin)s after the pupil left: "
                    "this term cannot be longer."
                )
                % {"admin": admin_term.duur_tekst},
            )
    return errors


def _duration(months: int) -> str:
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
        created.append(
            Bewaartermijn.objects.create(
                school=school,
                categorie=categorie,
                gebeurtenis=rule.gebeurtenis,
                jaren=rule.jaren,
                maanden=rule.maanden,
                grondslag=str(rule.grondslag),
            )
        )
    return created


def default_term(school: School, categorie: str) -> Bewaartermijn:
    rule = DEFAULT_TERMS[categorie]
    return Bewaartermijn(
        school=school,
        categorie=categorie,
        gebeurtenis=rule.gebeurtenis,
        jaren=rule.jaren,
        maanden=rule.maanden,
        grondslag=str(rule.grondslag),
    )


def is_director(user, school_id) -> bool:
    return school_id in school_ids(user, (Rol.DIRECTEUR,))


def require_director(user, school_id) -> None:
    if not is_director(user, school_id):
        raise PermissionDenied(_("Only the school's director may do this."))


def set_term(
    *, termijn: Bewaartermijn, jaren: int, maanden: int, toelichting: str, changed_by
) -> Bewaartermijn:
    """The director sets another term, within legal bounds; the change is in the history."""
    require_director(changed_by, termijn.school_id)
    termijn.jaren, termijn.maanden, termijn.toelichting = jaren, maanden, toelichting
    termijn.full_clean()
    save_with_history(termijn, user=changed_by, reason=toelichting)
    return termijn


def actor_name(user) -> str:
    name = (user.get_full_name() or user.get_username()) if user else ""
    return _("%(name)s (director)") % {"name": name}


# --- legal holds ---------------------------------------------------------------------------


def place_hold(*, leerling: Leerling, reden: str, toelichting: str = "", user) -> Blokkade:
    require_director(user, leerling.school_id)
    blokkade = Blokkade(
        leerling=leerling, reden=reden, toelichting=toelichting, ingesteld_door=user
    )
    blokkade.full_clean()
    save_with_history(blokkade, user=user)
    return blokkade


def lift_hold(*, blokkade: Blokkade, user) -> Blokkade:
    require_director(user, blokkade.leerling.school_id)
    if blokkade.opgeheven_op is None:
        blokkade.opgeheven_op, blokkade.opgeheven_door = timezone.now(), user
        save_with_history(blokkade, user=user)
    return blokkade
