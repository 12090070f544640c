"""Board staff (FG, board role) outside their reach get 404, never 403 (DESIGN.md §3, issue 15):
a 403 tells that the page or record exists. Every URL of the URL configuration, as GET and POST."""

from django.test import Client

import pytest

from .test_every_url import PATHS

pytestmark = pytest.mark.django_db

OPEN_TO_EVERY_USER = ("/static/", "/admin/jsi18n/", "/i18n/", "/health/", "/mfa/")
# Not staff pages: the parent portal shows staff its "no access" page (403) on purpose.
# The import upload refuses a role without the import right with 403 (tests/leerlingen/test_import.py).
NOT_SWEPT = ("/portaal/", "/admin/leerlingen/leerlingimport/upload/")


def _sweep(world, role, method):
    client = Client(raise_request_exception=False)
    client.force_login(world.users[role])
    forbidden = []
    for path in PATHS:
        if path.startswith(OPEN_TO_EVERY_USER + NOT_SWEPT):
            continue
        status = getattr(client, method)(path).status_code
        if status == 403:
            forbidden.append(path)
    return forbidden


@pytest.mark.parametrize("role", ["fg", "bestuur"])
def test_board_staff_never_get_403_on_a_get(world, role):
    forbidden = _sweep(world, role, "get")
    assert not forbidden, "\n".join(forbidden)


@pytest.mark.parametrize("role", ["fg", "bestuur"])
def test_board_staff_never_get_403_on_a_post(world, role):
    forbidden = _sweep(world, role, "post")
    assert not forbidden, "\n".join(forbidden)
