"""An objection decided per category in a real browser (issue 17): the handler's page and the
director's review show what can be stopped and what goes on under a legal duty; axe-core finds no
WCAG 2.1 AA violations; the parent downloads the letter listing both parts."""

import os

import pytest

from leerlingen.models import DossierItem
from verzoeken import services
from verzoeken.models import IdDocument, Soort

from ..drain import private_broker, work_off  # noqa: F401 (a fixture)
from .conftest import axe_violations

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("private_broker"),  # the worker of ``work_off`` (issue 21)
]
SHOTS = os.environ.get("E2E_SCREENSHOTS")  # a folder: save a screenshot of each page there


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_an_objection_partly_granted_in_the_browser(
    browser, live_server, admin_login, world, tmp_path
):
    pupil = world.pupils["g5"]
    pupil.eck_id = "https://ketenid.nl/201703/abc"
    pupil.save()
    DossierItem.objects.create(leerling=pupil, categorie="beeld", titel="Schoolreisfoto")
    v = services.file_request(
        leerling=pupil,
        soort=Soort.BEZWAAR,
        kanaal="brief",
        ouder=world.ouders["gezag"],
        omschrijving="Geen verwerking meer",
        vastgelegd_door=world.users["administratie"],
    )
    services.record_identity(
        verzoek=v, document_soort=IdDocument.PASPOORT, user=world.users["administratie"]
    )

    staff = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL").new_page()
    admin_login(staff, "administratie")
    staff.goto(f"{live_server.url}/staf/verzoeken/{v.pk}/")
    section = staff.locator("section[aria-labelledby=obst-title]")
    assert "DUO (BRON)" in section.inner_text()
    _shot(staff, "bezwaar-behandelaar")
    assert axe_violations(staff) == []
    staff.select_option("#submit-form select[name=uitkomst]", "deels")
    staff.fill("#submit-form textarea[name=motivering]", "Per categorie beslist.")
    staff.locator("#submit-form button[type=submit]").click()
    v.refresh_from_db()
    assert v.status == "ter_beoordeling"

    director = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="nl-NL"
    ).new_page()
    admin_login(director, "directeur")
    director.goto(f"{live_server.url}/staf/verzoeken/{v.pk}/beoordeling/")
    assert "DUO (BRON)" in director.locator("section[aria-labelledby=obst-title]").inner_text()
    _shot(director, "bezwaar-directeur")
    assert axe_violations(director) == []
    director.locator("#review-form button[type=submit]").click()
    director.wait_for_url(f"{live_server.url}/staf/verzoeken/{v.pk}/")
    v.refresh_from_db()
    assert v.status == "besloten" and v.uitkomst == "deels"
    assert not v.documenten.exists()  # the letter is made by the worker (issue 21)
    work_off(tmp_path)
    letter = v.documenten.get(soort="besluit")
    if SHOTS:
        with open(os.path.join(SHOTS, "bezwaar-besluit.pdf"), "wb") as out:
            out.write(letter.content())
    for p in (staff, director):
        p.context.close()
