"""Custody: who may decide or act for a pupil (DESIGN.md §1, §3; DOMAIN.md "Consent", "Turning 18").

The register owns custody, and this module is the one place its rule lives. Consent (deciding on
a purpose), requests (filing one), the portal, paper forms and the staff intake of a request all
ask here; each app words the refusal for its own action.

| who                                  | pupil under 16 | pupil of 16 or older |
|--------------------------------------|----------------|----------------------|
| parent with parental authority (gezag) | decides, files | sees the answers only (``from_16``) |
| parent without gezag                 | sees only (``no_gezag``) | sees only (``no_gezag``) |
| the pupil, with the own account      | not yet (``under_16``) | decides, files |

Consent and requests follow the same table: from 16 the pupil decides on consent and exercises
their own rights (seeds 003, 004). At 18 the parents' view of the pupil's data closes unless the
adult pupil lets a parent keep it, and a parent's request about an adult pupil needs the pupil's
authorisation (``from_18``; see "18" below). Birthdays count with one convention: in a year without 29 February the anniversary of
29 February is 1 March.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dateutil.relativedelta import relativedelta

from core.prepared import Compiled

from .models import Gezagsrelatie, Leerling, Ouder

DECIDING_AGE = 16  # from this birthday the pupil decides and acts alone (seeds 003, 004)
ADULT_AGE = 18  # from this birthday the parents see the pupil's data only as the pupil decides


class Refusal(StrEnum):
    """Why someone may not decide or act for a pupil; the apps key their messages on these codes."""

    NO_DECIDER = "no_decider"  # neither a parent nor the pupil
    NO_GEZAG = "no_gezag"  # a parent without parental authority
    FROM_16 = "from_16"  # a parent, but the pupil is 16 or older
    FROM_18 = (
        "from_18"  # a parent's request about an adult pupil, without the pupil's authorisation
    )
    UNDER_16 = "under_16"  # the pupil, not yet 16


@dataclass(frozen=True)
class Decider:
    """Who decides or acts for one pupil: a parent with gezag, or the pupil themself."""

    ouder: Ouder | None = None
    is_pupil: bool = False
    relatie: str = ""  # the parent's relation to the pupil, as shown

    @property
    def key(self) -> str:
        """The value of this decider in a form (``DeciderField``)."""
        return "leerling" if self.is_pupil else str(self.ouder.pk if self.ouder else "")

    @property
    def label(self) -> str:
        if self.is_pupil:
            return str(_("the pupil (16 or older)"))
        return f"{self.ouder} ({self.relatie})"


def age_cutoff(years: int, today: date | None = None) -> date:
    """Pupils born on or before this date are ``years`` old or older today.

    Someone born on 29 February has their birthday on 1 March in a year without it.
    """
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # today is 29 February and that year had none: born on the 28th or before
        return today.replace(year=today.year - years, day=28)


def anniversary(start: date, *, years: int = 0, months: int = 0) -> date:
    """``start`` plus ``years`` and ``months``, with the one 29 February convention: a day that
    does not exist in the target month (29 February in a year without it) falls on the 1st of
    the next month. A pupil born on 29 February turns 16 on 1 March (``age_cutoff`` is the same
    rule read backwards); a retention term counted from 29 February ends on 1 March, so data are
    kept at least as long as the law asks (DOMAIN.md § Turning 18, breaches, dates)."""
    result = start + relativedelta(years=years, months=months)
    return result + timedelta(days=1) if result.day < start.day else result


def sixteen_cutoff(today: date | None = None) -> date:
    """Pupils born on or before this date are 16 or older today (for queries on the birth date)."""
    return age_cutoff(DECIDING_AGE, today)


def is_sixteen_plus(leerling: Leerling, on: date | None = None) -> bool:
    return leerling.geboortedatum <= sixteen_cutoff(on)


# --- 18: the parents' view (DOMAIN.md "Turning 18") ----------------------------------------------
# Until 18 every parent with a custody relation sees the pupil's data in the portal (at 16 and 17
# too: WVO art. 23b, study progress); from the 18th birthday only the parents the pupil lets see
# them (``Ouderinzage.toegestaan``), and a parent files a request only with the pupil's
# authorisation (``Ouderinzage.machtiging``). The access scope (``access.scope``) reads the same.


def adult_cutoff(today: date | None = None) -> date:
    """Pupils born on or before this date are 18 or older today."""
    return age_cutoff(ADULT_AGE, today)


def is_adult(leerling: Leerling, on: date | None = None) -> bool:
    return leerling.geboortedatum <= adult_cutoff(on)


def parents_who_see(leerlingen: list[Leerling], on: date | None = None) -> dict[int, list[Ouder]]:
    """Pupil id -> the parents who may see that pupil's data today (in registration order): every
    parent with a custody relation below 18, and from 18 those the pupil allowed. Two queries."""
    from .models import Ouderinzage

    cutoff = adult_cutoff(on)
    result: dict[int, list[Ouder]] = {p.pk: [] for p in leerlingen}
    adults = [p.pk for p in leerlingen if p.geboortedatum <= cutoff]
    allowed = set(
        Ouderinzage.objects.filter(leerling_id__in=adults, toegestaan=True).values_list(
            "leerling_id", "ouder_id"
        )
    )
    relaties = (
        Gezagsrelatie.objects.filter(leerling_id__in=result).select_related("ouder").order_by("id")
    )
    for r in relaties:
        if r.leerling_id not in adults or (r.leerling_id, r.ouder_id) in allowed:
            result[r.leerling_id].append(r.ouder)
    return result


def authorised(leerling: Leerling, ouder: Ouder) -> bool:
    """Whether the adult pupil authorised this parent to file requests on their behalf."""
    from .models import Ouderinzage

    return Ouderinzage.objects.filter(leerling=leerling, ouder=ouder, machtiging=True).exists()


def with_gezag() -> QuerySet[Gezagsrelatie]:
    """The custody relations that carry parental authority: a parent decides through these."""
    return Gezagsrelatie.objects.filter(heeft_gezag=True)


# Asked on every decision (the consent rush, docs/scale.md): compiled once (``core.prepared``).
_GEZAG = Compiled(
    lambda ouder_id, leerling_id: (
        with_gezag()
        .filter(ouder_id=ouder_id, leerling_id=leerling_id)
        .order_by()
        .values_list("pk")[:1]
    ),
    ouder_id=int,
    leerling_id=int,
)
_OUDER_OF_ACCOUNT = Compiled(
    lambda account_id: Ouder.objects.filter(account_id=account_id)[:1],
    account_id=int,
)


def rule(
    *,
    sixteen: bool,
    by_pupil: bool,
    parent_has_gezag: bool | None,
    adult_request: bool = False,
    authorised: bool = False,
) -> Refusal | None:
    """The table above: why this decider may not decide, or None when they may.

    ``parent_has_gezag`` is None when no parent acts (and not the pupil either).
    ``adult_request``: a parent's request about an adult pupil, allowed only when the pupil
    ``authorised`` that parent (consent stays the pupil's alone).
    """
    if by_pupil:
        return None if sixteen else Refusal.UNDER_16
    if parent_has_gezag is None:
        return Refusal.NO_DECIDER
    if adult_request:
        return None if authorised else Refusal.FROM_18
    if not parent_has_gezag:
        return Refusal.NO_GEZAG
    return Refusal.FROM_16 if sixteen else None


def refusal(
    leerling: Leerling,
    *,
    ouder: Ouder | None = None,
    door_leerling: bool = False,
    on: date | None = None,
    request: bool = False,
) -> Refusal | None:
    """Why this parent (or the pupil: ``door_leerling``) may not decide or act for this pupil on
    this day, or None when they may. ``request``: filing a request (an adult pupil may authorise
    a parent to file one)."""
    gezag = None
    if ouder is not None and not door_leerling:
        gezag = bool(_GEZAG.objects(ouder_id=ouder.pk, leerling_id=leerling.pk))
    sixteen = is_sixteen_plus(leerling, on)
    adult_request = request and ouder is not None and not door_leerling and is_adult(leerling, on)
    return rule(
        sixteen=sixteen,
        by_pupil=door_leerling,
        parent_has_gezag=gezag,
        adult_request=adult_request,
        authorised=adult_request and ouder is not None and authorised(leerling, ouder),
    )


def deciders_of(leerlingen: list[Leerling], on: date | None = None) -> dict[int, list[Decider]]:
    """Pupil id -> who decides for that pupil today: the pupil from 16, else the parents with gezag
    (in the order they were registered). One query whatever the number of pupils."""
    cutoff = sixteen_cutoff(on)
    result: dict[int, list[Decider]] = {}
    young = []
    for leerling in leerlingen:
        if leerling.geboortedatum <= cutoff:
            result[leerling.pk] = [Decider(is_pupil=True)]
        else:
            result[leerling.pk] = []
            young.append(leerling.pk)
    if young:
        relaties = with_gezag().filter(leerling_id__in=young).select_related("ouder").order_by("id")
        for relatie in relaties:
            decider = Decider(ouder=relatie.ouder, relatie=relatie.get_relatie_display())
            result[relatie.leerling_id].append(decider)
    return result


def deciders(leerling: Leerling, on: date | None = None) -> list[Decider]:
    """Who decides for this pupil today (see ``deciders_of``)."""
    return deciders_of([leerling], on)[leerling.pk]


# --- the portal: the logged-in parent or pupil ------------------------------------------------

GEZAG_OF_USER = "mijn_gezag"


def annotate_gezag_of(pupils: QuerySet[Leerling], user) -> QuerySet[Leerling]:
    """Annotate ``mijn_gezag``: whether ``user`` is a parent with gezag of the pupil."""
    mine = with_gezag().filter(leerling=OuterRef("pk"), ouder__account=user)
    return pupils.annotate(**{GEZAG_OF_USER: Exists(mine)})


def portal_refusal(
    user, leerling: Leerling, on: date | None = None, request: bool = False
) -> Refusal | None:
    """Why the portal ``user`` may not decide for this pupil (``request``: file a request for them),
    or None. The pupil comes from a query with ``annotate_gezag_of``; in the portal the user is the
    pupil or one of the parents."""
    sixteen = is_sixteen_plus(leerling, on)
    if leerling.account_id == user.id:
        return rule(sixteen=sixteen, by_pupil=True, parent_has_gezag=None)
    adult_request = request and is_adult(leerling, on)
    ouder = Ouder.objects.filter(account=user).first() if adult_request else None
    return rule(
        sixteen=sixteen,
        by_pupil=False,
        parent_has_gezag=getattr(leerling, GEZAG_OF_USER),
        adult_request=adult_request,
        authorised=ouder is not None and authorised(leerling, ouder),
    )


def portal_decider(user, leerling: Leerling) -> Decider:
    """The portal ``user`` as decider for this pupil: the pupil themself, or the user's parent
    record (whether that parent may decide is ``refusal``'s question)."""
    if leerling.account_id == user.id:
        return Decider(is_pupil=True)
    return Decider(ouder=_OUDER_OF_ACCOUNT.first(account_id=user.pk))
