"""Erasure on request: refused under a running term (naming the rule and the date), done after it
through the erasure service (history gone, tombstone present); restriction keeps data out of use."""

from datetime import date, timedelta

from django.utils import timezone, translation
from django.utils.formats import date_format

import pytest

from delen.models import Ontvanger
from delen.rules import Aanvraag, DisclosureRefused
from delen.services import disclose, ensure_default_register
from leerlingen.models import DossierItem, Leerling, VernietigdRecord
from leerlingen.restriction import exclude_restricted, is_restricted
from tests.verzoeken.factories import work_off_documents
from verzoeken import exports, services
from verzoeken.models import Beperking, IdDocument, Soort, Uitkomst, Verzoek
from verzoeken.workflow import TransitionRefused

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """These tests read the rules' English source texts; the Dutch ones are checked elsewhere."""
    from django.utils import translation

    with translation.override("en"):
        yield


def _erasure(world, key="g5"):
    v = services.file_request(
        leerling=world.pupils[key],
        soort=Soort.WISSEN,
        kanaal="email",
        ouder=world.ouders["gezag"],
        omschrijving="Alles wissen a.u.b.",
        vastgelegd_door=world.users["administratie"],
    )
    services.record_identity(
        verzoek=v, document_soort=IdDocument.PASPOORT, user=world.users["administratie"]
    )
    return v


def test_erasure_refused_while_enrolled(world):
    v = _erasure(world)
    with pytest.raises(TransitionRefused) as exc:
        services.submit(
            verzoek=v,
            uitkomst=Uitkomst.TOEGEWEZEN,
            motivering="ok",
            user=world.users["administratie"],
        )
    assert exc.value.rule == "erasure"
    assert "retention" in exc.value.messages[0] and "5 years" in exc.value.messages[0]


def test_erasure_refused_under_a_running_term_names_the_date(world):
    pupil = world.pupils["g5"]
    pupil.datum_uitschrijving = timezone.localdate() - timedelta(days=365)
    pupil.save()
    v = _erasure(world)
    obstacles = services.erasure_obstacles(v)
    assert len(obstacles) == 1 and obstacles[0].regel == "leerlingadministratie"
    possible = pupil.datum_uitschrijving.replace(year=pupil.datum_uitschrijving.year + 5)
    assert obstacles[0].mogelijk_vanaf == possible
    shown = date_format(possible, "j F Y")
    assert (
        f"Erasure is possible from {shown} (5 years after the pupil left on" in obstacles[0].bericht
    )
    assert "months" not in obstacles[0].bericht
    # The school's language reads "Wissen is mogelijk vanaf <datum> (5 jaar na ...)" (issue 17).
    with translation.override("nl"):
        dutch = services.erasure_obstacles(v)[0].bericht
        assert f"Wissen is mogelijk vanaf {date_format(possible, 'j F Y')} (5 jaar na" in dutch
    assert "maanden" not in dutch
    # The refusal goes out with the rule and the date in the letter.
    services.submit(
        verzoek=v,
        uitkomst=Uitkomst.AFGEWEZEN,
        motivering=str(obstacles[0]),
        user=world.users["administratie"],
    )
    work_off_documents()
    v = services.approve(verzoek=v, user=world.users["directeur"])
    work_off_documents()
    _pdf, html = services.render_besluit(v)
    assert shown in html
    services.answer(verzoek=v, user=world.users["directeur"])
    assert Leerling.objects.filter(pk=pupil.pk).exists()


