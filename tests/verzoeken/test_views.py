"""The portal and staff pages: filing, following, downloading; 404 outside the family; the overview."""

from datetime import timedelta

from django.utils import timezone

import pytest

from leerlingen.models import Toegangslog
from tests.verzoeken.factories import work_off_documents
from verzoeken import services
from verzoeken.models import IdDocument, Soort, Uitkomst, Verzoek

from .factories import file

pytestmark = pytest.mark.django_db


def test_parent_files_an_access_request(client, world):
    client.force_login(world.users["ouder_gezag"])
    page = client.get("/portaal/verzoeken/nieuw/")
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        world.pupils["g5"].volledige_naam in html and world.pupils["g6"].volledige_naam not in html
    )
    response = client.post(
        "/portaal/verzoeken/nieuw/",
        {"kind": world.pupils["g5"].pk, "soort": "inzage", "omschrijving": ""},
    )
    v = Verzoek.objects.get()
    assert (
        response.status_code == 302
        and response["Location"] == f"/portaal/verzoeken/{v.pk}/?ontvangen=1"
    )
    assert (
        v.kanaal == "portaal"
        and v.indiener_ouder == world.ouders["gezag"]
        and v.vastgelegd_door == world.users["ouder_gezag"]
    )
    detail = client.get(f"/portaal/verzoeken/{v.pk}/").content.decode()
    assert v.kenmerk in detail


def test_portal_refuses_children_of_others_and_parents_without_gezag(client, world):
    client.force_login(world.users["ouder_zonder_gezag"])
    html = client.get("/portaal/verzoeken/nieuw/").content.decode()
    assert "parental authority" in html
    response = client.post(
        "/portaal/verzoeken/nieuw/", {"kind": world.pupils["g5"].pk, "soort": "inzage"}
    )
    assert response.status_code == 200 and not Verzoek.objects.exists()
    client.force_login(world.users["ouder_ander"])
    client.post("/portaal/verzoeken/nieuw/", {"kind": world.pupils["g5"].pk, "soort": "inzage"})
    assert not Verzoek.objects.exists()


def test_rectification_needs_an_explanation(client, world):
    client.force_login(world.users["ouder_gezag"])
    response = client.post(
        "/portaal/verzoeken/nieuw/",
        {"kind": world.pupils["g5"].pk, "soort": "rectificatie", "omschrijving": ""},
    )
    assert response.status_code == 200 and not Verzoek.objects.exists()


def test_pupil_of_sixteen_files_for_themselves(client, world):
    client.force_login(world.users["leerling_a2_16"])
    client.post(
        "/portaal/verzoeken/nieuw/",
        {"kind": world.pupils["a2_16"].pk, "soort": "bezwaar", "omschrijving": "Geen foto's"},
    )
    assert Verzoek.objects.get().indiener_rol == "leerling"


def test_requests_and_documents_of_others_answer_404(client, world):
    v = file(world.pupils["g5"], ouder=world.ouders["gezag"], by=world.users["administratie"])
    for name in ("ouder_zonder_gezag", "ouder_ander", "leerling_a2_16"):
        client.force_login(world.users[name])
        assert client.get(f"/portaal/verzoeken/{v.pk}/").status_code == 404
    staff = world.users["directeur"]
    client.force_login(staff)
    assert client.get("/portaal/verzoeken/").status_code == 403  # staff are not portal holders


def test_download_only_after_release_and_logged(client, world):
    admin, directeur = world.users["administratie"], world.users["directeur"]
    v = file(world.pupils["g5"], ouder=world.ouders["gezag"], by=admin)
    services.record_identity(verzoek=v, document_soort=IdDocument.ID_KAART, user=admin)
    services.submit(verzoek=v, uitkomst=Uitkomst.TOEGEWEZEN, motivering="Alles", user=admin)
    work_off_documents()
    preview = v.documenten.get()
    client.force_login(world.users["ouder_gezag"])
    assert client.get(f"/portaal/verzoeken/{v.pk}/document/{preview.pk}/").status_code == 404
    services.approve(verzoek=v, user=directeur)
    work_off_documents()
    services.answer(verzoek=v, user=directeur)
    doc = v.documenten.get(soort="afschrift_pdf")
    response = client.get(f"/portaal/verzoeken/{v.pk}/document/{doc.pk}/")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert Toegangslog.objects.filter(
        object_type="verzoekdocument", object_id=str(doc.pk), gebruiker=world.users["ouder_gezag"]
    ).exists()
    # Staff: the export only for the director; the letter for every handler.
    letter = v.documenten.get(soort="besluit")
    client.force_login(admin)
    assert client.get(f"/staf/verzoeken/{v.pk}/document/{doc.pk}/").status_code == 404
    assert client.get(f"/staf/verzoeken/{v.pk}/document/{letter.pk}/").status_code == 200
    client.force_login(directeur)
    assert client.get(f"/staf/verzoeken/{v.pk}/document/{doc.pk}/").status_code == 200


