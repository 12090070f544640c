"""The staff pages at 1280 px and on a tablet (1024 px), in a real browser (issue 18): wide tables
scroll inside a container the keyboard can reach, their first column stays in view, the page
itself never scrolls sideways, the admin header fits, and axe finds 0 WCAG 2.1 AA violations."""

import os

from django.utils import timezone

import pytest

from toestemming.services import ensure_default_doelen, publish_form

from ..test_mijn_taken import _work
from .conftest import axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("E2E_SCREENSHOTS")  # a folder: save a screenshot of each page there
WIDTHS = (1280, 1024)


@pytest.fixture
def work(world):
    for school in world.schools.values():
        ensure_default_doelen(school=school)
        publish_form(school=school)
    _work(world, timezone.localdate())
    return world


def _pages(world):
    g5 = world.groepen["g5"].pk
    pupil = world.pupils["g5"].pk
    return {
        "directeur": [
            ("admin-index", "/admin/"),
            ("admin-pupil", f"/admin/leerlingen/leerling/{pupil}/change/"),
            ("admin-pupils", "/admin/leerlingen/leerling/"),
            ("photo-list", f"/staf/toestemming/groep/{g5}/"),
            ("request-register", "/staf/verzoeken/register/"),
            ("requests", "/staf/verzoeken/"),
            ("disclosures", "/delen/"),
            ("mfa-colleagues", "/mfa/collega-s/"),
        ],
        "fg": [("access-review", "/staf/toegangscontrole/"), ("admin-index", "/admin/")],
    }


def _check(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"staff-{name}.png"), full_page=True)
    violations = axe_violations(page)
    assert violations == [], f"{name}: " + "; ".join(
        f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']][:3]}" for v in violations
    )
    # The page never scrolls sideways: what is wide scrolls in its own container.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .filter(e => !e.closest('.table-scroll') || e.matches('.table-scroll'))
            .slice(0, 3).map(e => e.tagName + '.' + e.className)"""
    )
    assert overflow <= 0, f"{name}: the page is {overflow}px wider than the window: {wide}"


def _wide_tables_reachable(page, name):
    for region in page.locator(".table-scroll").all():
        assert region.get_attribute("tabindex") == "0", name
        assert region.get_attribute("role") == "region" and region.get_attribute("aria-label")
        first = region.locator("tr > :first-child").first
        if first.count():
            assert first.evaluate("e => getComputedStyle(e).position") == "sticky", name


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["directeur", "fg"])
def test_staff_pages_fit(browser, live_server, admin_login, work, name, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    context.add_cookies([{"name": "django_language", "value": "nl", "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    admin_login(page, name)
    for shot, path in _pages(work)[name]:
        page.goto(f"{live_server.url}{path}")
        _check(page, f"{name}-{shot}-{width}")
        _wide_tables_reachable(page, shot)
    context.close()


def test_a_wide_table_scrolls_by_keyboard_with_its_first_column_in_view(
    browser, live_server, admin_login, work
):
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    admin_login(page, "directeur")
    page.goto(f"{live_server.url}/staf/verzoeken/register/")
    region = page.get_by_role("region", name="Request register")
    assert region.evaluate("e => e.scrollWidth > e.clientWidth")  # wider than a tablet
    region.focus()  # reachable: Tab stops on it (tabindex="0")
    for _ in range(15):
        page.keyboard.press("ArrowRight")
    assert region.evaluate("e => e.scrollLeft") > 0
    first = region.locator("tbody tr > :first-child").first
    assert first.bounding_box()["x"] >= region.bounding_box()["x"] - 1  # the first column stays
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "staff-register-scrolled-1024.png"))
    context.close()


def _shoot_both_widths(page, name):
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        _check(page, f"{name}-{width}")


def test_the_questions_before_acting_pass_axe(browser, live_server, admin_login, work):
    """The pages that ask first (issue 18): reminders with their number, the answer's box, the
    second identical request, the disclosure confirmed twice."""
    from delen.services import ensure_default_register

    world = work
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    admin_login(page, "directeur")
    g5 = world.groepen["g5"]
    # Reminders: the group page's button leads to the question with the number.
    page.goto(f"{live_server.url}/staf/toestemming/groep/{g5.pk}/")
    page.locator(f"form[action$='/groep/{g5.pk}/herinnering/'] button").click()
    page.wait_for_selector("#confirm-form")
    _shoot_both_widths(page, "ask-reminders")
    # A second identical request: the warning with the box to go on.
    pupil, ouder = world.pupils["g5"], world.ouders["gezag"]
    page.goto(f"{live_server.url}/staf/verzoeken/nieuw/{pupil.pk}/")
    page.locator(f"input[name=indiener][value='{ouder.pk}']").check()
    page.select_option("select[name=soort]", "inzage")
    page.locator("form.card button[type=submit]").click()
    page.wait_for_selector("#id_toch")
    _shoot_both_widths(page, "ask-same-request")
    # The disclosure confirmed twice: the second says it was done already.
    ensure_default_register(world.schools["a1"])
    jgz = world.schools["a1"].ontvangers.get(soort="jgz")
    page.goto(f"{live_server.url}/delen/verstrekken/{jgz.pk}/?groep={g5.pk}")
    page.check("#disclosure-form input[name=velden][value=achternaam]")
    page.fill("#disclosure-form [name=doel]", "Oproep")
    page.locator("#disclosure-form button[type=submit]").click()
    page.wait_for_selector("#confirm-form")
    _shoot_both_widths(page, "ask-disclosure-preview")
    with page.expect_download():
        page.locator("#confirm-form button").click()
    page.evaluate("document.getElementById('confirm-form').submit()")  # the re-POST
    page.wait_for_selector("text=Nothing was disclosed again")
    _shoot_both_widths(page, "ask-disclosure-again")
    # Releasing an answer: the box that says what goes out, on the request's page.
    from verzoeken.models import Verzoek

    decided = Verzoek.objects.filter(leerling=pupil).order_by("pk").first()
    Verzoek.objects.filter(pk=decided.pk).update(status="besloten", uitkomst="toegewezen")
    page.goto(f"{live_server.url}/staf/verzoeken/{decided.pk}/")
    if page.locator("#answer-confirm").count():
        page.locator("#answer-form").scroll_into_view_if_needed()
    _shoot_both_widths(page, "ask-answer")
    context.close()
