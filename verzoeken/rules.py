"""The rules of requests: who may file, the copy fees, whether erasure is allowed now, and
restriction. Refusals name the rule in a translated message without personal data."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leerlingen import custody
from leerlingen.models import Leerling

MESSAGES = {
    "no_gezag": _("Only a parent with parental authority (gezag) may file a request for this pupil."),
    "from_16": _("From the age of 16 the pupil exercises these rights: the pupil files the request."),
    "under_16": _("Until the age of 16 a parent with parental authority files the request."),
    "no_decider": _("You can only file requests for your own children or for yourself."),
}


class RequestRefused(ValidationError):
    def __init__(self, code: str):
        super().__init__(MESSAGES[code], code=code)
        self.rule = code


def check_may_file(*, leerling: Leerling, ouder=None, door_leerling: bool = False, on: date | None = None) -> None:
    """Raise ``RequestRefused`` unless this requester may file for this pupil (``custody``, seeds 003, 004)."""
    refused = custody.refusal(leerling, ouder=ouder, door_leerling=door_leerling, on=on)
    if refused is not None:
        raise RequestRefused(refused.value)


# --- copy fees (AVG art. 15(3), seed 003) ------------------------------------------------------


def copy_fee(*, paginas: int, kopie_nummer: int, instellingen) -> Decimal:
    """The fee of a copy: the first copy is free; a further copy costs the fee per page up to the
    maximum, or up to the higher maximum above the page threshold."""
    if kopie_nummer <= 1 or paginas <= 0:
        return Decimal("0.00")
    fee = instellingen.prijs_per_pagina * paginas
    cap = instellingen.maximum_boven_drempel if paginas > instellingen.drempel_paginas else instellingen.maximum
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


def erasure_obstacles(leerling: Leerling, *, today: date | None = None, own_request: str = "") -> list[ErasureObstacle]:
    """Check the legal duties to keep before the whole pupil record may be erased on request.

    - an active legal hold (a dispute, an inspection, another open request): no date;
    - the legal minimum of the pupil administration (5 years after the pupil left, seed 003):
      from the leaving date plus that minimum; while the pupil is enrolled, not yet.
    The school's own longer terms do not stand in the way of a request: only the law does.
    """
    from leerlingen.models import Bewaarcategorie, Blokkade
    from leerlingen.retention.rules import DEFAULT_TERMS, add_term

    today = today or timezone.localdate()
    out = []
    # The hold the request itself placed (``own_request``: its reference) does not count.
    hold = (
        Blokkade.objects.filter(leerling_id=leerling.pk, opgeheven_op__isnull=True)
        .exclude(reden=Blokkade.Reden.OPEN_VERZOEK, toelichting=own_request or None)
        .order_by("ingesteld_op").first()
    )
    if hold is not None:
        out.append(ErasureObstacle(
            "blokkade",
            _("A legal hold is active (%(reden)s): nothing of this pupil is erased until it is lifted.")
            % {"reden": hold.get_reden_display()},
        ))
    rule = DEFAULT_TERMS[Bewaarcategorie.LEERLINGADMINISTRATIE]
    months = rule.minimum_maanden or 0
    left = leerling.datum_uitschrijving
    if left is None or left > today:
        out.append(ErasureObstacle(
            "leerlingadministratie",
            _("The pupil is enrolled: the school must keep the pupil administration (%(rule)s). "
              "Erasure is possible %(months)d months after the pupil leaves.") % {"rule": rule.grondslag, "months": months},
        ))
    else:
        possible = add_term(left, jaren=0, maanden=months)
        if possible > today:
            out.append(ErasureObstacle(
                "leerlingadministratie",
                _("The retention term of the pupil administration is still running (%(rule)s). "
                  "Erasure is possible from %(date)s.") % {"rule": rule.grondslag, "date": possible.strftime("%d-%m-%Y")},
                possible,
            ))
    return out


# --- restriction (AVG art. 18) -----------------------------------------------------------------


def is_restricted(leerling) -> bool:
    """Whether processing of this pupil's data is restricted: kept, but not used or disclosed."""
    from .models import Beperking

    pk = getattr(leerling, "pk", leerling)
    return Beperking.objects.filter(leerling_id=pk, opgeheven_op__isnull=True).exists()


def restricted_ids(leerling_ids) -> set[int]:
    """The ids among ``leerling_ids`` whose processing is restricted (one query)."""
    from .models import Beperking

    return set(
        Beperking.objects.filter(leerling_id__in=list(leerling_ids), opgeheven_op__isnull=True)
        .values_list("leerling_id", flat=True)
    )


def with_restriction_flag(leerlingen_qs):
    """Annotate ``beperking_actief`` on a pupil queryset, so a list of pupils is checked for
    restriction without a query per pupil (``delen.rules.is_restricted`` reads the annotation)."""
    from django.db.models import Exists, OuterRef

    from .models import Beperking

    return leerlingen_qs.annotate(
        beperking_actief=Exists(Beperking.objects.filter(leerling_id=OuterRef("pk"), opgeheven_op__isnull=True))
    )


def exclude_restricted(leerlingen_qs):
    """A pupil queryset without the restricted pupils: for every export that uses pupil data."""
    from .models import Beperking

    return leerlingen_qs.exclude(
        id__in=Beperking.objects.filter(opgeheven_op__isnull=True).values("leerling_id")
    )
