"""Rectification: the correction goes through the normal edit (history), every recipient that
received a changed field gets one follow-up, and the answer waits until each is informed."""

import pytest

from delen.models import Ontvanger
from delen.rules import Aanvraag
from delen.services import disclose, ensure_default_register
from tests.verzoeken.factories import work_off_documents
from verzoeken import services
from verzoeken.models import IdDocument, Soort, Uitkomst
from verzoeken.workflow import TransitionRefused

pytestmark = pytest.mark.django_db


@pytest.fixture
def disclosed(world):
    """The Groep 5 pupil went to DUO (address included) and to the GGD (no address)."""
    school = world.schools["a1"]
    ensure_default_register(school)
    duo = Ontvanger.objects.get(school=school, soort="duo")
    jgz = Ontvanger.objects.get(school=school, soort="jgz")
    pupil = world.pupils["g5"]
    disclose(
        user=world.users["directeur"],
        aanvraag=Aanvraag(ontvanger=duo, leerlingen=[pupil], velden=duo.velden, doel="BRON"),
    )
    disclose(
        user=world.users["directeur"],
        aanvraag=Aanvraag(ontvanger=jgz, leerlingen=[pupil], velden=jgz.velden, doel="JGZ"),
    )
    disclose(
        user=world.users["directeur"],
        aanvraag=Aanvraag(ontvanger=duo, leerlingen=[pupil], velden=duo.velden, doel="BRON 2"),
    )
    return duo, jgz


def _request(world):
    v = services.file_request(
        leerling=world.pupils["g5"],
        soort=Soort.RECTIFICATIE,
        kanaal="brief",
        ouder=world.ouders["gezag"],
        omschrijving="Adres klopt niet",
        vastgelegd_door=world.users["administratie"],
    )
    services.record_identity(
        verzoek=v, document_soort=IdDocument.ID_KAART, user=world.users["administratie"]
    )
    return v


def _correct(pupil, user, **changes):
    """The correction as the admin's edit page makes it: a save with the acting user in the history."""
    for field, value in changes.items():
        setattr(pupil, field, value)
    pupil._history_user = user
    pupil.save()


def test_follow_up_per_recipient_that_received_the_changed_field(world, disclosed):
    duo, jgz = disclosed
    assert (
        "postcode" in duo.velden and "postcode" not in jgz.velden and "woonplaats" not in duo.velden
    )
    v = _request(world)
    _correct(world.pupils["g5"], world.users["administratie"], postcode="1234AB", woonplaats="Tiel")
    changed = services.changed_fields_since(
        world.pupils["g5"], v.vastgelegd_op, user=world.users["administratie"]
    )
    assert set(changed) == {"postcode", "woonplaats"}
    services.submit(
        verzoek=v,
        uitkomst=Uitkomst.TOEGEWEZEN,
        motivering="Adres gecorrigeerd.",
        gewijzigde_velden=changed,
        user=world.users["administratie"],
    )
    work_off_documents()
    meldingen = list(v.meldingen.all())
    assert [m.ontvanger for m in meldingen] == [
        duo
    ]  # one per recipient, though DUO received it twice
    assert len(meldingen[0].verstrekkingen) == 2 and meldingen[0].velden == ["postcode"]

    services.approve(verzoek=v, user=world.users["directeur"])
    work_off_documents()
    with pytest.raises(TransitionRefused) as exc:
        services.answer(verzoek=v, user=world.users["administratie"])
    assert exc.value.rule == "follow_ups" and "AVG art. 19" in exc.value.messages[0]
    services.mark_informed(melding=meldingen[0], user=world.users["administratie"])
    services.answer(verzoek=v, user=world.users["administratie"])
    v.refresh_from_db()
    assert v.status == "afgehandeld"
    assert meldingen[0].history.count() == 2


def test_no_follow_up_when_no_recipient_received_the_field(world, disclosed):
    v = _request(world)
    _correct(world.pupils["g5"], world.users["administratie"], telefoon="0612345678")
    services.submit(
        verzoek=v,
        uitkomst=Uitkomst.TOEGEWEZEN,
        motivering="ok",
        user=world.users["administratie"],
        gewijzigde_velden=services.changed_fields_since(
            world.pupils["g5"], v.vastgelegd_op, user=world.users["administratie"]
        ),
    )
    work_off_documents()
    assert not v.meldingen.exists()


def test_rectification_needs_the_corrected_fields(world):
    v = _request(world)
    with pytest.raises(TransitionRefused) as exc:
        services.submit(
            verzoek=v,
            uitkomst=Uitkomst.TOEGEWEZEN,
            motivering="ok",
            user=world.users["administratie"],
            gewijzigde_velden=[],
        )
    assert exc.value.rule == "fields"


def test_informing_impossible_with_a_reason(world, disclosed):
    v = _request(world)
    _correct(world.pupils["g5"], world.users["administratie"], postcode="9999ZZ")
    services.submit(
        verzoek=v,
        uitkomst=Uitkomst.TOEGEWEZEN,
        motivering="ok",
        user=world.users["administratie"],
        gewijzigde_velden=["postcode"],
    )
    work_off_documents()
    m = v.meldingen.get()
    services.mark_informed(
        melding=m,
        user=world.users["administratie"],
        niet_mogelijk_reden="Ontvanger bestaat niet meer",
    )
    assert m.afgerond and m.geinformeerd_op is None
