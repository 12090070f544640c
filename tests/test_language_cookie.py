"""The language cookie carries the same protection as the session cookie (issue 15): SameSite=Lax,
HttpOnly, and Secure outside the embedded demo."""

from django.conf import settings

import pytest

pytestmark = pytest.mark.django_db


def test_setlang_cookie_is_samesite_lax_httponly_and_secure(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, secure=True)
    assert response.status_code == 302
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"] is True
    assert (
        bool(cookie["secure"]) is not settings.EMBEDDED
    )  # the tests run against PostgreSQL: production settings
    header = cookie.output()
    assert "SameSite=Lax" in header and "HttpOnly" in header