def test_erasure_done_after_the_term_through_the_erasure_service(world):
    pupil = world.pupils["g5"]
    pupil.datum_uitschrijving = date(2019, 7, 15)
    pupil.datum_inschrijving = date(2012, 8, 20)
    pupil.save()
    item_ids = list(pupil.dossieritems.values_list("id", flat=True))
    v = _erasure(world)
    assert services.erasure_obstacles(v) == []
    services.submit(
        verzoek=v,
        uitkomst=Uitkomst.TOEGEWEZEN,
        motivering="De bewaartermijn is verstreken.",
        user=world.users["administratie"],
    )
    work_off_documents()
    services.approve(verzoek=v, user=world.users["directeur"])
    work_off_documents()
    assert v.documenten.filter(soort="besluit").exists()
    services.answer(verzoek=v, user=world.users["directeur"])

    assert not Leerling.objects.filter(pk=pupil.pk).exists()
    assert not Leerling.history.filter(id=pupil.pk).exists()
    assert not DossierItem.history.filter(id__in=item_ids).exists()
    tomb = VernietigdRecord.objects.get(soort="leerlingen.Leerling", object_id=str(pupil.pk))
    assert tomb.grond == VernietigdRecord.Grond.VERZOEK and tomb.verzoek_kenmerk == v.kenmerk
    assert tomb.besloten_door == world.users["directeur"]
    # The request stays in the register, without the pupil, the requester or their words.
    v = Verzoek.objects.get(pk=v.pk)
    assert v.leerling_id is None and v.indiener_ouder_id is None and v.omschrijving == ""
    assert v.status == "afgehandeld" and v.uitkomst == Uitkomst.TOEGEWEZEN
    assert not v.documenten.exists()
    assert not Verzoek.history.filter(id=v.pk, leerling_id=pupil.pk).exists()
    assert all(
        h.omschrijving == "" and h.indiener_ouder_id is None
        for h in Verzoek.history.filter(id=v.pk)
    )


def test_a_legal_hold_blocks_erasure(world):
    from leerlingen.retention.rules import place_hold

    pupil = world.pupils["g5"]
    pupil.datum_uitschrijving = date(2019, 7, 15)
    pupil.save()
    place_hold(leerling=pupil, reden="geschil", user=world.users["directeur"])
    v = _erasure(world)
    assert [o.regel for o in services.erasure_obstacles(v)] == ["blokkade"]


def _restrict(world):
    v = services.file_request(
        leerling=world.pupils["g5"],
        soort=Soort.BEPERKING,
        kanaal="brief",
        ouder=world.ouders["gezag"],
        vastgelegd_door=world.users["administratie"],
    )
    services.record_identity(
        verzoek=v, document_soort=IdDocument.ID_KAART, user=world.users["administratie"]
    )
    services.submit(
        verzoek=v,
        uitkomst=Uitkomst.TOEGEWEZEN,
        motivering="Juistheid betwist",
        user=world.users["administratie"],
    )
    work_off_documents()
    services.approve(verzoek=v, user=world.users["directeur"])
    work_off_documents()
    return v


def test_restriction_excluded_from_exports_until_lifted(world):
    ensure_default_register(world.schools["a1"])
    duo = Ontvanger.objects.get(school=world.schools["a1"], soort="duo")
    pupils = Leerling.objects.filter(groep=world.groepen["g5"])
    v = _restrict(world)
    pupil = world.pupils["g5"]
    assert is_restricted(pupil)
    assert pupil not in exclude_restricted(pupils)
    with pytest.raises(DisclosureRefused) as exc:
        disclose(
            user=world.users["directeur"],
            aanvraag=Aanvraag(ontvanger=duo, leerlingen=[pupil], velden=duo.velden, doel="x"),
        )
    assert exc.value.weigeringen[0].regel == "beperkt"
    # Kept, not erased:
    assert Leerling.objects.filter(pk=pupil.pk).exists()

    beperking = Beperking.objects.get(leerling=pupil)
    with pytest.raises(TransitionRefused):
        services.lift_restriction(beperking=beperking, user=world.users["administratie"], reden="x")
    services.lift_restriction(
        beperking=beperking, user=world.users["directeur"], reden="Juistheid vastgesteld"
    )
    assert not is_restricted(pupil) and pupil in exclude_restricted(pupils)
    disclose(
        user=world.users["directeur"],
        aanvraag=Aanvraag(ontvanger=duo, leerlingen=[pupil], velden=duo.velden, doel="x"),
    )
    assert v.beperkingen.count() == 1


def test_restriction_noted_in_the_requesters_own_export(world):
    _restrict(world)
    v = services.file_request(
        leerling=world.pupils["g5"],
        soort=Soort.INZAGE,
        kanaal="brief",
        ouder=world.ouders["gezag"],
        vastgelegd_door=world.users["administratie"],
    )
    assert exports.collect(verzoek=v).beperkt_sinds
