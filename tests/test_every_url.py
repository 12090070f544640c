"""Every URL of the URL configuration: nothing personal without log-in, CSRF on every POST."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

# Pages anyone may open: they show no personal data.
PUBLIC = {"/", "/health/", "/health/live/", "/admin/login/", "/i18n/setlang/", "/admin/logout/"}
PUBLIC_PREFIXES = ("/portaal/", "/static/", "/admin/jsi18n/")


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
    if path in PUBLIC or path.startswith(PUBLIC_PREFIXES):
        assert response.status_code < 500
        return
    assert response.status_code in (301, 302, 401, 403, 404, 405), (path, response.status_code)
    if response.status_code in (301, 302):
        assert "login" in response["Location"] or "portaal" in response["Location"], path
    body = response.content.decode(errors="ignore")
    assert world.pupils["g5"].achternaam not in body


@pytest.mark.parametrize("path", PATHS)
def test_post_without_csrf_token_is_refused(world, path):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["beheerder"])
    response = client.post(path, {"x": "1"})
    assert response.status_code in (403, 404, 405), (path, response.status_code)
