"""Single sign-on per board against a real OpenID Connect provider (issue 20).

The provider runs as a subprocess on 127.0.0.1 (django-oauth-toolkit); nothing is mocked: the
test client follows our redirect to it, logs in there over HTTP, and brings the code back.
"""

from urllib.parse import urlparse

from django.contrib.auth import SESSION_KEY
from django.urls import reverse

import pytest

from leerlingen.models import Rol
from leerlingen.roles import grant_role
from sso.models import Aanmelding, Identiteitsprovider, Koppeling

from ..conftest import PASSWORD
from ..leerlingen.factories import UserFactory
from .conftest import CLIENT_ID, CLIENT_SECRET

CALLBACK = "http://testserver/sso/callback/"


@pytest.fixture
def provider(world, oidc_provider):
    return Identiteitsprovider.objects.create(
        bestuur=world.besturen["a"],
        naam="Bestuur A",
        issuer=oidc_provider.issuer,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        e_maildomeinen="bestuur-a.nl",
    )


def sign_in(client, oidc_provider, provider, username):
    """The whole flow: our start page, the provider's log-in, our callback. Returns the last response."""
    start = client.get(reverse("sso:start", args=[provider.pk]))
    assert start.status_code == 302
    assert start["Location"].startswith(oidc_provider.issuer)
    callback = oidc_provider.log_in(start["Location"], username, CALLBACK)
    if callback is None:
        return None
    parsed = urlparse(callback)
    return client.get(parsed.path + "?" + parsed.query)


def test_the_log_in_page_offers_the_boards_provider(client, provider):
    page = client.get(reverse("admin:login"))
    assert "Inloggen met Bestuur A" in page.content.decode()
    assert reverse("sso:start", args=[provider.pk]) in page.content.decode()


def test_first_sign_in_links_the_existing_account_of_the_board_and_keeps_its_roles(
    client, world, oidc_provider, provider
):
    director = world.users["directeur"]
    director.email = "directeur@bestuur-a.nl"
    director.save()
    answer = sign_in(client, oidc_provider, provider, "directeur")
    assert answer.status_code == 302 and answer["Location"] == reverse("sso:welcome")
    assert int(client.session[SESSION_KEY]) == director.pk
    link = Koppeling.objects.get(provider=provider)
    assert link.gebruiker == director and link.subject
    logged = Aanmelding.objects.get()
    assert (logged.uitkomst, logged.reden, logged.gebruiker) == ("gelukt", "ok_nieuw", director)
    assert client.get(reverse("sso:welcome"))["Location"] == reverse("home")


def test_the_account_is_found_by_subject_not_by_e_mail_address(
    client, world, oidc_provider, provider
):
    director = world.users["directeur"]
    director.email = "directeur@bestuur-a.nl"
    director.save()
    sign_in(client, oidc_provider, provider, "directeur")
    client.logout()
    # The provider's other account with the same address is a different subject: refused.
    answer = sign_in(client, oidc_provider, provider, "directeur_zonder_mfa")
    assert answer["Location"] == reverse("sso:refused")
    assert SESSION_KEY not in client.session
    assert Aanmelding.objects.filter(reden="ander_account", uitkomst="geweigerd").count() == 1
    # Our address changes; the subject still finds the account.
    director.email = "d.nieuw@bestuur-a.nl"
    director.save()
    client.get(reverse("sso:refused"))
    sign_in(client, oidc_provider, provider, "directeur")
    assert int(client.session[SESSION_KEY]) == director.pk


def test_signing_in_never_grants_a_role(client, world, oidc_provider, provider):
    answer = sign_in(client, oidc_provider, provider, "nieuw")
    assert answer["Location"] == reverse("sso:welcome")
    page = client.get(reverse("sso:welcome"))
    assert page.status_code == 200
    assert "nog geen rol" in page.content.decode()
    user = Koppeling.objects.get().gebruiker
    assert not user.is_staff and not user.has_usable_password()
    assert (
        client.get(reverse("admin:index")).status_code == 302
    )  # the admin asks for a staff log-in


def test_an_address_outside_the_boards_domains_is_refused(client, world, oidc_provider, provider):
    answer = sign_in(client, oidc_provider, provider, "vreemd")
    assert answer["Location"] == reverse("sso:refused")
    refused = client.get(reverse("sso:refused"))
    assert refused.status_code == 200 and "niet gelukt" in refused.content.decode()
    assert SESSION_KEY not in client.session
    assert Aanmelding.objects.get().reden == "domein"
    assert not Koppeling.objects.exists()


def test_the_provider_refuses_a_leaver(client, world, oidc_provider, provider):
    assert sign_in(client, oidc_provider, provider, "vertrokken") is None
    assert SESSION_KEY not in client.session


