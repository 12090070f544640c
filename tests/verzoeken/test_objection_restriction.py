"""Objection (AVG art. 21) and restriction (AVG art. 18) are decided per category, as erasure is
(issue 17): processing on consent or legitimate interest is stopped or restricted; processing under
a legal duty (pupil administration and BRON/DUO, exams, the care duty) goes on, naming the rule.
"Partly granted" end to end through the pages: the parent files in the portal, the handler
prepares, the director approves, the handler answers, the parent downloads the letter."""

import io

from django.utils import translation

import pytest
from pypdf import PdfReader

from leerlingen import restriction
from leerlingen.retention.rules import DEFAULT_TERMS
from tests.verzoeken.factories import work_off_documents
from verzoeken.models import Beperking, Document, Verzoek

from ..leerlingen.factories import DossierItemFactory

pytestmark = pytest.mark.django_db

with translation.override("en"):
    ADMIN_RULE = str(DEFAULT_TERMS["leerlingadministratie"].grondslag)
    EXAMS_RULE = str(DEFAULT_TERMS["examens"].grondslag)


def _file_in_portal(client, world, soort: str) -> Verzoek:
    pupil = world.pupils["g5"]
    pupil.eck_id = "https://ketenid.nl/201703/abc"
    pupil.save()
    DossierItemFactory(leerling=pupil, categorie="beeld", titel="Schoolreisfoto")
    client.force_login(world.users["ouder_gezag"])
    response = client.post(
        "/portaal/verzoeken/nieuw/",
        {"kind": pupil.pk, "soort": soort, "omschrijving": "Alles over mijn kind"},
    )
    assert response.status_code == 302
    return Verzoek.objects.get(soort=soort)


def _prepare_partly_granted(client, world, v: Verzoek) -> str:
    """The handler checks identity and proposes "partly granted"; returns the handler's page."""
    client.force_login(world.users["administratie"])
    client.post(
        f"/staf/verzoeken/{v.pk}/identiteit/", {"document_soort": "paspoort", "bevestiging": "on"}
    )
    page = client.get(f"/staf/verzoeken/{v.pk}/").content.decode()
    client.post(
        f"/staf/verzoeken/{v.pk}/voorleggen/",
        {"uitkomst": "deels", "motivering": "Per categorie beslist"},
    )
    work_off_documents()
    v.refresh_from_db()
    assert v.status == "ter_beoordeling", page
    return page


def _approve_answer_and_download(client, world, v: Verzoek) -> tuple[str, str]:
    """The director reviews and approves, the handler answers, the parent downloads the letter.
    Returns the director's review page and the letter's text."""
    client.force_login(world.users["directeur"])
    review = client.get(f"/staf/verzoeken/{v.pk}/beoordeling/").content.decode()
    client.post(
        f"/staf/verzoeken/{v.pk}/beoordeling/",
        {"uitkomst": "deels", "motivering": "Per categorie beslist"},
    )
    work_off_documents()
    v.refresh_from_db()
    assert v.status == "besloten" and v.uitkomst == "deels"
    client.force_login(world.users["administratie"])
    client.post(f"/staf/verzoeken/{v.pk}/beantwoorden/", {"bevestigd": "ja"})
    v.refresh_from_db()
    assert v.status == "afgehandeld"
    letter = v.documenten.get(soort=Document.Soort.BESLUIT)
    client.force_login(world.users["ouder_gezag"])
    portal = client.get(f"/portaal/verzoeken/{v.pk}/").content.decode()
    assert "Partly granted" in portal or "partly granted" in portal
    response = client.get(f"/portaal/verzoeken/{v.pk}/document/{letter.pk}/")
    assert response.status_code == 200
    pdf = b"".join(response.streaming_content) if response.streaming else response.content
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return review, " ".join(text.split())


