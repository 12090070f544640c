"""The idle timeout without a write on every request (core/sessions.py, docs/scale.md): the session
row is written when it changed or when its last refresh is a minute old, never for a visitor
without a session."""

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.utils import timezone

import pytest

from core.sessions import REFRESHED_KEY

pytestmark = pytest.mark.django_db


def _set_refreshed(client, seconds_ago: int) -> None:
    session = client.session
    session[REFRESHED_KEY] = int(timezone.now().timestamp()) - seconds_ago
    session.save()


def test_a_request_within_a_minute_writes_nothing_a_later_one_refreshes(client, world):
    client.force_login(world.users["leerkracht"])
    assert client.get("/admin/").status_code == 200  # the first request stamps the session
    soon = timezone.now() + timedelta(minutes=5)
    Session.objects.update(expire_date=soon)
    _set_refreshed(client, seconds_ago=10)
    Session.objects.update(expire_date=soon)
    assert client.get("/admin/").status_code == 200
    assert Session.objects.get().expire_date == soon  # not written

    _set_refreshed(client, seconds_ago=61)
    Session.objects.update(expire_date=soon)
    assert client.get("/admin/").status_code == 200
    expires = Session.objects.get().expire_date - timezone.now()
    assert timedelta(minutes=29) < expires <= timedelta(minutes=30)  # a new 30 minutes


def test_a_visitor_without_a_session_gets_none(client, db):
    assert client.get("/health/").status_code == 200
    assert client.get("/portaal/inloggen/").status_code == 200
    assert not Session.objects.exists()
