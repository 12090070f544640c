"""Passwords, lock-out, headers and CSRF: what a school board's security reviewer checks."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

pytestmark = pytest.mark.django_db


def test_passwords_are_hashed_with_argon2(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = User.objects.create_user("someone", password="a-long-enough-password")
    assert user.password.startswith("argon2$argon2id$")


def login(client, username, password, ip="10.0.0.1"):
    return client.post("/admin/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_lockout_per_account_after_repeated_failures(client, world, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "leerkracht", "wrong", ip=f"10.0.0.{attempt + 1}").status_code == 200
    assert login(client, "leerkracht", "wrong", ip="10.0.0.99").status_code == 429  # the limit is reached
    locked = login(client, "leerkracht", "correct-horse-battery", ip="10.0.1.1")
    assert locked.status_code == 429
    assert "geblokkeerd" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_per_address_across_accounts(client, world, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        login(client, f"guess{attempt}", "wrong", ip="10.9.9.9")
    assert login(client, "leerkracht", "correct-horse-battery", ip="10.9.9.9").status_code == 429
    assert login(client, "leerkracht", "correct-horse-battery", ip="10.9.9.10").status_code == 302


def test_unlock_by_the_administrator(client, world, settings):
    from axes.models import AccessAttempt

    for attempt in range(settings.AXES_FAILURE_LIMIT):
        login(client, "leerkracht", "wrong", ip=f"10.0.0.{attempt + 1}")
    admin = Client()
    admin.force_login(world.users["beheerder"])
    attempts = admin.get("/admin/axes/accessattempt/")
    assert attempts.status_code == 200 and "leerkracht" in attempts.content.decode()
    AccessAttempt.objects.filter(username="leerkracht").delete()  # what the admin's delete action does
    assert login(client, "leerkracht", "correct-horse-battery", ip="10.0.3.1").status_code == 302


SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@pytest.mark.parametrize("path,status", [
    ("/admin/login/", 200),  # page
    ("/health/", 200),  # JSON
    ("/admin/", 302),  # redirect
    ("/does-not-exist/", 404),  # error
])
def test_security_headers_on_every_kind_of_response(client, settings, path, status):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get(path, secure=True)
    assert response.status_code == status
    for header, value in SECURITY_HEADERS.items():
        assert response[header] == value, header
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_session_and_csrf_cookies_in_production_settings(settings, client, world):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    response = client.post("/admin/login/", {"username": "leerkracht", "password": "correct-horse-battery"})
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert cookie["max-age"] == ""  # ends with the browser
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST


def test_idle_session_expires(client, world, settings):
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client.force_login(world.users["leerkracht"])
    assert client.get("/admin/").status_code == 200
    Session.objects.all().update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get("/admin/").status_code == 302


# --- behind the TLS proxy: limits per client, not per proxy (issue 15, hole 5) ---------------

PROXY = "10.0.0.1"
PASSWORD = "correct-horse-battery"


def login_via_proxy(client, username, password, client_ip):
    return client.post("/admin/login/", {"username": username, "password": password},
                       REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_ip)


def test_lockout_behind_the_proxy_is_per_client(client, world, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        login_via_proxy(client, f"guess{attempt}", "wrong", "203.0.113.5")
    assert login_via_proxy(client, "leerkracht", PASSWORD, "203.0.113.5").status_code == 429
    assert login_via_proxy(client, "leerkracht", PASSWORD, "198.51.100.7").status_code == 302


def test_forwarded_for_is_ignored_without_a_trusted_proxy(client, world, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for attempt in range(settings.AXES_FAILURE_LIMIT):  # a spoofed, different address every time
        login_via_proxy(client, f"guess{attempt}", "wrong", f"203.0.113.{attempt + 1}")
    assert login_via_proxy(client, "leerkracht", PASSWORD, "198.51.100.7").status_code == 429


@pytest.mark.parametrize("count,forwarded,expected", [
    (0, "203.0.113.5", PROXY),  # no trusted proxy: the header is anyone's to write
    (1, "203.0.113.5", "203.0.113.5"),
    (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # the client's own (spoofed) entries come first
    (2, "6.6.6.6, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
    (1, "", PROXY),  # not through the proxy
    (1, "not-an-address", PROXY),
    (2, "203.0.113.5", PROXY),  # fewer hops than trusted proxies
])
def test_client_ip(rf, settings, count, forwarded, expected):
    from privacyschool.client import client_ip

    settings.TRUSTED_PROXY_COUNT = count
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