@pytest.fixture
def english_letters(settings):
    """The letter is in the school's language; these tests read it in English."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def test_an_objection_stops_consent_processing_and_refuses_the_legal_duties(
    client, world, english_letters
):
    DossierItemFactory(leerling=world.pupils["g5"], categorie="begeleiding", titel="Handelingsplan")
    v = _file_in_portal(client, world, "bezwaar")

    page = _prepare_partly_granted(client, world, v)
    assert "Objection per category" in page
    stop = page.split("Can be stopped")[1].split("Goes on under a legal duty")[0]
    assert "images (photo, video)" in stop and "ECK iD" in stop and "medical data" in stop
    assert "guidance and care" not in stop
    goes_on = page.split("Goes on under a legal duty")[1].split("</section>")[0]
    assert ADMIN_RULE in goes_on and "DUO (BRON)" in goes_on
    assert EXAMS_RULE in goes_on and "zorgplicht" in goes_on

    review, letter = _approve_answer_and_download(client, world, v)
    assert "Can be stopped" in review and ADMIN_RULE in review
    assert "Partly granted" in letter or "partly granted" in letter
    stopped = letter.split("Stopped:")[1].split("Continued:")[0]
    assert "images (photo, video)" in stopped and "processed on consent" in stopped
    assert "ECK iD" in stopped and "legitimate interest" in stopped
    continued = letter.split("Continued:")[1]
    assert "DUO (BRON)" in continued and "pupil administration" in continued
    assert "zorgplicht" in continued and "exams" in continued


def test_a_restriction_restricts_what_it_can_while_decided_and_names_the_legal_duties(
    client, world, english_letters
):
    pupil = world.pupils["g5"]
    v = _file_in_portal(client, world, "beperking")

    # At once, while the request is decided: the categories it can reach, not the legal duties.
    beperking = Beperking.objects.get(verzoek=v, opgeheven_op__isnull=True)
    assert set(beperking.categorieen) == {"beeld", "begeleiding", "medisch", "religie", "eck_id"}
    assert restriction.is_restricted(pupil, {"medisch"})
    assert restriction.is_restricted(pupil, {"eck_id"})
    assert not restriction.is_restricted(pupil, {"contact", "bsn", "organisatie"})  # BRON goes on

    page = _prepare_partly_granted(client, world, v)
    assert "Restriction per category" in page
    restricted = page.split("Restricted while the request is decided")[1].split("Cannot be")[0]
    assert "images (photo, video)" in restricted and "medical data" in restricted
    kept = page.split("Cannot be restricted (legal duty)")[1].split("</section>")[0]
    assert ADMIN_RULE in kept and EXAMS_RULE in kept

    review, letter = _approve_answer_and_download(client, world, v)
    assert "Cannot be restricted" in review
    part = letter.split("Restricted:")[1].split("Not restricted:")[0]
    assert "images (photo, video)" in part and "religion" in part
    assert "DUO (BRON)" in letter.split("Not restricted:")[1]
    beperking = Beperking.objects.get(verzoek=v, opgeheven_op__isnull=True)
    assert "contact" not in beperking.categorieen and "medisch" in beperking.categorieen
    assert not restriction.is_restricted(pupil, {"contact"})


def test_a_refused_restriction_lifts_the_restriction_while_decided(client, world):
    v = _file_in_portal(client, world, "beperking")
    assert restriction.is_restricted(world.pupils["g5"], {"beeld"})
    client.force_login(world.users["administratie"])
    client.post(
        f"/staf/verzoeken/{v.pk}/identiteit/", {"document_soort": "paspoort", "bevestiging": "on"}
    )
    client.post(
        f"/staf/verzoeken/{v.pk}/voorleggen/", {"uitkomst": "afgewezen", "motivering": "Juist"}
    )
    work_off_documents()
    client.force_login(world.users["directeur"])
    client.post(
        f"/staf/verzoeken/{v.pk}/beoordeling/", {"uitkomst": "afgewezen", "motivering": "Juist"}
    )
    work_off_documents()
    v.refresh_from_db()
    assert v.status == "besloten"
    assert not restriction.is_restricted(world.pupils["g5"], {"beeld"})


def test_an_objection_that_reaches_nothing_cannot_be_partly_granted(client, world):
    from leerlingen.models import DossierItem

    pupil = world.pupils["g5"]
    DossierItem.objects.filter(leerling=pupil).exclude(categorie="studievoortgang").delete()
    pupil.eck_id = ""
    pupil.save()
    client.force_login(world.users["ouder_gezag"])
    client.post(
        "/portaal/verzoeken/nieuw/",
        {"kind": pupil.pk, "soort": "bezwaar", "omschrijving": "Geen foto's"},
    )
    v = Verzoek.objects.get()
    client.force_login(world.users["administratie"])
    client.post(
        f"/staf/verzoeken/{v.pk}/identiteit/", {"document_soort": "paspoort", "bevestiging": "on"}
    )
    response = client.post(
        f"/staf/verzoeken/{v.pk}/voorleggen/",
        {"uitkomst": "deels", "motivering": "x"},
        follow=True,
    )
    work_off_documents()
    v.refresh_from_db()
    assert v.status == "id_gecontroleerd"
    assert "reaches nothing in this file" in response.content.decode()