def test_a_forged_callback_is_refused(client, world, oidc_provider, provider):
    client.get(reverse("sso:start", args=[provider.pk]))
    answer = client.get(reverse("sso:callback") + "?code=made-up&state=made-up")
    assert answer.status_code in (302, 400)
    assert SESSION_KEY not in client.session


@pytest.mark.mfa
def test_a_second_factor_at_the_provider_counts_as_ours(
    client, world, oidc_provider, provider, settings
):
    settings.MFA_REQUIRED = True
    director = world.users["directeur"]
    director.email = "directeur@bestuur-a.nl"
    director.save()
    sign_in(client, oidc_provider, provider, "directeur")  # amr: pwd, mfa, otp
    assert client.get(reverse("admin:index")).status_code == 200
    assert Aanmelding.objects.get().tweede_factor is True


@pytest.mark.mfa
def test_without_a_second_factor_at_the_provider_ours_is_asked(
    client, world, oidc_provider, provider, settings
):
    settings.MFA_REQUIRED = True
    teacher_as_director = UserFactory(username="d2", email="directeur@bestuur-a.nl")
    grant_role(user=teacher_as_director, rol=Rol.DIRECTEUR, container=world.schools["a1"])
    sign_in(client, oidc_provider, provider, "directeur_zonder_mfa")  # amr: pwd
    answer = client.get(reverse("admin:index"))
    assert answer.status_code == 302 and answer["Location"].startswith(reverse("mfa:start"))


def test_a_board_with_single_sign_on_only_switches_local_passwords_off(client, world, provider):
    teacher, other_board = world.users["leerkracht"], UserFactory(username="b_staff")
    grant_role(user=other_board, rol=Rol.DIRECTEUR, container=world.schools["b1"])
    client.post(reverse("admin:login"), {"username": teacher.username, "password": PASSWORD})
    assert client.get(reverse("admin:index")).status_code == 200
    provider.alleen_sso = True
    provider.save()
    # The session made with the password ends at once; a new password log-in is refused.
    assert client.get(reverse("admin:index")).status_code == 302
    answer = client.post(
        reverse("admin:login"), {"username": teacher.username, "password": PASSWORD}
    )
    assert answer.status_code == 200  # the form again, with its error
    assert client.get(reverse("admin:index")).status_code == 302
    # Staff of another board keep their password.
    client.post(reverse("admin:login"), {"username": other_board.username, "password": PASSWORD})
    assert int(client.session[SESSION_KEY]) == other_board.pk


def test_every_change_to_a_provider_has_history_without_the_secret(world, provider):
    provider.alleen_sso = True
    provider.save()
    assert provider.history.count() == 2
    assert not hasattr(provider.history.first(), "client_secret")


@pytest.mark.parametrize(
    "role,status",
    [
        ("bestuur", 200),
        ("fg", 200),
        ("directeur", 404),
        ("leerkracht", 404),
        ("ouder_gezag", 302),
    ],
)
def test_the_providers_admin_is_for_the_boards_staff_and_fg(client, world, provider, role, status):
    client.force_login(world.users[role])
    for url in (
        reverse("admin:sso_identiteitsprovider_change", args=[provider.pk]),
        reverse("admin:sso_identiteitsprovider_history", args=[provider.pk]),
        reverse("admin:sso_aanmelding_changelist"),
    ):
        assert client.get(url).status_code == status, url


def test_the_other_boards_staff_do_not_see_the_provider(client, world, provider):
    other = UserFactory(username="fg_b")
    grant_role(user=other, rol=Rol.FG, container=world.besturen["b"])
    client.force_login(other)
    assert (
        client.get(reverse("admin:sso_identiteitsprovider_change", args=[provider.pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("admin:sso_identiteitsprovider_history", args=[provider.pk])).status_code
        == 404
    )


def test_a_sign_in_logs_no_claim_or_token_and_idles_out_like_any_session(
    client, world, oidc_provider, provider, caplog, settings
):
    import logging

    caplog.set_level(logging.DEBUG)
    sign_in(client, oidc_provider, provider, "nieuw")
    sign_in(client, oidc_provider, provider, "vreemd")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "nieuwe.collega@bestuur-a.nl" not in logged and "iemand@gmail.example" not in logged
    assert "access_token" not in logged and "id_token" not in logged
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


@pytest.mark.parametrize(
    "claims,expected",
    [
        ({"amr": ["pwd"]}, False),
        ({"amr": ["pwd", "mfa"]}, True),
        ({"amr": "otp"}, True),
        ({"acr": "http://schemas.openid.net/pape/policies/2007/06/multi-factor"}, True),
        ({"acr": "1"}, False),
        ({}, False),
    ],
)
def test_which_claims_prove_a_second_factor(claims, expected):
    from sso.rules import used_second_factor

    assert used_second_factor(claims) is expected
