""" "Mijn taken" in a real browser (issue 18): a staff log-in lands there, the page and the staff
navigation pass axe (WCAG 2.1 AA), and a task's link leads to where it is done."""

import os

from django.utils import timezone

import pytest

from toestemming.services import ensure_default_doelen, publish_form

from ..test_mijn_taken import _work
from .conftest import axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("E2E_SCREENSHOTS")  # a folder: save a screenshot of each page there


def _check(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"taken-{name}.png"), full_page=True)
    violations = axe_violations(page)
    assert violations == [], f"{name}: " + "; ".join(
        f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']][:3]}" for v in violations
    )


@pytest.fixture
def work(world):
    for school in world.schools.values():
        ensure_default_doelen(school=school)
        publish_form(school=school)
    _work(world, timezone.localdate())
    return world


@pytest.mark.parametrize("name", ["directeur", "leerkracht", "fg"])
def test_staff_land_on_their_tasks_and_follow_one(page, live_server, admin_login, work, name):
    # The English interface; the Dutch one is walked by test_every_page_of_the_demo_is_dutch.
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    admin_login(page, name)  # waits for /staf/
    assert page.locator("h1").inner_text() == "My tasks"
    nav = page.get_by_role("navigation", name="Staff")
    assert nav.get_by_role("link", name="My tasks").get_attribute("aria-current") == "page"
    _check(page, name)
    if name == "leerkracht":
        page.get_by_role("link", name="Consent forms open in Groep 5").click()
        page.wait_for_url(f"{live_server.url}/staf/toestemming/groep/{work.groepen['g5'].pk}/")
    else:
        page.get_by_role("link", name="Requests past their deadline").click()
        page.wait_for_url(f"{live_server.url}/staf/verzoeken/?toon=te_laat")
    _check(page, f"{name}-next")
    page.get_by_role("navigation", name="Staff").get_by_role("link", name="My tasks").click()
    page.wait_for_url(f"{live_server.url}/staf/")
    page.get_by_role("link", name="Administration").first.click()  # the admin has the same links
    page.wait_for_url(f"{live_server.url}/admin/")
    _check(page, f"{name}-admin")
    page.get_by_role("navigation", name="Staff").get_by_role("link", name="My tasks").click()
    page.wait_for_url(f"{live_server.url}/staf/")


@pytest.mark.parametrize("width", [1280, 390])
def test_a_lines_detail_and_deadline_stay_beside_the_count(
    page, live_server, admin_login, work, width
):
    """The breach line wraps its "hours left" and "deadline" under its own text, never under the
    count column (a browser walk found "termijn …" under the count)."""
    from tests.datalekken.test_register import incident

    incident(work, titel="E-mail met toetsresultaten aan de verkeerde ouders gestuurd")
    page.set_viewport_size({"width": width, "height": 900})
    admin_login(page, "directeur")
    line = page.locator(".tasks li", has_text="E-mail met toetsresultaten")
    count = line.locator(".count").bounding_box()
    link = line.get_by_role("link").bounding_box()
    assert count and link
    for part in (".detail", ".deadline"):
        box = line.locator(part).bounding_box()
        assert box and box["x"] >= link["x"] - 1, f"{part} at {box} wraps under the count {count}"
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"taken-breach-{width}.png"), full_page=True)
