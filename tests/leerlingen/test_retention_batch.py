"""Destruction in batches (issue 21): a list is carried out a batch of items per transaction
through the batch erasure (``erasure.erase_records``), set-based, so its queries do not grow with
the number of pupils; a record that may not go makes its batch go one by one, and only that
item is marked as not destroyed, with its reason; every other item goes with its tombstone."""

from datetime import UTC, date, datetime, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

import pytest

from delen.models import Soort, Vordering
from delen.rules import Aanvraag
from delen.services import disclose, ensure_default_register
from leerlingen.erasure import erase_records
from leerlingen.models import (
    DossierItem,
    Gezagsrelatie,
    Leerling,
    Ouder,
    VernietigdRecord,
    Vernietigingslijst,
    VernietigingslijstItem,
)
from leerlingen.retention import destruction
from leerlingen.retention.destruction import approve_list, carry_out_list
from leerlingen.retention.rules import ensure_default_terms
from leerlingen.retention.sweep import run_sweep
from leerlingen.roles import grant_role

from ..delen.factories import VorderingFactory
from .factories import SchoolFactory, UserFactory
from .factories_retention import pupil_with_family

pytestmark = pytest.mark.django_db

APPROVED = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
AFTER_WAIT = APPROVED + timedelta(days=8)
TODAY = date(2026, 11, 23)


def _list_of(n: int, brin: str):
    school = SchoolFactory(brin=brin)
    ensure_default_terms(school=school)
    directeur = UserFactory(username=f"dir-{brin}")
    grant_role(user=directeur, rol="directeur", container=school)
    pupils = [
        pupil_with_family(
            school=school,
            left=date(2018, 7, 1),
            achternaam=f"Batch{brin}{i}",
            items=("studievoortgang", "medisch"),
        )
        for i in range(n)
    ]
    [lijst] = run_sweep(today=TODAY, school=school).lists
    approve_list(lijst=lijst, user=directeur, bevestiging=lijst.naam, now=APPROVED)
    return lijst, pupils


def _queries_to_carry_out(lijst) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert carry_out_list(lijst_id=lijst.pk, now=AFTER_WAIT) == {
            "vernietigd": lijst.items.count()
        }
    return len(ctx.captured_queries)


def test_a_list_is_carried_out_with_the_same_queries_for_3_and_for_12_pupils():
    warm, _ = _list_of(1, "30BA")
    small, _ = _list_of(3, "31BA")
    large, pupils = _list_of(12, "32BA")
    _queries_to_carry_out(warm)  # fills the caches (content types, history models)
    history = {
        p.pk: Leerling.history.filter(id=p.pk).count()
        + DossierItem.history.filter(leerling_id=p.pk).count()
        + Gezagsrelatie.history.filter(leerling_id=p.pk).count()
        for p in pupils
    }
    assert _queries_to_carry_out(small) == _queries_to_carry_out(large)
    ids = [p.pk for p in pupils]
    assert not Leerling.objects.filter(pk__in=ids).exists()
    assert not Leerling.history.model.objects.filter(id__in=ids).exists()
    assert not DossierItem.history.model.objects.filter(leerling_id__in=ids).exists()
    assert not Gezagsrelatie.history.model.objects.filter(leerling_id__in=ids).exists()
    tombs = VernietigdRecord.objects.filter(item__lijst=large)
    assert sorted(int(t.object_id) for t in tombs.filter(soort="leerlingen.Leerling")) == ids
    assert tombs.filter(soort="leerlingen.Ouder", grond="geen_koppeling").count() == 12
    # Each pupil's tombstone counts what went with that pupil, not with the batch.
    for tomb in tombs.filter(soort="leerlingen.Leerling"):
        assert tomb.aantallen == {
            "leerlingen.Leerling": 1,
            "leerlingen.DossierItem": 2,
            "leerlingen.Gezagsrelatie": 1,
            "history": history[int(tomb.object_id)],
        }, tomb.aantallen
    for item in large.items.all():
        assert item.status == VernietigingslijstItem.Status.VERNIETIGD
        # The pupil's rows and history, and its guardian's (row and history row).
        assert item.aantal_records == 4 + history[item.object_id] + 2
        assert item.history.first().status == VernietigingslijstItem.Status.VERNIETIGD
    assert (
        Vernietigingslijst.objects.get(pk=large.pk).status == Vernietigingslijst.Status.UITGEVOERD
    )


