"""Disclosure records under retention (issue 17): kept anonymised when a pupil is erased (the
police demand no longer blocks the pupil's destruction), and put on the destruction list 5 years
after the disclosure ("5 jaar na de verstrekking")."""

from datetime import UTC, date, datetime

import pytest

from delen.models import Soort, Verstrekking, Vordering
from delen.services import disclose
from leerlingen.erasure import erase_record
from leerlingen.models import Leerling, VernietigdRecord
from leerlingen.retention.destruction import approve_list, carry_out_list
from leerlingen.retention.rules import ensure_default_terms
from leerlingen.retention.sweep import run_sweep

from .factories import VorderingFactory

pytestmark = pytest.mark.django_db

POLICE_FIELDS = [
    "roepnaam",
    "achternaam",
    "geboortedatum",
    "straat",
    "huisnummer",
    "postcode",
    "woonplaats",
]


def police_disclosure(world, aanvraag, pupil):
    vordering = VorderingFactory(leerling=pupil, kenmerk_politie="PL-2026-17")
    a = aanvraag(
        Soort.POLITIE,
        leerlingen=[pupil],
        velden=POLICE_FIELDS,
        vordering=vordering,
        doel=f"Vordering over {pupil.achternaam}",
    )
    result = disclose(user=world.users["directeur"], aanvraag=a)
    v = result.verstrekking
    v.reden_niet_informeren = f"Onderzoek loopt naar {pupil.roepnaam}"
    v.save()
    return vordering, v


def test_a_pupil_once_subject_of_a_police_demand_can_be_destroyed(world, register, aanvraag):
    pupil = world.pupils["g5"]
    vordering, verstrekking = police_disclosure(world, aanvraag, pupil)
    pupil.datum_uitschrijving = date(2019, 7, 15)
    pupil.save()

    erase_record(obj=pupil, grond=VernietigdRecord.Grond.BEWAARTERMIJN)

    assert not Leerling.objects.filter(pk=pupil.pk).exists()
    # The disclosure record stays, anonymised: recipient, date, legal basis, field names.
    v = Verstrekking.objects.get(pk=verstrekking.pk)
    assert (v.ontvanger_id, v.grondslag, v.velden, v.aantal_leerlingen) == (
        verstrekking.ontvanger_id,
        verstrekking.grondslag,
        POLICE_FIELDS,
        1,
    )
    assert v.tijdstip == verstrekking.tijdstip and v.vordering_id == vordering.pk
    assert not v.leerlingen.exists()
    # No names or words about the pupil, now or in any past version.
    for row in [v, *Verstrekking.history.filter(id=v.pk)]:
        assert pupil.achternaam not in row.doel and pupil.roepnaam not in row.reden_niet_informeren
    d = Vordering.objects.get(pk=vordering.pk)
    assert (
        d.leerling_id is None
        and d.gevraagde_gegevens == POLICE_FIELDS
        and d.kenmerk_politie == "PL-2026-17"
    )
    assert not Vordering.history.filter(id=d.pk, leerling_id__isnull=False).exists()


def test_a_disclosure_of_several_pupils_keeps_the_others_and_its_purpose(world, register, aanvraag):
    pupil, classmate = world.pupils["g5"], world.pupils["g6"]
    a = aanvraag(Soort.DUO, leerlingen=[pupil, classmate], doel="bekostiging")
    v = disclose(user=world.users["directeur"], aanvraag=a).verstrekking
    erase_record(obj=pupil, grond=VernietigdRecord.Grond.BEWAARTERMIJN)
    v.refresh_from_db()
    assert list(v.leerlingen.all()) == [classmate] and v.doel == "bekostiging"


def test_disclosures_go_on_the_list_5_years_after_the_disclosure(world, register, aanvraag):
    school = world.schools["a1"]
    ensure_default_terms(school=school)
    pupil = world.pupils["g5"]
    vordering, old = police_disclosure(world, aanvraag, pupil)
    Verstrekking.objects.filter(pk=old.pk).update(tijdstip=datetime(2021, 3, 1, 10, tzinfo=UTC))
    recent = disclose(user=world.users["directeur"], aanvraag=aanvraag(Soort.DUO)).verstrekking

    assert run_sweep(today=date(2026, 2, 28), school=school).lists == []
    [lijst] = run_sweep(today=date(2026, 3, 1), school=school).lists
    listed = {
        (i.content_type.model, i.object_id, i.categorie)
        for i in lijst.items.select_related("content_type")
    }
    assert listed == {("verstrekking", old.pk, "verstrekkingen")}

    approve_list(
        lijst=lijst,
        user=world.users["directeur"],
        bevestiging=lijst.naam,
        now=datetime(2026, 3, 1, 9, tzinfo=UTC),
    )
    carry_out_list(lijst_id=lijst.pk, now=datetime(2026, 3, 10, 9, tzinfo=UTC))
    assert not Verstrekking.objects.filter(pk=old.pk).exists()
    assert not Verstrekking.history.filter(id=old.pk).exists()
    assert Verstrekking.objects.filter(pk=recent.pk).exists()
    # The demand outlives its last disclosure by its own 5 years, then it is listed too.
    Vordering.objects.filter(pk=vordering.pk).update(ontvangen_op=date(2021, 2, 27))
    [nxt] = run_sweep(today=date(2026, 3, 11), school=school).lists
    assert {(i.content_type.model, i.object_id) for i in nxt.items.all()} == {
        ("vordering", vordering.pk)
    }
    assert Leerling.objects.filter(pk=pupil.pk).exists()
