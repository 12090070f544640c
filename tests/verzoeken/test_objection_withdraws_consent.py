"""A granted objection to the processing of images withdraws the pupil's photo and video consents
(AVG art. 21 with art. 7(3)): through the consent app's own withdrawal, so the consent history
names the request and the teacher's photo list shows it at once. A refused objection changes
nothing. Through the pages: the parent files in the portal, the handler prepares, the director
approves, the handler answers."""

import pytest

from tests.verzoeken.factories import work_off_documents
from toestemming.models import Doel, Toestemming
from toestemming.rules import effective_consents
from toestemming.services import ensure_default_doelen, give_consent, publish_form
from verzoeken.models import Verzoek

from ..leerlingen.factories import DossierItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo_consent(world):
    """The Groep 5 pupil's parent with gezag said yes to photos on the website and in the app."""
    pupil = world.pupils["g5"]
    ensure_default_doelen(school=pupil.school)
    publish_form(school=pupil.school)
    for code in ("website", "schoolapp"):
        give_consent(
            leerling=pupil,
            doel=Doel.objects.get(school=pupil.school, code=code),
            gegeven=True,
            ouder=world.ouders["gezag"],
        )
    DossierItemFactory(leerling=pupil, categorie="beeld", titel="Schoolreisfoto")
    return pupil


def _status(pupil, code="website") -> str:
    doel = Doel.objects.get(school=pupil.school, code=code)
    return effective_consents(leerlingen=[pupil], doel_ids=[doel.pk])[(pupil.pk, doel.pk)].status


def _decide_objection(client, world, pupil, uitkomst: str) -> Verzoek:
    client.force_login(world.users["ouder_gezag"])
    client.post(
        "/portaal/verzoeken/nieuw/",
        {"kind": pupil.pk, "soort": "bezwaar", "omschrijving": "Geen foto's meer"},
    )
    v = Verzoek.objects.get(soort="bezwaar")
    client.force_login(world.users["administratie"])
    client.post(
        f"/staf/verzoeken/{v.pk}/identiteit/", {"document_soort": "paspoort", "bevestiging": "on"}
    )
    client.post(
        f"/staf/verzoeken/{v.pk}/voorleggen/", {"uitkomst": uitkomst, "motivering": "Beslist"}
    )
    work_off_documents()
    client.force_login(world.users["directeur"])
    client.post(
        f"/staf/verzoeken/{v.pk}/beoordeling/", {"uitkomst": uitkomst, "motivering": "Beslist"}
    )
    work_off_documents()
    v.refresh_from_db()
    assert v.status == "besloten" and v.uitkomst == uitkomst
    # Deciding is not yet answering: the consents stand until the answer is sent.
    assert _status(pupil) == "ja"
    client.force_login(world.users["administratie"])
    client.post(f"/staf/verzoeken/{v.pk}/beantwoorden/", {"bevestigd": "ja"})
    v.refresh_from_db()
    assert v.status == "afgehandeld"
    return v


@pytest.mark.parametrize("uitkomst", ["deels", "toegewezen"])
def test_a_granted_objection_withdraws_the_photo_consents_with_the_request_in_the_history(
    client, world, photo_consent, uitkomst
):
    pupil = photo_consent
    photo_list = f"/staf/toestemming/groep/{pupil.groep_id}/"
    client.force_login(world.users["leerkracht"])
    nos_before = client.get(photo_list).content.decode().count("chip-nee")
    v = _decide_objection(client, world, pupil, uitkomst)

    assert _status(pupil, "website") == "nee" and _status(pupil, "schoolapp") == "nee"
    withdrawals = Toestemming.objects.filter(leerling=pupil, huidig=True, is_intrekking=True)
    assert {t.doel.code for t in withdrawals} == {"website", "schoolapp"}
    assert all(t.ouder == world.ouders["gezag"] and not t.gegeven for t in withdrawals)
    rows = Toestemming.history.filter(leerling=pupil, history_type="+", gegeven=False)
    assert {(h.history_change_reason, h.history_user) for h in rows} == {
        (f"withdrawn on objection {v.kenmerk}", world.users["administratie"])
    }
    # The teacher's photo list shows the no at once.
    client.force_login(world.users["leerkracht"])
    assert client.get(photo_list).content.decode().count("chip-nee") == nos_before + 2


def test_a_refused_objection_changes_no_consent(client, world, photo_consent):
    pupil = photo_consent
    before = list(Toestemming.objects.values_list("pk", "huidig", "gegeven"))

    _decide_objection(client, world, pupil, "afgewezen")

    assert _status(pupil) == "ja"
    assert list(Toestemming.objects.values_list("pk", "huidig", "gegeven")) == before
