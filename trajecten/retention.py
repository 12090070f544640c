"""The retention producer of professional development (``leerlingen/retention/producers.py``):
a trajectory whose term after its end date has run out goes on the destruction list whole. The
erasure deletes it with its recordings and their files; recordings kept in another system make
the item wait for the teacher's confirmation (``extern``)."""

from datetime import date

from leerlingen.retention.producers import RetentionCandidate
from leerlingen.retention.rules import expiry_date

from .models import Opslag, Traject


def ended_trajectories(*, school, termijn, today: date):
    rows = Traject.objects.filter(school=school, einddatum__lte=today).values_list(
        "id", "einddatum", "opslag"
    )
    for pk, ended, opslag in rows.order_by("id").iterator(chunk_size=2000):
        expires = expiry_date(termijn, ended)
        if expires <= today:
            yield RetentionCandidate(
                Traject, pk, termijn.categorie, expires, extern=opslag == Opslag.EXTERN
            )
