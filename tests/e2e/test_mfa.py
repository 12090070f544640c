"""Two-step log-in in a real browser: the enrolment page (with its link), the page that asks for
a link, the recovery codes and the colleague page pass axe (WCAG 2.1 AA)."""

import os

from django.conf import settings
from django.test import Client

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from leerlingen.mfa.enrolment import issue_token_for_operator

from .conftest import axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.mfa, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("E2E_SCREENSHOTS")  # a folder: save a screenshot of each page there


@pytest.fixture(autouse=True)
def _mfa_on(settings):
    settings.MFA_REQUIRED = True


def _code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _password_only(page, live_server, user):
    """A session after the password, before the second step."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def _check(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"mfa-{name}.png"), full_page=True)
    violations = axe_violations(page)
    assert violations == [], f"{name}: " + "; ".join(
        f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']][:3]}" for v in violations
    )


def test_without_a_link_the_page_asks_for_one(page, live_server, world):
    _password_only(page, live_server, world.users["ib"])
    page.goto(f"{live_server.url}/admin/")
    assert "/mfa/inschrijven/" in page.url
    assert page.locator("img[src^='data:image/svg+xml']").count() == 0
    _check(page, "ask-for-link")
    page.goto(f"{live_server.url}/mfa/inschrijven/not-a-valid-token/")
    assert page.locator("[role=alert]").count() == 1
    _check(page, "ask-for-link-invalid")
    assert not TOTPDevice.objects.filter(user=world.users["ib"]).exists()


def test_enrolment_with_a_link(page, phone_page, live_server, world):
    ib = world.users["ib"]
    token = issue_token_for_operator(user=ib)
    for p in (phone_page, page):
        _password_only(p, live_server, ib)
        p.goto(f"{live_server.url}/mfa/inschrijven/{token}/")
        assert p.url.endswith("/mfa/inschrijven/")
        assert p.locator("img[src^='data:image/svg+xml']").count() == 1
        _check(p, "enrol-phone" if p is phone_page else "enrol")
    device = TOTPDevice.objects.get(user=ib, confirmed=False)
    page.fill("input[name=token]", "000000")
    page.click("main form button[type=submit] >> nth=0")
    assert page.locator("[aria-invalid=true]").count() == 1
    _check(page, "enrol-wrong-code")
    device.refresh_from_db()
    device.throttle_reset()
    page.fill("input[name=token]", _code(device))
    page.click("main form button[type=submit] >> nth=0")
    assert page.locator("ul.recovery-codes li").count() == 10
    _check(page, "recovery-codes")


def test_colleague_page_with_link_and_reset_buttons(page, live_server, world):
    director = world.users["directeur"]
    device = TOTPDevice.objects.create(user=director, name="a", confirmed=True)
    TOTPDevice.objects.create(user=world.users["ib"], name="a", confirmed=True)
    _password_only(page, live_server, director)
    page.goto(f"{live_server.url}/mfa/collega-s/")
    assert "/mfa/?next=" in page.url  # the second step first
    page.fill("input[name=token]", _code(device))
    page.click("main form button[type=submit] >> nth=0")
    page.wait_for_url(f"{live_server.url}/mfa/collega-s/")
    assert (
        page.locator(
            f"form[action='/mfa/collega-s/{world.users['administratie'].pk}/inschrijflink/']"
        ).count()
        == 1
    )
    assert (
        page.locator(f"form[action='/mfa/collega-s/{world.users['ib'].pk}/herstel/']").count() == 1
    )
    _check(page, "colleagues")
    page.click(
        f"form[action='/mfa/collega-s/{world.users['administratie'].pk}/inschrijflink/'] button"
    )
    assert page.locator(".message-success").count() == 1
    _check(page, "colleagues-link-sent")
