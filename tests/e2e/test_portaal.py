"""The parent portal in a real browser: log in with a code, give and withdraw consent, the teacher's
list shows it at once; another family's child is 404; every portal page passes axe (WCAG 2.1 AA)."""

from django.conf import settings
from django.test import Client

import pytest

from leerlingen.schooljaar import current_schooljaar
from toestemming.models import Doel
from toestemming.portal_auth import issue_code
from toestemming.services import ensure_default_doelen, give_consent, publish_form

from .conftest import axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def portaal(world):
    for school in world.schools.values():
        ensure_default_doelen(school=school)
        publish_form(school=school)
    return world


def _code_login(page, live_server, code):
    page.goto(f"{live_server.url}/portaal/inloggen/")
    page.fill("#id_code", code)
    page.locator("form:has(#id_code) button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/portaal/")


def _invite(ouder) -> str:
    """A code is an invitation: it only makes the account of a parent who has none yet."""
    ouder.account = None
    ouder.save()
    return issue_code(schooljaar=current_schooljaar(), door=None, ouder=ouder)


def _staff_session(page, live_server, user):
    """Log a staff member in through a session cookie (the admin log-in page has its own tests)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def _assert_accessible(page, name):
    violations = axe_violations(page)
    assert violations == [], f"{name}: " + "; ".join(f"{v['id']}: {v['help']}" for v in violations)


def test_parent_gives_and_withdraws_and_the_teacher_sees_it(page, live_server, portaal):
    school, kind, ouder = portaal.schools["a1"], portaal.pupils["g5"], portaal.ouders["gezag"]
    website = Doel.objects.get(school=school, code="website")
    nieuwsbrief = Doel.objects.get(school=school, code="nieuwsbrief")
    give_consent(leerling=kind, doel=nieuwsbrief, gegeven=True, ouder=ouder)  # given earlier
    code = _invite(ouder)

    page.goto(f"{live_server.url}/portaal/inloggen/")
    _assert_accessible(page, "login")
    _code_login(page, live_server, code)
    _assert_accessible(page, "overview")
    assert kind.roepnaam in page.inner_text("main")

    page.click(f"a[href='/portaal/kind/{kind.pk}/']")
    _assert_accessible(page, "child page")
    # One submit for the whole form (issue 18): yes for the website, withdraw the newsletter.
    page.check(f"input[name=doel_{website.pk}][value=ja]")
    page.check(f"input[name=doel_{nieuwsbrief.pk}][value=nee]")
    page.locator("form.per-question button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/portaal/")  # the only child: back to the overview
    assert "1 × yes, 1 × no" in page.inner_text(".messages")
    assert "already published" in page.inner_text(".messages")
    _assert_accessible(page, "overview after a change")

    page.goto(f"{live_server.url}/portaal/kind/{kind.pk}/geschiedenis/")
    _assert_accessible(page, "history")
    assert page.locator("tbody tr").count() == 3  # yes (newsletter), yes (website), withdrawal
    page.goto(f"{live_server.url}/portaal/kind/{kind.pk}/privacyverklaring/")
    _assert_accessible(page, "privacy statement")

    page.context.clear_cookies()
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    _staff_session(page, live_server, portaal.users["leerkracht"])
    page.goto(f"{live_server.url}/staf/toestemming/groep/{portaal.groepen['g5'].pk}/")
    row = page.locator("tbody tr", has_text=kind.achternaam)
    cells = row.locator("td.cell")
    assert "yes" in cells.nth(0).inner_text()  # website: given just now
    assert "no" in cells.nth(2).inner_text()  # newsletter: withdrawn just now


def test_parent_cannot_reach_another_family(page, live_server, portaal):
    code = _invite(portaal.ouders["gezag"])
    _code_login(page, live_server, code)
    for other in ("g6", "b1"):
        response = page.goto(f"{live_server.url}/portaal/kind/{portaal.pupils[other].pk}/")
        assert response.status == 404
    assert portaal.pupils["g6"].achternaam not in page.content()


def test_login_pages_and_phone_width_are_accessible(page, phone_page, live_server, portaal):
    page.goto(f"{live_server.url}/portaal/inloggen/")
    page.fill("#id_email", "nobody@example.test")
    page.locator("form:has(#id_email) button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/portaal/inloggen/link-verstuurd/")
    _assert_accessible(page, "link sent")
    page.goto(f"{live_server.url}/portaal/inloggen/")
    page.fill("#id_code", "WRON-GCOD-E123")
    page.locator("form:has(#id_code) button[type=submit]").click()
    _assert_accessible(page, "login with an error")

    code = _invite(portaal.ouders["zonder_gezag"])
    _code_login(phone_page, live_server, code)
    phone_page.goto(f"{live_server.url}/portaal/kind/{portaal.pupils['g5'].pk}/")
    assert "ouderlijk gezag" in phone_page.inner_text(
        "main"
    )  # sees, may not decide (Dutch, the default)
    _assert_accessible(phone_page, "child page on a phone, without gezag")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, "the page scrolls sideways on a phone"


@pytest.fixture(autouse=True)
def _english_interface(page, live_server):
    """This walk-through reads the English texts (the language a user can choose)."""
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
