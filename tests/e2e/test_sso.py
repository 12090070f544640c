"""Single sign-on in Chromium against a real OpenID Connect provider on 127.0.0.1 (issue 20):
the log-in page's button, the provider's log-in, the callback, the role check, a refusal."""

import os

import pytest

from leerlingen.models import Rol
from leerlingen.roles import grant_role
from sso.models import Aanmelding, Identiteitsprovider

from ..leerlingen.factories import UserFactory
from ..sso.conftest import CLIENT_ID, CLIENT_SECRET, PROVIDER_PASSWORD, start_provider
from .conftest import axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("E2E_SCREENSHOTS")


@pytest.fixture
def provider(live_server, world):
    running = start_provider([f"{live_server.url}/sso/callback/"])
    yield Identiteitsprovider.objects.create(
        bestuur=world.besturen["a"],
        naam="Stichting Bestuur A",
        issuer=running.issuer,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        e_maildomeinen="bestuur-a.nl",
    )
    running.process.terminate()
    running.process.wait(timeout=10)


def _check(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"sso-{name}.png"), full_page=True)
    violations = axe_violations(page)
    assert violations == [], f"{name}: " + "; ".join(f"{v['id']}: {v['help']}" for v in violations)


def _through_provider(page, live_server, username):
    page.goto(f"{live_server.url}/admin/login/")
    _check(page, "login")
    page.get_by_role("link", name="Inloggen met Stichting Bestuur A").click()
    page.fill("#id_username", username)
    page.fill("#id_password", PROVIDER_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()


def test_a_teacher_signs_in_with_the_board_account(page, live_server, world, provider):
    teacher = world.users["leerkracht"]
    teacher.email = "leerkracht@bestuur-a.nl"
    teacher.save()
    _through_provider(page, live_server, "leerkracht")
    page.wait_for_url(f"{live_server.url}/staf/")  # staff land on "Mijn taken" (issue 18)
    assert page.locator(".staff-name").inner_text() == "leerkracht"  # signed in as the teacher
    assert Aanmelding.objects.get().gebruiker == teacher


def test_a_new_colleague_without_a_role_is_told_so(page, live_server, world, provider):
    _through_provider(page, live_server, "nieuw")
    page.wait_for_url(f"{live_server.url}/sso/welkom/")
    assert "nog geen rol" in page.content()
    _check(page, "no-role")
    director = world.users["directeur"]
    new = Aanmelding.objects.get().gebruiker
    grant_role(user=new, rol=Rol.LEERKRACHT, container=world.groepen["g5"])
    assert director  # the director grants the role as for any account; the next sign-in works
    page.goto(f"{live_server.url}/sso/welkom/")
    page.wait_for_url(f"{live_server.url}/staf/")


def test_an_address_of_another_domain_is_refused(page, live_server, world, provider):
    _through_provider(page, live_server, "vreemd")
    page.wait_for_url(f"{live_server.url}/sso/geweigerd/")
    assert page.locator("[role=alert]").count() == 1
    _check(page, "refused")
    assert Aanmelding.objects.get().reden == "domein"


def test_a_board_with_single_sign_on_only(page, live_server, world, provider, admin_login):
    provider.alleen_sso = True
    provider.save()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "leerkracht")
    page.fill("#id_password", "correct-horse-battery")
    page.click("input[type=submit]")
    assert "/admin/login/" in page.url
    other = UserFactory(username="elders")
    grant_role(user=other, rol=Rol.DIRECTEUR, container=world.schools["b1"])
    admin_login(page, "elders")


@pytest.mark.mfa
@pytest.mark.parametrize(
    "provider_account,second_step", [("directeur", False), ("directeur_zonder_mfa", True)]
)
def test_a_second_factor_at_the_provider_replaces_ours(
    page, live_server, world, provider, settings, provider_account, second_step
):
    settings.MFA_REQUIRED = True
    director = world.users["directeur"]
    director.email = "directeur@bestuur-a.nl"
    director.save()
    _through_provider(page, live_server, provider_account)
    page.wait_for_load_state()
    if second_step:  # amr: pwd only: our own second step is asked
        page.wait_for_url(f"{live_server.url}/mfa/**")
        _check(page, "second-step-asked")
    else:  # amr: pwd, mfa, otp: straight to work
        page.wait_for_url(f"{live_server.url}/staf/")
        assert Aanmelding.objects.get().tweede_factor is True
