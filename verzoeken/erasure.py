"""The hooks this app plugs into the erasure service (leerlingen/erasure.py), registered in
``VerzoekenConfig.ready``.

- ``anonymise_for_erasure``: a request outlives the pupil in the request register (accountability,
  AVG art. 5(2)), detached from the pupil and without personal data: kind, dates, roles, outcome.
  Its history rows are emptied of the pupil, the requester and the requester's words. Documents,
  restrictions and warnings hang from the pupil or are deleted here, and go with the pupil.
- ``retention_candidates``: requests closed longer ago than the school's term for requests (the
  retention producer of ``Bewaarcategorie.VERZOEKEN``, ``leerlingen/retention/producers.py``).
"""


def anonymise_for_erasure(leerling_ids: list[int]) -> None:
    """Detach and empty the requests of the pupils ``leerling_ids`` (a batch: set-based)."""
    from .models import Document, Termijnsignaal, Verzoek

    ids = list(Verzoek.objects.filter(leerling_id__in=leerling_ids).values_list("id", flat=True))
    if not ids:
        return
    # Documents hold the pupil's data: delete them (their history holds no contents).
    Document.objects.filter(verzoek_id__in=ids).delete()
    Document.history.filter(verzoek_id__in=ids).delete()
    Termijnsignaal.objects.filter(verzoek_id__in=ids).delete()
    # The reasons (motivering) carry no names (help text): kept. No history row is written here:
    # the history rows are emptied next, as erasure needs (they are not tracked themselves).
    Verzoek.objects.filter(id__in=ids).update(leerling=None, indiener_ouder=None, omschrijving="")
    Verzoek.history.filter(id__in=ids).update(leerling=None, indiener_ouder=None, omschrijving="")


def retention_candidates(*, school, termijn, today):
    from leerlingen.retention.producers import RetentionCandidate
    from leerlingen.retention.rules import expiry_date

    from .models import Status, Verzoek

    out = []
    rows = Verzoek.objects.filter(
        school=school,
        status__in=(Status.AFGEHANDELD, Status.INGETROKKEN),
        beantwoord_op__isnull=False,
    ).values_list("id", "beantwoord_op", "leerling_id")
    for pk, closed, leerling_id in rows.iterator(chunk_size=2000):
        assert closed is not None  # filtered on beantwoord_op__isnull=False
        expires = expiry_date(termijn, closed.date())
        if expires <= today:
            out.append(RetentionCandidate(Verzoek, pk, termijn.categorie, expires, leerling_id))
    return out
