"""The portal around an adult pupil in a real browser: a parent whose adult child closed the view
reads that the child chose (no data, no reasons); a parent the pupil lets see reads that the pupil
decides, without answer buttons; the history chooser, the 18+ page and the pupil's own overview
and history. axe (WCAG 2.1 AA) finds nothing on any of them; screenshots in /tmp/j_shots."""

import os
from datetime import date, timedelta

import pytest

from leerlingen.meerderjarig import services as adult
from toestemming.services import ensure_default_doelen, publish_form

from ..leerlingen.factories import GezagsrelatieFactory, LeerlingFactory, OuderFactory, UserFactory
from .conftest import axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"
SHOTS = "/tmp/j_shots"


def _check(page, name):
    violations = axe_violations(page)
    assert violations == [], f"{name}: " + "; ".join(f"{v['id']}: {v['help']}" for v in violations)
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def _login(page, live_server, username):
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(f"{live_server.url}/portaal/inloggen/")
    assert "Log in to the portal" in page.inner_text("main")
    _check(page, "login")
    page.get_by_text("Log in with a user name and password").click()
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form:has(#id_username) button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/portaal/")


@pytest.fixture
def family(world):
    """Noor is 18 and lets Els see her data, not Mark; Els also has Bram (9)."""
    school = world.groepen["k5"].school
    ensure_default_doelen(school=school)
    publish_form(school=school)
    today = date.today()
    noor = LeerlingFactory(
        groep=world.groepen["k5"],
        roepnaam="Noor",
        achternaam="Hendriks",
        geboortedatum=today.replace(year=today.year - 18) - timedelta(days=3),
        account=UserFactory(username="noor"),
    )
    bram = LeerlingFactory(
        groep=world.groepen["k5"],
        roepnaam="Bram",
        achternaam="Hendriks",
        geboortedatum=today.replace(year=today.year - 9),
    )
    els, mark = (
        OuderFactory(
            bestuur=world.besturen["a"],
            voornaam=name,
            achternaam="Hendriks",
            account=UserFactory(username=name.lower()),
        )
        for name in ("Els", "Mark")
    )
    for ouder in (els, mark):
        GezagsrelatieFactory(ouder=ouder, leerling=noor)
    GezagsrelatieFactory(ouder=els, leerling=bram)
    adult.decide(leerling=noor, ouder=els, toegestaan=True, machtiging=False, by=noor.account)
    return noor, bram


def test_parents_and_the_adult_pupil_read_what_applies_to_them(page, live_server, family):
    noor, bram = family

    _login(page, live_server, "mark")  # Noor closed Mark's view
    main = page.inner_text("main")
    assert "Noor is 18 and has chosen what their parents see in the portal" in main
    assert "no children linked" not in main
    assert page.locator(f"a[href='/portaal/kind/{noor.pk}/']").count() == 0
    _check(page, "mark_overview_closed")

    _login(page, live_server, "els")  # Noor lets Els see; Els decides for Bram
    assert "Noor is 18 and decides on consent" in page.inner_text("main")
    _check(page, "els_overview")
    page.goto(f"{live_server.url}/portaal/kind/{noor.pk}/")
    assert "Noor is 18 and decides on consent" in page.inner_text("main")
    assert page.locator("button[name=alles], input[type=radio]").count() == 0
    _check(page, "els_noor_read_only")
    page.goto(f"{live_server.url}/portaal/geschiedenis/")  # two children: the chooser
    assert page.get_by_role("link", name="Bram Hendriks").count() == 1
    _check(page, "els_history_chooser")

    _login(page, live_server, "noor")
    _check(page, "noor_overview")
    page.goto(f"{live_server.url}/portaal/kind/{noor.pk}/")
    page.locator("button[name=alles][value=ja]").click()
    page.wait_for_url(f"{live_server.url}/portaal/")
    page.goto(f"{live_server.url}/portaal/geschiedenis/")  # one record: straight to it
    page.wait_for_url(f"{live_server.url}/portaal/kind/{noor.pk}/geschiedenis/")
    _check(page, "noor_history")
    page.goto(f"{live_server.url}/portaal/18-plus/")
    _check(page, "noor_18_plus")