def test_overview_lists_by_days_left_with_overdue_label(client, world):
    today = timezone.localdate()
    late = file(
        world.pupils["g5"], ouder=world.ouders["gezag"], ontvangen_op=today - timedelta(days=30)
    )
    soon = file(
        world.pupils["g5"],
        soort=Soort.BEZWAAR,
        ouder=world.ouders["gezag"],
        ontvangen_op=today - timedelta(days=25),
    )
    fresh = file(world.pupils["g6"], ouder=world.ouders["ander"])
    client.force_login(world.users["administratie"])
    html = client.get("/staf/verzoeken/").content.decode()
    assert html.index(late.kenmerk) < html.index(soon.kenmerk) < html.index(fresh.kenmerk)
    assert "row-overdue" in html and "Overdue" in html and "2 days late" in html
    assert "3 days left" in html


def test_staff_record_a_letter_and_take_it_to_the_director(client, world):
    admin = world.users["administratie"]
    client.force_login(admin)
    response = client.post(
        "/staf/verzoeken/nieuw/", {"leerlingnummer": world.pupils["g5"].leerlingnummer}
    )
    assert response["Location"] == f"/staf/verzoeken/nieuw/{world.pupils['g5'].pk}/"
    received = timezone.localdate() - timedelta(days=5)
    response = client.post(
        response["Location"],
        {
            "indiener": world.ouders["gezag"].pk,
            "soort": "inzage",
            "kanaal": "brief",
            "ontvangen_op": received.isoformat(),
            "omschrijving": "Per brief",
        },
    )
    v = Verzoek.objects.get()
    assert (
        response.status_code == 302
        and v.ontvangen_op == received
        and v.uiterste_datum == received + timedelta(weeks=4)
    )
    # The identity form has no field for a copy or a number.
    page = client.get(f"/staf/verzoeken/{v.pk}/").content.decode()
    assert "documentnummer" not in page.lower() and 'type="file"' not in page
    client.post(
        f"/staf/verzoeken/{v.pk}/identiteit/", {"document_soort": "paspoort", "bevestiging": "on"}
    )
    client.post(
        f"/staf/verzoeken/{v.pk}/voorleggen/", {"uitkomst": "toegewezen", "motivering": "Alles"}
    )
    work_off_documents()
    v.refresh_from_db()
    assert v.status == "ter_beoordeling"
    assert client.get(f"/staf/verzoeken/{v.pk}/beoordeling/").status_code == 404  # not a director
    client.force_login(world.users["directeur"])
    review = client.get(f"/staf/verzoeken/{v.pk}/beoordeling/").content.decode()
    assert world.items["medisch"].titel in review and world.items["geheim"].titel in review
    client.post(
        f"/staf/verzoeken/{v.pk}/beoordeling/",
        {
            "uitkomst": "deels",
            "motivering": "Een stuk achtergehouden",
            "achtergehouden": [world.items["geheim"].pk],
        },
    )
    work_off_documents()
    v.refresh_from_db()
    assert v.status == "besloten" and v.achtergehouden == [world.items["geheim"].pk]
    client.post(f"/staf/verzoeken/{v.pk}/beantwoorden/", {"bevestigd": "ja"})
    v.refresh_from_db()
    assert v.status == "afgehandeld"


def test_teacher_cannot_record(client, world):
    client.force_login(world.users["leerkracht"])
    assert client.get("/staf/verzoeken/nieuw/").status_code == 404
    assert client.get(f"/staf/verzoeken/nieuw/{world.pupils['g5'].pk}/").status_code == 404
