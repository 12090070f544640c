"""Issue 18: a parent answers this year's form for two children in a few clicks, without
JavaScript tricks: one submit per child ("yes to all", or per question), then straight to the next
child with the confirmation in view. Clicks and page loads are counted; axe on every page."""

import pytest

from leerlingen.schooljaar import current_schooljaar
from toestemming.models import Doel, Toestemming
from toestemming.portal_auth import issue_code
from toestemming.services import ensure_default_doelen, publish_form

from ..leerlingen.factories import GezagsrelatieFactory
from .conftest import axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _assert_accessible(page, name):
    violations = axe_violations(page)
    assert violations == [], f"{name}: " + "; ".join(f"{v['id']}: {v['help']}" for v in violations)


def test_a_parent_answers_for_two_children_in_at_most_6_clicks_and_4_page_loads(
    page, live_server, world
):
    for school in world.schools.values():
        ensure_default_doelen(school=school)
        publish_form(school=school)
    ouder, first, second = world.ouders["gezag"], world.pupils["g5"], world.pupils["g6"]
    GezagsrelatieFactory(ouder=ouder, leerling=second)
    ouder.account = None
    ouder.save()
    code = issue_code(schooljaar=current_schooljaar(), door=None, ouder=ouder)
    page.goto(f"{live_server.url}/portaal/inloggen/")
    page.fill("#id_code", code)
    page.locator("form:has(#id_code) button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/portaal/")
    _assert_accessible(page, "overview")

    loads, clicks = [], []
    page.on("load", lambda p: loads.append(p.url))

    def click(selector):
        clicks.append(selector)
        page.locator(selector).click()

    def wait_for(path):
        page.wait_for_url(f"{live_server.url}{path}")
        page.wait_for_load_state()

    click("nav.portal-nav a[href='/portaal/toestemming/']")
    wait_for(f"/portaal/kind/{first.pk}/")
    _assert_accessible(page, "first child's form")
    click("button[name=alles][value=ja]")
    wait_for(f"/portaal/kind/{second.pk}/")
    assert f"{first.roepnaam}" in page.inner_text(".messages")  # the confirmation stays in view
    _assert_accessible(page, "second child's form, with the first child's confirmation")
    doelen = list(Doel.objects.filter(school=second.school).order_by("volgorde", "id"))
    click(f"input[name=doel_{doelen[0].pk}][value=ja]")
    click(f"input[name=doel_{doelen[-1].pk}][value=nee]")
    click("form.per-question button[type=submit]")
    wait_for("/portaal/")
    assert second.roepnaam in page.inner_text(".messages")
    _assert_accessible(page, "overview after both children")

    print(f"\nclicks: {len(clicks)}, page loads: {len(loads)} {loads}")
    assert len(clicks) <= 6 and len(loads) <= 4
    assert Toestemming.objects.filter(leerling=first, gegeven=True).count() == len(doelen)
    assert set(Toestemming.objects.filter(leerling=second).values_list("doel_id", "gegeven")) == {
        (doelen[0].pk, True),
        (doelen[-1].pk, False),
    }
