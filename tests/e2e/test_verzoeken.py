"""An access request from intake to answer in a real browser: the parent files it in the portal,
staff record the identity check and prepare it, the director approves, the parent downloads the export.
axe-core finds no WCAG 2.1 AA violations on the portal's request pages."""

import os

import pytest

from verzoeken.models import Verzoek

from ..drain import private_broker, work_off  # noqa: F401 (a fixture)
from .conftest import axe_violations

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("private_broker"),  # the worker of ``work_off`` (issue 21)
]
PASSWORD = "correct-horse-battery"
SHOTS = os.environ.get("E2E_SCREENSHOTS")  # a folder: save the pages and PDFs of issue 21 there


def _portal_login(page, live_server, username):
    page.goto(f"{live_server.url}/portaal/inloggen/")
    page.locator("details.card summary").click()
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form:has(input[value=wachtwoord]) button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/portaal/")


def test_access_request_from_portal_to_download(browser, live_server, admin_login, world, tmp_path):
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
    assert not verzoek.documenten.exists()  # the preview export is made by the worker (issue 21)
    work_off(tmp_path)
    assert verzoek.documenten.filter(soort="afschrift_pdf", definitief=False).exists()

    director = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    admin_login(director, "directeur")
    director.goto(f"{live_server.url}/staf/verzoeken/{verzoek.pk}/beoordeling/")
    review = director.content()
    assert world.items["medisch"].titel in review and world.pupils["g5"].voornamen in review
    director.locator("#review-form button[type=submit]").click()
    director.wait_for_url(f"{live_server.url}/staf/verzoeken/{verzoek.pk}/")
    # Approved: the letter and the export are made by the worker, not inside the POST (issue 21).
    assert director.locator("#documents-pending").is_visible()
    if SHOTS:
        director.screenshot(path=os.path.join(SHOTS, "verzoek-wordt-gemaakt.png"), full_page=True)
    assert director.locator("#answer-confirm").count() == 0
    assert not verzoek.documenten.filter(definitief=True).exists()
    assert axe_violations(director) == []
    work_off(tmp_path)
    director.reload()
    assert director.locator("#documents-pending").count() == 0
    if SHOTS:
        director.screenshot(path=os.path.join(SHOTS, "verzoek-klaar.png"), full_page=True)
        for doc in verzoek.documenten.filter(soort__in=["afschrift_pdf", "besluit"]):
            with open(os.path.join(SHOTS, f"verzoek-{doc.soort}.pdf"), "wb") as out:
                out.write(doc.content())
    director.locator("#answer-confirm").check()  # releasing asks first (issue 18)
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
