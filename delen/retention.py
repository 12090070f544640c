"""What this app plugs into the register's erasure and retention (``leerlingen/erasure.py``,
``leerlingen/retention/producers.py``), registered in ``DelenConfig.ready``.

- ``anonymise_for_erasure``: a disclosure outlives the pupil in anonymised form (to inform the
  remaining pupils' parents and to correct recipients, AVG art. 15, 19): recipient, date, legal
  basis and field names stay; the link to the pupil goes (with the pupil), and so do the free
  texts of a disclosure about this pupil alone (its purpose and the reason for not informing the
  parents may name the pupil). A police demand about the pupil is kept without the pupil, so the
  disclosure made against it keeps its demand and the pupil can be destroyed.
- ``disclosure_records``: disclosures 5 years (the school's term) after the disclosure, and
  police demands the same term after they were received once no disclosure refers to them.
"""

from datetime import timedelta

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from dateutil.relativedelta import relativedelta

from leerlingen.retention.producers import RetentionCandidate
from leerlingen.retention.rules import expiry_date


def anonymise_for_erasure(leerling_ids: list[int]) -> None:
    """Anonymise the disclosures and police demands of the pupils ``leerling_ids`` (a batch)."""
    from .models import Verstrekking, Vordering

    # "About this pupil alone": every pupil of the disclosure is erased in this batch.
    mine = Verstrekking.objects.filter(leerlingen__in=leerling_ids).values("id")
    alone = list(
        Verstrekking.objects.filter(id__in=mine)
        .annotate(
            n=Count("leerlingen"),
            erased=Count("leerlingen", filter=Q(leerlingen__in=leerling_ids)),
        )
        .filter(n=F("erased"))
        .values_list("id", flat=True)
    )
    if alone:
        Verstrekking.objects.filter(id__in=alone).update(doel="", reden_niet_informeren="")
        # History rows are not tracked themselves: emptying them with update() is what erasure needs.
        Verstrekking.history.filter(id__in=alone).update(doel="", reden_niet_informeren="")
    demands = list(
        Vordering.objects.filter(leerling_id__in=leerling_ids).values_list("id", flat=True)
    )
    if demands:
        Vordering.objects.filter(id__in=demands).update(leerling=None)
        Vordering.history.filter(id__in=demands).update(leerling=None)


def disclosure_records(*, school, termijn, today):
    from .models import Verstrekking, Vordering

    # A database pre-filter a few days wide; the exact check is the term arithmetic below.
    cutoff = today - relativedelta(years=termijn.jaren, months=termijn.maanden) + timedelta(days=4)
    rows = (
        Verstrekking.objects.filter(school=school, tijdstip__date__lte=cutoff)
        .values_list("id", "tijdstip")
        .order_by("id")
    )
    for pk, tijdstip in rows.iterator(chunk_size=2000):
        expires = expiry_date(termijn, timezone.localdate(tijdstip))
        if expires <= today:
            yield RetentionCandidate(Verstrekking, pk, termijn.categorie, expires)
    used = Verstrekking.objects.filter(vordering=OuterRef("pk"))
    rows = (
        Vordering.objects.filter(Q(school=school, ontvangen_op__lte=cutoff) & ~Exists(used))
        .values_list("id", "ontvangen_op", "leerling_id")
        .order_by("id")
    )
    for pk, received, leerling_id in rows.iterator(chunk_size=2000):
        expires = expiry_date(termijn, received)
        if expires <= today:
            yield RetentionCandidate(
                Vordering, pk, termijn.categorie, expires, leerling_id, goes_with_pupil=True
            )
