"""A real OpenID Connect provider (django-oauth-toolkit, devtools/oidc_provider) on 127.0.0.1."""

import os
import re
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlparse

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID, CLIENT_SECRET = "privacyschool-test", "provider-secret-for-tests"
PROVIDER_PASSWORD = "wachtwoord-bij-het-bestuur"
# username: (e-mail, flags) — "mfa": second factor at the provider; "inactive": a leaver
PROVIDER_USERS = {
    "directeur": ("directeur@bestuur-a.nl", ["mfa"]),
    "directeur_zonder_mfa": ("directeur@bestuur-a.nl", []),
    "leerkracht": ("leerkracht@bestuur-a.nl", []),
    "nieuw": ("nieuwe.collega@bestuur-a.nl", []),
    "vreemd": ("iemand@gmail.example", []),
    "vertrokken": ("vertrokken@bestuur-a.nl", ["inactive"]),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Provider:
    issuer: str
    process: subprocess.Popen

    def log_in(self, authorize_url: str, username: str, callback_prefix: str) -> str | None:
        """Log in at the provider as ``username`` and return our callback URL it redirects to
        (None when the provider refuses)."""
        session = requests.Session()
        response = session.get(authorize_url, allow_redirects=True, timeout=10)
        if "csrfmiddlewaretoken" not in response.text:
            return None
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)
        nxt = (
            re.search(r'name="next" value="([^"]*)"', response.text).group(1).replace("&amp;", "&")
        )
        response = session.post(
            response.url,
            data={
                "csrfmiddlewaretoken": token,
                "username": username,
                "password": PROVIDER_PASSWORD,
                "next": nxt,
            },
            headers={"Referer": response.url},
            allow_redirects=False,
            timeout=10,
        )
        for _ in range(5):
            location = response.headers.get("Location")
            if response.status_code not in (301, 302) or not location:
                return None
            location = urljoin(response.url, location)
            if location.startswith(callback_prefix):
                return location
            response = session.get(location, allow_redirects=False, timeout=10)
        return None


def start_provider(redirect_uris: list[str]) -> Provider:
    port = free_port()
    args = [
        sys.executable,
        "-m",
        "devtools.oidc_provider.serve",
        "--port",
        str(port),
        "--client-id",
        CLIENT_ID,
        "--client-secret",
        CLIENT_SECRET,
    ]
    for uri in redirect_uris:
        args += ["--redirect-uri", uri]
    for username, (email, flags) in PROVIDER_USERS.items():
        args += ["--user", ":".join([username, PROVIDER_PASSWORD, email, *flags])]
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    process = subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    line = process.stdout.readline()
    if not line.startswith("READY "):
        process.kill()
        pytest.fail(
            f"The test OpenID Connect provider did not start: {line}{process.stdout.read()[-2000:]}"
        )
    return Provider(issuer=line.split()[1], process=process)


@pytest.fixture(scope="session")
def oidc_provider(request):
    provider = start_provider(["http://testserver/sso/callback/"])
    yield provider
    provider.process.terminate()
    provider.process.wait(timeout=10)


def callback_query(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}
