"""Issue 19 in a real browser, through the pages only: a pupil of 18 logs in to the portal with
their password, lets one parent keep access and not the other, and each parent then logs in and
sees (or no longer sees) the pupil. axe (WCAG 2.1 AA) finds nothing on any page of the walk."""

from datetime import date, timedelta

import pytest

from leerlingen.meerderjarig import services as adult

from ..leerlingen.factories import GezagsrelatieFactory, LeerlingFactory, OuderFactory, UserFactory
from .conftest import axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"
SHOTS = "/tmp/f_shots"


@pytest.fixture(autouse=True)
def _english_interface(page, live_server):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])


def _accessible(page, name):
    violations = axe_violations(page)
    assert violations == [], f"{name}: " + "; ".join(f"{v['id']}: {v['help']}" for v in violations)


def _shot(page, name):
    import os

    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def _portal_login(page, live_server, username):
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(f"{live_server.url}/portaal/inloggen/")
    _accessible(page, "log-in page")
    page.get_by_text("Log in with a user name and password").click()
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form:has(#id_username) button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/portaal/")


@pytest.fixture
def family(world):
    """Noor turned 18 three days ago (the beat task closed the view); Els and Mark have custody."""
    born = date.today().replace(year=date.today().year - 18) - timedelta(days=3)
    noor = LeerlingFactory(
        groep=world.groepen["k5"],
        roepnaam="Noor",
        achternaam="Hendriks",
        geboortedatum=born,
        account=UserFactory(username="noor"),
    )
    els = OuderFactory(
        bestuur=world.besturen["a"],
        voornaam="Els",
        achternaam="Hendriks",
        account=UserFactory(username="els"),
    )
    mark = OuderFactory(
        bestuur=world.besturen["a"],
        voornaam="Mark",
        achternaam="Hendriks",
        account=UserFactory(username="mark"),
    )
    GezagsrelatieFactory(ouder=els, leerling=noor)
    GezagsrelatieFactory(ouder=mark, leerling=noor)
    adult.close_parents_view(leerling=noor, on=born.replace(year=born.year + 18))
    return noor, els, mark


def test_adult_pupil_lets_one_parent_keep_access_seen_through_the_pages(page, live_server, family):
    noor, els, mark = family
    pupil_link = f"a[href='/portaal/kind/{noor.pk}/']"

    # before the choice: neither parent sees Noor in the portal
    _portal_login(page, live_server, "els")
    assert page.locator(pupil_link).count() == 0
    assert page.goto(f"{live_server.url}/portaal/kind/{noor.pk}/").status == 404

    # Noor decides
    _portal_login(page, live_server, "noor")
    _accessible(page, "pupil's overview")
    _shot(page, "adult_overview")
    page.goto(f"{live_server.url}/portaal/18-plus/")
    _accessible(page, "18+ page")
    els_group = page.get_by_role("group", name=str(els))
    mark_group = page.get_by_role("group", name=str(mark))
    els_group.get_by_label("may see my data in the portal").check()
    assert not mark_group.get_by_label("may see my data in the portal").is_checked()
    _shot(page, "adult_choice_before_saving")
    page.get_by_role("button", name="Save my choice").click()
    page.wait_for_url(f"{live_server.url}/portaal/18-plus/")
    assert "Your choice is saved" in page.inner_text("main")
    assert els_group.get_by_label("may see my data in the portal").is_checked()
    assert not mark_group.get_by_label("may see my data in the portal").is_checked()
    _accessible(page, "18+ page after saving")
    _shot(page, "adult_choice_saved")

    # Els may see: Noor is on her overview and her page opens
    _portal_login(page, live_server, "els")
    _accessible(page, "Els's overview")
    assert page.locator(pupil_link).count() >= 1
    assert "Noor" in page.inner_text("main")
    _shot(page, "adult_parent_allowed")
    page.locator(pupil_link).first.click()
    page.wait_for_url(f"{live_server.url}/portaal/kind/{noor.pk}/")
    _accessible(page, "Noor's page for Els")
    assert "Noor" in page.inner_text("main")

    # Mark may not: not on his overview, and the page answers 404
    _portal_login(page, live_server, "mark")
    _accessible(page, "Mark's overview")
    assert page.locator(pupil_link).count() == 0
    # told that Noor chose, without her data: no school, no group, no answers
    main = page.inner_text("main")
    assert "Noor is 18 and has chosen what their parents see in the portal" in main
    assert noor.school.naam not in main and "Hendriks" not in main
    _shot(page, "adult_parent_refused")
    assert page.goto(f"{live_server.url}/portaal/kind/{noor.pk}/").status == 404
