"""The retention producer of this app (``leerlingen/retention/producers.py``), registered in
``ToestemmingConfig.ready``: consent evidence (AVG art. 7(1)) kept for the school's term after
the consent ended.

A decision ends when the same decider decides again on the same question (a withdrawal, a new
answer), and at the latest when its school year ends (a new school year asks again, seed 002).
The current decision of the running school year has not ended. The evidence goes with the
pupil when the whole pupil record is destroyed.
"""

from datetime import date

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from leerlingen.retention.producers import RetentionCandidate
from leerlingen.retention.rules import add_term, expiry_date
from leerlingen.schooljaar import current_schooljaar


def schooljaar_end(schooljaar: str) -> date:
    return date(int(schooljaar[5:9]), 7, 31)


def consent_evidence(*, school, termijn, today: date):
    from .models import Toestemming

    successor = (
        Toestemming.objects.filter(
            Q(ouder=OuterRef("ouder")) | Q(ouder__isnull=True, beslisser=OuterRef("beslisser")),
            leerling=OuterRef("leerling"),
            doel=OuterRef("doel"),
            schooljaar=OuterRef("schooljaar"),
            tijdstip__gt=OuterRef("tijdstip"),
        )
        .order_by("tijdstip", "id")
        .values("tijdstip")[:1]
    )
    # The school years whose end plus the term lies on or before today (a database pre-filter).
    last_year = current_schooljaar(today)
    while add_term(schooljaar_end(last_year), jaren=termijn.jaren, maanden=termijn.maanden) > today:
        start = int(last_year[:4]) - 1
        last_year = f"{start}-{start + 1}"
    rows = (
        Toestemming.objects.filter(leerling__school=school)
        .filter(Q(huidig=False) | Q(schooljaar__lte=last_year))
        .annotate(einde=Subquery(successor))
        .values_list("id", "leerling_id", "schooljaar", "tijdstip", "einde")
        .order_by("id")
    )
    for pk, leerling_id, schooljaar, tijdstip, einde in rows.iterator(chunk_size=2000):
        ended = schooljaar_end(schooljaar)
        if einde is not None:
            ended = min(ended, timezone.localdate(einde))
        ended = max(ended, timezone.localdate(tijdstip))
        expires = expiry_date(termijn, ended)
        if expires <= today:
            yield RetentionCandidate(
                Toestemming, pk, termijn.categorie, expires, leerling_id, goes_with_pupil=True
            )
