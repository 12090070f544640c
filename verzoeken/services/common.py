"""What every write of the requests app shares: the school's request settings, the request
number, saving with the acting user and a reason, and the obstacles to an erasure."""

import secrets
from datetime import date

from .. import rules
from ..models import Verzoek, VerzoekInstellingen


def instellingen_voor(school) -> VerzoekInstellingen:
    """The school's request settings, made with the defaults of seed 003 on first use."""
    row, _created = VerzoekInstellingen.objects.get_or_create(school=school)
    return row


def new_kenmerk(on: date) -> str:
    return f"R-{on:%Y%m%d}-{secrets.token_hex(3).upper()}"


def save(obj, *, user, reason: str, **kwargs) -> None:
    """Save ``obj`` with ``user`` and ``reason`` in its history."""
    obj._history_user = user
    obj._change_reason = reason[:100]
    obj.save(**kwargs)


def erasure_obstacles(
    verzoek: Verzoek, *, today: date | None = None
) -> list[rules.ErasureObstacle]:
    """The obstacles to erasing the request's pupil; the hold of this request itself does not count."""
    return rules.erasure_obstacles(verzoek.leerling, today=today, own_request=verzoek.kenmerk)


def erasure_parts(verzoek: Verzoek, *, today: date | None = None):
    """The request's pupil file per category: (what the request reaches now, what it cannot reach
    and why), for an erasure, an objection or a restriction (``rules.category_decision``)."""
    return rules.category_decision(
        verzoek.leerling, verzoek.soort, today=today, own_request=verzoek.kenmerk
    )