def test_one_record_that_may_not_go_fails_alone_and_the_rest_of_its_batch_goes(world):
    school = world.schools["a1"]
    ensure_default_terms(school=school)
    ensure_default_register(school)
    pupils = [
        pupil_with_family(school=school, left=date(2018, 7, 1), achternaam=f"Rest{i}")
        for i in range(4)
    ]
    vordering = VorderingFactory(leerling=world.pupils["g5"])
    Vordering.objects.filter(pk=vordering.pk).update(ontvangen_op=date(2020, 1, 6))
    [lijst] = run_sweep(today=TODAY, school=school).lists
    approve_list(lijst=lijst, user=world.users["directeur"], bevestiging=lijst.naam, now=APPROVED)
    disclose(  # the police demand is used for a disclosure between listing and destruction
        user=world.users["directeur"],
        aanvraag=Aanvraag(
            ontvanger=school.ontvangers.get(soort=Soort.POLITIE),
            leerlingen=[world.pupils["g5"]],
            velden=vordering.gevraagde_gegevens,
            doel="vordering",
            vordering=vordering,
        ),
    )
    with translation.override("nl"):  # carried out while Dutch is active (a Celery worker)
        carry_out_list(lijst_id=lijst.pk, now=AFTER_WAIT)

    items = {(i.content_type.model, i.object_id): i for i in lijst.items.all()}
    failed = items[("vordering", vordering.pk)]
    assert failed.status == VernietigingslijstItem.Status.MISLUKT
    # The reason is a code with its parameters, read in the reader's language.
    with translation.override("en"):
        [english] = destruction.failures_of(lijst)
    with translation.override("nl"):
        [dutch] = destruction.failures_of(lijst)
    assert english["n"] == dutch["n"] == 1
    assert english["fout"].startswith("Records that must be kept refer to this record:")
    assert dutch["fout"].startswith("Gegevens die bewaard moeten worden verwijzen")
    assert "disclosure" in english["fout"] and "verstrekking" in dutch["fout"]
    assert Vordering.objects.filter(pk=vordering.pk).exists()
    for p in pupils:
        assert items[("leerling", p.pk)].status == VernietigingslijstItem.Status.VERNIETIGD
        assert not Leerling.objects.filter(pk=p.pk).exists()
        assert (
            VernietigdRecord.objects.filter(
                soort="leerlingen.Leerling", object_id=str(p.pk)
            ).count()
            == 1
        )
    lijst.refresh_from_db()
    assert lijst.status == Vernietigingslijst.Status.ONVOLLEDIG


def test_a_batch_is_all_or_nothing(monkeypatch):
    """A failure inside a batch (here: the tombstones cannot be written) leaves every record of
    the batch whole, and every item still to be destroyed."""
    lijst, pupils = _list_of(5, "33BA")
    lijst.refresh_from_db()
    destruction.due_lists(now=AFTER_WAIT)

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("leerlingen.erasure.copy_to_history", broken)
    with pytest.raises(RuntimeError):
        carry_out_list(lijst_id=lijst.pk, now=AFTER_WAIT)
    ids = [p.pk for p in pupils]
    assert Leerling.objects.filter(pk__in=ids).count() == 5
    assert DossierItem.objects.filter(leerling_id__in=ids).count() == 10
    assert Ouder.objects.filter(relaties__leerling_id__in=ids).count() == 5
    assert Leerling.history.model.objects.filter(id__in=ids).count() >= 5
    assert not VernietigdRecord.objects.filter(object_id__in=[str(i) for i in ids]).exists()
    assert set(lijst.items.values_list("status", flat=True)) == {
        VernietigingslijstItem.Status.TE_VERNIETIGEN
    }


def test_erase_records_takes_a_queryset_and_leaves_a_tombstone_each(world):
    school = world.schools["a1"]
    pupils = [
        pupil_with_family(school=school, left=date(2018, 7, 1), achternaam=f"Qs{i}")
        for i in range(3)
    ]
    ids = [p.pk for p in pupils]
    result = erase_records(
        Leerling.objects.filter(pk__in=ids).order_by("pk"),
        grond=VernietigdRecord.Grond.BEWAARTERMIJN,
    )
    assert not Leerling.objects.filter(pk__in=ids).exists()
    assert [t.object_id for t in result.tombstones if t.soort == "leerlingen.Leerling"] == [
        str(i) for i in ids
    ]
    assert len(result.per_record) == 3 and all(
        c["leerlingen.Leerling"] == 1 for c in result.per_record
    )
