"""The pupil register in a real browser: each role sees its own rows, in Dutch."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_teacher_sees_own_group_and_gets_404_elsewhere(page, live_server, admin_login, world):
    admin_login(page, "leerkracht")
    page.goto(f"{live_server.url}/admin/leerlingen/leerling/")
    assert page.locator("h1").inner_text() == "Selecteer leerling om te bekijken"
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1
    assert "Aalbers" in rows.first.inner_text()
    response = page.goto(
        f"{live_server.url}/admin/leerlingen/leerling/{world.pupils['g6'].pk}/change/"
    )
    assert response.status == 404
    response = page.goto(
        f"{live_server.url}/admin/leerlingen/leerling/{world.pupils['g5'].pk}/change/"
    )
    assert response.status == 200
    assert world.pupils["g5"].bsn not in page.content()  # a teacher never sees the BSN


def test_director_edits_a_pupil_and_sees_the_history(page, live_server, admin_login, world):
    admin_login(page, "directeur")
    pupil = world.pupils["g5"]
    page.goto(f"{live_server.url}/admin/leerlingen/leerling/{pupil.pk}/change/")
    page.fill("#id_woonplaats", "Tiel")
    page.click("input[name=_save]")
    page.wait_for_url(f"{live_server.url}/admin/leerlingen/leerling/")
    page.goto(f"{live_server.url}/admin/leerlingen/leerling/{pupil.pk}/history/")
    history = page.locator("#change-history").inner_text()
    assert "directeur" in history and "Tiel" in history


def test_administration_sees_addresses_but_no_care_items(page, live_server, admin_login, world):
    admin_login(page, "administratie")
    page.goto(f"{live_server.url}/admin/leerlingen/dossieritem/")
    text = page.locator("#result_list").inner_text()
    assert "Ouderbijdrage" in text
    assert "Dyslexie" not in text and "Meldcode" not in text and "Toetsen" not in text
    response = page.goto(
        f"{live_server.url}/admin/leerlingen/dossieritem/{world.items['medisch'].pk}/change/"
    )
    assert response.status == 404


def test_language_switch_to_english(page, live_server, admin_login, world):
    admin_login(page, "directeur")
    page.goto(f"{live_server.url}/admin/")
    page.select_option("#admin-language", "en")
    page.click(".admin-language-form button")
    page.goto(f"{live_server.url}/admin/leerlingen/leerling/")
    assert page.locator("h1").inner_text() == "Select pupil to change"
