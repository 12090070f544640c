"""The retention producer of the breach register (``leerlingen/retention/producers.py``): an
incident goes on the destruction list once its term after it was recorded has run out (five years
by default: to account for it to the AP, AVG art. 5(2), 33(5)).

An incident about one school is that school's record. One about the board as a whole (no school)
is listed with the board's first school, so that exactly one school's list carries it.
"""

from datetime import date

from django.db.models import Q
from django.utils import timezone

from leerlingen.models import School
from leerlingen.retention.producers import RetentionCandidate
from leerlingen.retention.rules import expiry_date

from .models import Datalek


def recorded_incidents(*, school, termijn, today: date):
    first_of_board = (
        School.objects.filter(bestuur_id=school.bestuur_id)
        .order_by("id")
        .values_list("id", flat=True)
        .first()
    )
    whole_board = (
        Q(school__isnull=True, bestuur_id=school.bestuur_id) if first_of_board == school.id else Q()
    )
    condition = Q(school=school) | whole_board if whole_board else Q(school=school)
    rows = Datalek.objects.filter(condition).values_list("id", "aangemaakt")
    for pk, recorded in rows.order_by("id").iterator(chunk_size=2000):
        expires = expiry_date(termijn, timezone.localdate(recorded))
        if expires <= today:
            yield RetentionCandidate(Datalek, pk, termijn.categorie, expires)
