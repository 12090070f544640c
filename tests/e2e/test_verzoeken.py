"""An access request from intake to answer in a real browser: the parent files it in the portal,
staff record the identity check and prepare it, the director approves, the parent downloads the export.
axe-core finds no WCAG 2.1 AA violations on the portal's request pages."""

import pytest

from verzoeken.models import Verzoek

from .conftest import axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


def _portal_login(page, live_server, username):
    page.goto(f"{live_server.url}/portaal/inloggen/")
    page.locator("details.card summary").click()
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form:has(input[value=wachtwoord]) button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/portaal/")


def test_access_request_from_portal_to_download(browser, live_server, admin_login, world):
    parent = browser.new_context(viewport={"width": 390, "height": 844}, locale="nl-NL").new_page()
    _portal_login(parent, live_server, "ouder_gezag")
    parent.goto(f"{live_server.url}/portaal/verzoeken/")
    assert axe_violations(parent) == []
    parent.locator("a.button", has_text="request").or_(
        parent.locator("a.button", has_text="verzoek")
    ).first.click()
    assert axe_violations(parent) == []
    parent.select_option("select[name=kind]", str(world.pupils["g5"].pk))
    parent.check("input[name=soort][value=inzage]")
    parent.locator("form.card button[type=submit]").click()
    verzoek = Verzoek.objects.get()
    parent.wait_for_url(f"{live_server.url}/portaal/verzoeken/{verzoek.pk}/?ontvangen=1")
    assert verzoek.kenmerk in parent.content()
    assert axe_violations(parent) == []

    staff = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    admin_login(staff, "administratie")
    staff.goto(f"{live_server.url}/staf/verzoeken/")
    staff.get_by_role("link", name=verzoek.kenmerk).click()
    staff.select_option("select[name=document_soort]", "id_kaart")
    staff.check("input[name=bevestiging]")
    staff.locator("#identity-form button[type=submit]").click()
    staff.fill("#submit-form textarea[name=motivering]", "U krijgt inzage in alle gegevens.")
    staff.locator("#submit-form button[type=submit]").click()
    verzoek.refresh_from_db()
    assert verzoek.status == "ter_beoordeling" and verzoek.id_gecontroleerd_op

    director = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    admin_login(director, "directeur")
    director.goto(f"{live_server.url}/staf/verzoeken/{verzoek.pk}/beoordeling/")
    review = director.content()
    assert world.items["medisch"].titel in review and world.pupils["g5"].voornamen in review
    director.locator("#review-form button[type=submit]").click()
    director.wait_for_url(f"{live_server.url}/staf/verzoeken/{verzoek.pk}/")
    director.locator("form[action$='/beantwoorden/'] button").click()
    verzoek.refresh_from_db()
    assert verzoek.status == "afgehandeld" and verzoek.beoordelaar == world.users["directeur"]

    parent.goto(f"{live_server.url}/portaal/verzoeken/{verzoek.pk}/")
    assert axe_violations(parent) == []
    with parent.expect_download() as info:
        parent.locator("ul.downloads a").first.click()
    content = open(info.value.path(), "rb").read()
    assert content.startswith(b"%PDF")
    history = list(verzoek.history.values_list("history_change_reason", flat=True))
    assert len(history) >= 5
    for p in (parent, staff, director):
        p.context.close()
