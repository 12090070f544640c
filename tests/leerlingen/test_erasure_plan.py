"""The set-based erasure (issue 21): what goes with a record is planned from the model graph once
per model and carried out a level at a time (``erasure._plan``, ``erasure._purge_many``). These
tests guard what could break silently: every model can be planned, the per-record counts of a
batch follow each row to its own record two levels deep, a delete receiver other than
simple-history's is still sent, and a kept record that refers to one that goes refuses it."""

from datetime import date

from django.apps import apps
from django.contrib.auth.models import Permission
from django.db import connection
from django.db.models.signals import post_delete, pre_delete

import pytest

from core.sql import array_literal
from leerlingen.erasure import ErasureRefused, _plan, erase_records
from leerlingen.models import DossierItem, DossierItemGrant, Leerling, Ouder, VernietigdRecord

from .factories import DossierItemFactory, SchoolFactory, UserFactory
from .factories_retention import pupil_with_family

pytestmark = pytest.mark.django_db


def test_every_model_has_a_plan():
    """A new relation the erasure cannot follow (a new kind of on_delete, multi-table
    inheritance) fails here, not in a night's destruction run."""
    for model in apps.get_models():
        plan = _plan(model._meta.concrete_model)
        assert plan.table == model._meta.concrete_model._meta.db_table
    assert "leerlingen.DossierItem" in {c.model._meta.label for c in _plan(Leerling).cascades}
    assert "leerlingen.DossierItemGrant" in {
        c.model._meta.label for c in _plan(DossierItem).cascades
    }


def _grant(item, user):
    perm = Permission.objects.get(codename="view_dossieritem", content_type__app_label="leerlingen")
    return DossierItemGrant.objects.create(user=user, permission=perm, content_object=item)


def test_per_record_counts_follow_each_row_two_levels_deep():
    school = SchoolFactory()
    ib = UserFactory(username="ib-plan")
    first = pupil_with_family(school=school, left=date(2018, 7, 1), items=("medisch",))
    second = pupil_with_family(
        school=school, left=date(2018, 7, 1), items=("medisch", "studievoortgang")
    )
    # Two levels deep: pupil -> dossier item -> grant on it; only the second pupil has grants.
    for item in second.dossieritems.all():
        _grant(item, ib)
    extra = DossierItemFactory(leerling=second, categorie="medisch", titel="Derde")
    _grant(extra, ib)

    result = erase_records([first, second], grond=VernietigdRecord.Grond.BEWAARTERMIJN)

    one, two = result.per_record
    assert one["leerlingen.Leerling"] == 1 and two["leerlingen.Leerling"] == 1
    assert one["leerlingen.DossierItem"] == 1 and two["leerlingen.DossierItem"] == 3
    assert "leerlingen.DossierItemGrant" not in one
    assert two["leerlingen.DossierItemGrant"] == 3
    # History rows follow their own record: a grant's history row counts for the second pupil.
    assert two["history"] >= 1 + 3 + 3 and one["history"] >= 1 + 1
    assert one["leerlingen.Ouder"] == 1 and two["leerlingen.Ouder"] == 1  # each guardian
    assert not DossierItemGrant.objects.exists()
    assert not DossierItemGrant.history.model.objects.exists()
    [tomb] = VernietigdRecord.objects.filter(
        soort="leerlingen.Leerling", object_id=result.tombstones[1].object_id
    )
    assert tomb.aantallen["leerlingen.DossierItemGrant"] == 3
    assert result.counts["leerlingen.DossierItemGrant"] == 3


