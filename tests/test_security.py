"""Passwords, lock-out, headers and CSRF: what a school board's security reviewer checks."""

import functools
import json
import os
import subprocess
import sys
from pathlib import Path

from django.contrib.auth.models import User
from django.test import Client

import pytest

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


@functools.cache
def production_settings() -> dict:
    """The values settings.py gives in production, read in a fresh interpreter: a database URL
    (not the embedded demo) and none of the variables that override the secure defaults."""
    overrides = (
        "SECURE_COOKIES",
        "SECURE_HSTS_SECONDS",
        "SECURE_SSL_REDIRECT",
        "SESSION_IDLE_SECONDS",
        "DEBUG",
    )
    env = {k: v for k, v in os.environ.items() if k not in overrides}
    env.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/privacyschool")
    names = [
        "PASSWORD_HASHERS",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_AGE",
        "SESSION_SAVE_EVERY_REQUEST",
        "SESSION_EXPIRE_AT_BROWSER_CLOSE",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
    ]
    code = "import json, sys; from privacyschool import settings as s; print(json.dumps({n: getattr(s, n) for n in sys.argv[1:]}))"
    result = subprocess.run(
        [sys.executable, "-c", code, *names],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.splitlines()[-1])


def use_production(settings, *names):
    """Put the production values of ``names`` back in place of the test run's."""
    for name in names:
        setattr(settings, name, production_settings()[name])


def test_passwords_are_hashed_with_argon2(settings):
    use_production(settings, "PASSWORD_HASHERS")  # the suite hashes fast (tests/conftest.py)
    user = User.objects.create_user("someone", password="a-long-enough-password")
    assert user.password.startswith("argon2$argon2id$")


def login(client, username, password, ip="10.0.0.1"):
    return client.post(
        "/admin/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_lockout_per_account_after_repeated_failures(client, world, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "leerkracht", "wrong", ip=f"10.0.0.{attempt + 1}").status_code == 200
    assert (
        login(client, "leerkracht", "wrong", ip="10.0.0.99").status_code == 429
    )  # the limit is reached
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
    AccessAttempt.objects.filter(
        username="leerkracht"
    ).delete()  # what the admin's delete action does
    assert login(client, "leerkracht", "correct-horse-battery", ip="10.0.3.1").status_code == 302


SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@pytest.mark.parametrize(
    "path,status",
    [
        ("/admin/login/", 200),  # page
        ("/health/", 200),  # JSON
        ("/admin/", 302),  # redirect
        ("/does-not-exist/", 404),  # error
    ],
)
def test_security_headers_on_every_kind_of_response(client, settings, path, status):
    use_production(
        settings, "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD"
    )
    response = client.get(path, secure=True)
    assert response.status_code == status
    for header, value in SECURITY_HEADERS.items():
        assert response[header] == value, header
    csp = response["Content-Security-Policy"]
    assert (
        "script-src 'self'" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in csp
    assert (
        response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    )  # a year


def test_session_and_csrf_cookies_in_production_settings(settings, client, world):
    use_production(
        settings, "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_EXPIRE_AT_BROWSER_CLOSE"
    )
    page = client.get("/admin/login/")
    assert page.cookies["csrftoken"]["secure"]
    response = client.post(
        "/admin/login/", {"username": "leerkracht", "password": "correct-horse-battery"}
    )
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert cookie["max-age"] == ""  # ends with the browser


def test_the_idle_timeout_is_thirty_minutes_from_the_last_request(settings, client, world):
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    use_production(settings, "SESSION_COOKIE_AGE", "SESSION_SAVE_EVERY_REQUEST")
    client.force_login(world.users["leerkracht"])
    Session.objects.update(
        expire_date=timezone.now() + timedelta(seconds=5)
    )  # idle for almost 30 minutes
    assert client.get("/admin/").status_code == 200
    expires = Session.objects.get().expire_date - timezone.now()
    assert (
        timedelta(minutes=29) < expires <= timedelta(minutes=30)
    )  # the request started a new 30 minutes


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
    return client.post(
        "/admin/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=client_ip,
    )


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


@pytest.mark.parametrize(
    "count,forwarded,expected",
    [
        (0, "203.0.113.5", PROXY),  # no trusted proxy: the header is anyone's to write
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # the client's own (spoofed) entries come first
        (2, "6.6.6.6, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (1, "", PROXY),  # not through the proxy
        (1, "not-an-address", PROXY),
        (2, "203.0.113.5", PROXY),  # fewer hops than trusted proxies
    ],
)
def test_client_ip(rf, settings, count, forwarded, expected):
    from core.client import client_ip

    settings.TRUSTED_PROXY_COUNT = count
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
