"""The director approves a destruction list in the admin by typing its name."""

from datetime import date
from pathlib import Path

import pytest

from leerlingen.models import Vernietigingslijst
from leerlingen.retention.rules import ensure_default_terms
from leerlingen.retention.sweep import run_sweep
from tests.leerlingen.factories_retention import pupil_with_family

from .conftest import axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_director_approves_a_destruction_list_by_typing_its_name(
    page, live_server, admin_login, world
):
    school = world.schools["a1"]
    ensure_default_terms(school=school)
    for n in range(3):
        pupil_with_family(school=school, left=date(2019, 7, 1), achternaam=f"Oudleerling{n}")
    lijst = run_sweep().lists[0]
    SHOTS.mkdir(parents=True, exist_ok=True)

    admin_login(page, "directeur")
    page.goto(f"{live_server.url}/admin/leerlingen/vernietigingslijst/")
    page.click(f"text={lijst.naam}")
    assert page.locator("h1").inner_text() == f"Destruction list {lijst.naam}"
    assert (
        "Oudleerling0" in page.locator("#result_list").inner_text()
    )  # the director sees whom it concerns
    assert axe_violations(page) == []
    page.screenshot(path=str(SHOTS / "retention-list-open.png"), full_page=True)

    page.fill("#id_bevestiging", "goedgekeurd")  # not the name: refused
    page.click("button[name=approve]")
    assert "Type the name of the list exactly" in page.locator(".messagelist").inner_text()
    assert Vernietigingslijst.objects.get(pk=lijst.pk).status == "open"

    page.fill("#id_bevestiging", lijst.naam)
    page.click("button[name=approve]")
    assert "waiting period of 7 days" in page.locator(".messagelist").inner_text()
    lijst.refresh_from_db()
    assert lijst.status == "goedgekeurd" and lijst.goedgekeurd_door == world.users["directeur"]
    assert page.locator(
        "button[name=cancel]"
    ).is_visible()  # still cancellable in the waiting period
    page.screenshot(path=str(SHOTS / "retention-list-approved.png"), full_page=True)

    response = page.request.get(
        f"{live_server.url}/admin/leerlingen/vernietigingslijst/{lijst.pk}/verslag.pdf"
    )
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    (SHOTS / "vernietigingsverslag.pdf").write_bytes(response.body())


def test_a_teacher_does_not_reach_destruction_lists(page, live_server, admin_login, world):
    school = world.schools["a1"]
    ensure_default_terms(school=school)
    pupil_with_family(school=school, left=date(2019, 7, 1))
    lijst = run_sweep().lists[0]
    admin_login(page, "leerkracht")
    response = page.goto(
        f"{live_server.url}/admin/leerlingen/vernietigingslijst/{lijst.pk}/change/"
    )
    assert response.status in (403, 404)


@pytest.fixture(autouse=True)
def _english_interface(page, live_server):
    """This walk-through reads the English texts (the language a user can choose)."""
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
