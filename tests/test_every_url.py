"""Every URL of the URL configuration: nothing personal without log-in, CSRF on every POST."""

import re

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

import pytest

pytestmark = pytest.mark.django_db

# Pages anyone may open: they show no personal data either (the sweep reads every page's body).
PUBLIC = {
    "/",
    "/health/",
    "/health/live/",
    "/admin/login/",
    "/i18n/setlang/",
    "/admin/logout/",
    # the portal's log-in pages; every other portal page sends an anonymous visitor to log in
    "/portaal/inloggen/",
    "/portaal/inloggen/link-verstuurd/",
    "/portaal/inloggen/link/1/",
    "/portaal/uitloggen/",
    # single sign-on: the start (to a board's provider), its callback and the refusal page
    "/sso/1/",
    "/sso/callback/",
    "/sso/geweigerd/",
}
PUBLIC_PREFIXES = ("/static/", "/admin/jsi18n/")


def personal_data(world) -> list[str]:
    """What must never reach an anonymous visitor: names, BSNs, e-mail addresses, portal user names."""
    data = []
    for p in world.pupils.values():
        data += [p.achternaam, p.bsn]
    for o in world.ouders.values():
        data += [o.achternaam, o.email]
    data += [
        u.username for key, u in world.users.items() if key.startswith(("ouder_", "leerling_"))
    ]
    return [d for d in data if d]


def all_paths(resolver=None, prefix="") -> list[str]:
    """Concrete example paths for every pattern: converters get the value 1 (or 'x')."""
    resolver = resolver or get_resolver()
    paths = []
    for entry in resolver.url_patterns:
        pattern = str(entry.pattern)
        if isinstance(entry, URLResolver):
            paths += all_paths(entry, prefix + pattern)
        elif isinstance(entry, URLPattern):
            path = prefix + pattern
            path = re.sub(r"<int:\w+>|<path:\w+>|<str:\w+>|<slug:\w+>|<uuid:\w+>|<\w+>", "1", path)
            path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path)
            path = path.replace("^", "").replace("$", "").replace("\\", "")
            if re.search(r"[()\[\]?*+]", path):
                continue  # a regex we cannot fill in (none of ours); skipped visibly below
            paths.append("/" + path)
    return sorted(set(paths))


PATHS = all_paths()


def test_the_url_list_is_complete():
    assert "/admin/leerlingen/leerling/" in PATHS and "/health/" in PATHS and len(PATHS) > 50


@pytest.mark.parametrize("path", PATHS)
def test_anonymous_gets_no_personal_data(client, world, path):
    response = client.get(path)
    body = response.content.decode(errors="ignore")
    shown = [d for d in personal_data(world) if d in body]
    assert shown == [], (path, len(shown))
    if path in PUBLIC or path.startswith(PUBLIC_PREFIXES):
        assert response.status_code < 500
        return
    assert response.status_code in (301, 302, 401, 403, 404, 405), (path, response.status_code)
    if response.status_code in (301, 302):
        assert "/login/" in response["Location"] or "/portaal/inloggen/" in response["Location"], (
            path
        )


@pytest.mark.parametrize("path", PATHS)
def test_post_without_csrf_token_is_refused(world, path):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["beheerder"])
    response = client.post(path, {"x": "1"})
    assert response.status_code in (403, 404, 405), (path, response.status_code)
