"""The rules of requests: who may file, the copy fees, whether erasure is allowed now, and
restriction. Refusals name the rule in a translated message without personal data."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from leerlingen import custody
from leerlingen.models import Bewaarcategorie, Gegevenscategorie, Leerling

MESSAGES = {
    "no_gezag": _(
        "Only a parent with parental authority (gezag) may file a request for this pupil."
    ),
    "from_16": _(
        "From the age of 16 the pupil exercises these rights: the pupil files the request."
    ),
    "from_18": _(
        "The pupil is 18 or older: a parent may file a request about them only with the pupil's "
        "authorisation, which the pupil gives in the portal."
    ),
    "under_16": _("Until the age of 16 a parent with parental authority files the request."),
    "no_decider": _("You can only file requests for your own children or for yourself."),
}


class RequestRefused(ValidationError):
    def __init__(self, code: str):
        super().__init__(MESSAGES[code], code=code)
        self.rule = code


def check_may_file(
    *, leerling: Leerling, ouder=None, door_leerling: bool = False, on: date | None = None
) -> None:
    """Raise ``RequestRefused`` unless this requester may file for this pupil (``custody``, seeds 003, 004)."""
    refused = custody.refusal(
        leerling, ouder=ouder, door_leerling=door_leerling, on=on, request=True
    )
    if refused is not None:
        raise RequestRefused(refused.value)


# --- copy fees (AVG art. 15(3), seed 003) ------------------------------------------------------


def copy_fee(*, paginas: int, kopie_nummer: int, instellingen) -> Decimal:
    """The fee of a copy: the first copy is free; a further copy costs the fee per page up to the
    maximum, or up to the higher maximum above the page threshold."""
    if kopie_nummer <= 1 or paginas <= 0:
        return Decimal("0.00")
    fee = instellingen.prijs_per_pagina * paginas
    cap = (
        instellingen.maximum_boven_drempel
        if paginas > instellingen.drempel_paginas
        else instellingen.maximum
    )
    return min(fee, cap).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# --- erasure: retention terms and legal duties first ------------------------------------------


@dataclass
class ErasureObstacle:
    """Why erasure is not possible now: the rule, and from which date it will be (None: unknown yet)."""

    regel: str
    bericht: str
    mogelijk_vanaf: date | None = None

    def __str__(self):
        return str(self.bericht)


def erasure_obstacles(
    leerling: Leerling, *, today: date | None = None, own_request: str = ""
) -> list[ErasureObstacle]:
    """Check the legal duties to keep before the whole pupil record may be erased on request.

    - an active legal hold (a dispute, an inspection, another open request): no date;
    - the legal minimum of the pupil administration (5 years after the pupil left, seed 003):
      from the leaving date plus that minimum; while the pupil is enrolled, not yet.
    The school's own longer terms do not stand in the way of a request: only the law does.
    """
    from leerlingen.models import Bewaarcategorie, Blokkade
    from leerlingen.retention.models import duration_text
    from leerlingen.retention.rules import DEFAULT_TERMS, add_term

    today = today or timezone.localdate()
    out = []
    # The hold the request itself placed (``own_request``: its reference) does not count.
    hold = (
        Blokkade.objects.filter(leerling_id=leerling.pk, opgeheven_op__isnull=True)
        .exclude(reden=Blokkade.Reden.OPEN_VERZOEK, toelichting=own_request or None)
        .order_by("ingesteld_op")
        .first()
    )
    if hold is not None:
        out.append(
            ErasureObstacle(
                "blokkade",
                _(
                    "A legal hold is active (%(reden)s): nothing of this pupil is erased until it is lifted."
                )
                % {"reden": hold.get_reden_display()},
            )
        )
    rule = DEFAULT_TERMS[Bewaarcategorie.LEERLINGADMINISTRATIE]
    months = rule.minimum_maanden or 0
    left = leerling.datum_uitschrijving
    term = duration_text(*divmod(months, 12))  # "5 years", never "60 months"
    if left is None or left > today:
        out.append(
            ErasureObstacle(
                "leerlingadministratie",
                _(
                    "The pupil is enrolled: the school must keep the pupil administration (%(rule)s). "
                    "Erasure is possible %(term)s after the pupil leaves."
                )
                % {"rule": rule.grondslag, "term": term},
            )
        )
    else:
        possible = add_term(left, jaren=0, maanden=months)
        if possible > today:
            out.append(
                ErasureObstacle(
                    "leerlingadministratie",
                    _(
                        "The retention term of the pupil administration is still running (%(rule)s). "
                        "Erasure is possible from %(date)s (%(term)s after the pupil left on %(left)s)."
                    )
                    % {
                        "rule": rule.grondslag,
                        "date": date_format(possible, "j F Y"),
                        "term": term,
                        "left": date_format(left, "j F Y"),
                    },
                    possible,
                )
            )
    return out


# --- erasure, objection and restriction per category (AVG art. 17, 18, 21) -------------------

_CONSENT = _("held on consent")
_NO_DUTY = _("no legal duty to keep")
_STOPPABLE = _("processed on consent")
_LEARNING = _("learning material: the school's legitimate interest")

# Per kind of request: the dossier categories it reaches now while the rest of the file is under
# a legal duty, and why. Erasure: data held on consent or without a legal duty to keep. Objection:
# processing on consent or the school's legitimate interest can be stopped; the care dossier is
# the school's care duty. Restriction: everything the school does not have to keep using.
GRANTABLE: dict[str, tuple[tuple[str, object], ...]] = {
    "wissen": (
        (Gegevenscategorie.BEELD, _CONSENT),
        (Gegevenscategorie.BEGELEIDING, _NO_DUTY),
        (Gegevenscategorie.MEDISCH, _NO_DUTY),
        (Gegevenscategorie.RELIGIE, _NO_DUTY),
    ),
    "bezwaar": (
        (Gegevenscategorie.BEELD, _STOPPABLE),
        (Gegevenscategorie.MEDISCH, _STOPPABLE),
        (Gegevenscategorie.RELIGIE, _STOPPABLE),
        (Gegevenscategorie.ECK_ID, _LEARNING),
    ),
    "beperking": (
        (Gegevenscategorie.BEELD, _CONSENT),
        (Gegevenscategorie.BEGELEIDING, _NO_DUTY),
        (Gegevenscategorie.MEDISCH, _NO_DUTY),
        (Gegevenscategorie.RELIGIE, _NO_DUTY),
        (Gegevenscategorie.ECK_ID, _LEARNING),
    ),
}
ERASABLE_CATEGORIES = GRANTABLE["wissen"]
PER_CATEGORY = frozenset(GRANTABLE)

# The legal duties an objection or a restriction cannot set aside, each naming its rule.
LEGAL_DUTY = {
    "leerlingadministratie": _(
        "The pupil administration and the reports to DUO (BRON) are a legal duty. %(rule)s"
    ),
    "examens": _("Study progress and exam data are processed under a legal duty. %(rule)s"),
    "zorgplicht": _(
        "Guidance and care are the school's legal care duty (zorgplicht, Wet passend onderwijs): "
        "an objection cannot stop them."
    ),
}


@dataclass
class ErasurePart:
    """A part of a pupil's file that a request reaches now: the category, why, the items (for an
    erasure, an objection or a restriction: ``category_decision``)."""

    categorie: str
    waarom: str
    item_ids: list[int]

    @property
    def label(self) -> str:
        return str(Gegevenscategorie(self.categorie).label)


def _items_per_category(leerling: Leerling) -> dict[str, list[int]]:
    from leerlingen.models import DossierItem

    items: dict[str, list[int]] = {}
    for pk, categorie in DossierItem.objects.filter(leerling_id=leerling.pk).values_list(
        "pk", "categorie"
    ):
        items.setdefault(categorie, []).append(pk)
    return items


def category_decision(
    leerling: Leerling, soort: str, *, today: date | None = None, own_request: str = ""
) -> tuple[list[ErasurePart], list[ErasureObstacle]]:
    """A request decided per category: (what it reaches now, what it cannot reach and why).

    Erasure: kept are the pupil record (pupil administration) and the study progress under their
    legal terms, each with the rule and the date from which erasure is possible; everything while
    a legal hold is active. Objection and restriction: the processing under a legal duty (pupil
    administration and BRON/DUO, exams, for an objection the care duty) goes on, naming the rule;
    the rest is stopped or restricted. The ECK iD is a field of the record, not a dossier item.
    """
    from leerlingen.retention.rules import DEFAULT_TERMS

    exams_rule = DEFAULT_TERMS[Bewaarcategorie.EXAMENS].grondslag
    if soort == "wissen":
        keep = erasure_obstacles(leerling, today=today, own_request=own_request)
        if any(o.regel == "blokkade" for o in keep):
            return [], keep
    else:
        admin_rule = DEFAULT_TERMS[Bewaarcategorie.LEERLINGADMINISTRATIE].grondslag
        keep = [
            ErasureObstacle(
                "leerlingadministratie",
                LEGAL_DUTY["leerlingadministratie"] % {"rule": admin_rule},
            )
        ]
    items = _items_per_category(leerling)
    if leerling.eck_id:
        items.setdefault(Gegevenscategorie.ECK_ID, [])
    granted = [
        ErasurePart(categorie, str(waarom), sorted(items[categorie]))
        for categorie, waarom in GRANTABLE[soort]
        if categorie in items
    ]
    if keep and items.get(Gegevenscategorie.STUDIEVOORTGANG):
        message = (
            _("Study progress and exam data are kept under their legal term (%(rule)s).")
            if soort == "wissen"
            else LEGAL_DUTY["examens"]
        )
        keep.append(ErasureObstacle("examens", message % {"rule": exams_rule}))
    if soort == "bezwaar" and items.get(Gegevenscategorie.BEGELEIDING):
        keep.append(ErasureObstacle("zorgplicht", str(LEGAL_DUTY["zorgplicht"])))
    return granted, keep


def erasure_parts(leerling: Leerling, *, today: date | None = None, own_request: str = ""):
    """An erasure request decided per category: (what can be erased now, what must be kept and why)."""
    return category_decision(leerling, "wissen", today=today, own_request=own_request)


# --- restriction (AVG art. 18) -----------------------------------------------------------------


def active_restrictions():
    """The restrictions in force (rows with a ``leerling_id``): processing of those pupils is
    restricted, kept but not used or disclosed. The register answers for every app
    (``leerlingen.restriction``); this is its source, registered in ``VerzoekenConfig.ready``."""
    from .models import Beperking

    return Beperking.objects.filter(opgeheven_op__isnull=True)
