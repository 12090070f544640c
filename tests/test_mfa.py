"""Two-step log-in for the roles that reach special categories or the whole board."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = [pytest.mark.django_db, pytest.mark.mfa]


def current_code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.mark.parametrize("role", ["directeur", "ib", "fg", "bestuur", "beheerder"])
def test_roles_with_sensitive_reach_must_use_a_second_factor(client, world, role):
    client.force_login(world.users[role])
    response = client.get("/admin/leerlingen/leerling/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa:start"))


@pytest.mark.parametrize("role", ["leerkracht", "administratie"])
def test_other_staff_log_in_with_password(client, world, role):
    client.force_login(world.users[role])
    assert client.get("/admin/leerlingen/leerling/").status_code == 200


def test_setup_with_authenticator_then_recovery_code(client, world):
    director = world.users["directeur"]
    client.force_login(director)
    page = client.get(reverse("mfa:start"), {"next": "/admin/leerlingen/leerling/"})
    assert page.status_code == 200 and b"data:image/svg+xml" in page.content
    device = TOTPDevice.objects.get(user=director, confirmed=False)

    wrong = client.post(reverse("mfa:start"), {"token": "000000", "next": "/admin/"})
    assert "niet geldig" in wrong.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # guessing is slowed down: each failure doubles the wait
    device.throttle_reset()
    done = client.post(reverse("mfa:start"), {"token": current_code(device), "next": "/admin/leerlingen/leerling/"})
    codes = done.context["codes"]
    assert len(codes) == 10
    assert client.get("/admin/leerlingen/leerling/").status_code == 200

    # A new session: the recovery code works once.
    client.logout()
    client.force_login(director)
    assert client.get("/admin/").status_code == 302
    ok = client.post(reverse("mfa:start"), {"token": codes[0], "next": "/admin/"})
    assert ok.status_code == 302 and ok["Location"] == "/admin/"
    client.logout()
    client.force_login(director)
    again = client.post(reverse("mfa:start"), {"token": codes[0], "next": "/admin/"})
    assert again.status_code == 200  # used up


def test_open_redirect_is_refused(client, world):
    director = world.users["directeur"]
    device = TOTPDevice.objects.create(user=director, name="a", confirmed=True)
    client.force_login(director)
    response = client.post(reverse("mfa:start"), {"token": current_code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/admin/"


def test_director_resets_a_colleagues_second_factor(client, world):
    ib = world.users["ib"]
    TOTPDevice.objects.create(user=ib, name="a", confirmed=True)
    StaticDevice.objects.create(user=ib, name="recovery")
    director = world.users["directeur"]
    device = TOTPDevice.objects.create(user=director, name="a", confirmed=True)
    client.force_login(director)
    client.post(reverse("mfa:start"), {"token": current_code(device), "next": "/admin/"})
    page = client.get(reverse("mfa:colleagues"))
    assert ib.username in page.content.decode() or ib.get_full_name() in page.content.decode()
    assert world.users["fg"] not in [u for u, _ in page.context["rows"]]
    response = client.post(reverse("mfa:reset", args=[ib.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=ib).exists() and not StaticDevice.objects.filter(user=ib).exists()
    # someone outside the director's school: 404
    assert client.post(reverse("mfa:reset", args=[world.users["fg"].pk])).status_code == 404


def test_teacher_cannot_reset_anyone(client, world):
    client.force_login(world.users["leerkracht"])
    assert client.get(reverse("mfa:colleagues")).status_code == 404
    assert client.post(reverse("mfa:reset", args=[world.users["ib"].pk])).status_code == 404


def test_demo_switch_shows_on_login_page(client, settings):
    assert "MFA_REQUIRED=false" not in client.get("/admin/login/").content.decode()
    settings.MFA_REQUIRED = False
    assert "MFA_REQUIRED=false" in client.get("/admin/login/").content.decode()