def test_a_delete_receiver_other_than_history_is_still_sent():
    school = SchoolFactory()
    pupil = pupil_with_family(school=school, left=date(2018, 7, 1), items=("medisch", "medisch"))
    item_ids = set(pupil.dossieritems.values_list("pk", flat=True))
    pupil_id = pupil.pk
    seen: dict[str, list] = {"pre": [], "post": []}

    def before(sender, instance, **kwargs):
        assert DossierItem.objects.filter(pk=instance.pk).exists()  # still there
        seen["pre"].append((instance.pk, instance.leerling_id))

    def after(sender, instance, **kwargs):
        seen["post"].append(instance.pk)

    pre_delete.connect(before, sender=DossierItem, dispatch_uid="test-plan-pre")
    post_delete.connect(after, sender=DossierItem, dispatch_uid="test-plan-post")
    try:
        result = erase_records([pupil], grond=VernietigdRecord.Grond.BEWAARTERMIJN)
    finally:
        pre_delete.disconnect(sender=DossierItem, dispatch_uid="test-plan-pre")
        post_delete.disconnect(sender=DossierItem, dispatch_uid="test-plan-post")
    assert {pk for pk, _p in seen["pre"]} == item_ids == set(seen["post"])
    assert {p for _pk, p in seen["pre"]} == {pupil_id}
    assert result.per_record[0]["leerlingen.DossierItem"] == 2
    assert not DossierItem.objects.filter(pk__in=item_ids).exists()


def test_a_kept_record_referring_by_protect_refuses_and_nothing_goes():
    from trajecten.models import Traject

    school = SchoolFactory()
    teacher = UserFactory(username="leerkracht-plan")
    Traject.objects.create(
        school=school,
        leerkracht=teacher,
        omschrijving="Coaching",
        begindatum=date(2026, 9, 1),
        einddatum=date(2027, 7, 1),
    )
    with pytest.raises(ErasureRefused) as refused:
        erase_records([teacher], grond=VernietigdRecord.Grond.VERZOEK)
    assert refused.value.code == "referenced"
    assert refused.value.params == {"kinds": ["trajecten.Traject"]}
    assert type(teacher).objects.filter(pk=teacher.pk).exists()
    assert not VernietigdRecord.objects.exists()


def test_an_array_literal_reads_back_as_the_values():
    values = ["plain", 'a "quote"', "back\\slash", "comma,brace{}", " space ", None]
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            pytest.skip("PostgreSQL array literal")
        cursor.execute("SELECT %s::text[]", [array_literal(values)])
        assert cursor.fetchone()[0] == values
        cursor.execute("SELECT %s::bigint[]", [array_literal([3, 1, 2])])
        assert cursor.fetchone()[0] == [3, 1, 2]


def test_guardian_goes_with_the_last_pupil_only():
    school = SchoolFactory()
    first = pupil_with_family(school=school, left=date(2018, 7, 1))
    shared = first.ouders.get()
    second = pupil_with_family(school=school, left=date(2018, 7, 1), ouder=shared)
    result = erase_records([first], grond=VernietigdRecord.Grond.BEWAARTERMIJN)
    assert Ouder.objects.filter(pk=shared.pk).exists()
    assert "leerlingen.Ouder" not in result.per_record[0]
    result = erase_records([second], grond=VernietigdRecord.Grond.BEWAARTERMIJN)
    assert not Ouder.objects.filter(pk=shared.pk).exists()
    assert result.per_record[0]["leerlingen.Ouder"] == 1


def test_a_record_with_a_receiver_erased_alone_and_a_record_gone_meanwhile():
    """The records themselves loaded for a receiver (no statement left to combine), and a record
    another transaction deleted first: nothing to purge, a tombstone all the same."""
    school = SchoolFactory()
    pupil = pupil_with_family(school=school, left=date(2018, 7, 1), items=("medisch",))
    item = pupil.dossieritems.get()
    item_id = item.pk
    seen = []
    post_delete.connect(
        lambda sender, instance, **kw: seen.append(instance.pk),
        sender=DossierItem,
        weak=False,
        dispatch_uid="test-plan-alone",
    )
    try:
        result = erase_records([item], grond=VernietigdRecord.Grond.BEWAARTERMIJN)
    finally:
        post_delete.disconnect(sender=DossierItem, dispatch_uid="test-plan-alone")
    assert seen == [item_id]
    assert result.per_record[0]["leerlingen.DossierItem"] == 1
    assert not DossierItem.history.model.objects.filter(id=item_id).exists()

    gone = Leerling.objects.get(pk=pupil.pk)
    Leerling.objects.filter(pk=pupil.pk).delete()
    result = erase_records([gone], grond=VernietigdRecord.Grond.BEWAARTERMIJN)
    assert result.per_record[0]["leerlingen.Leerling"] == 0
    assert len(result.tombstones) == 1
