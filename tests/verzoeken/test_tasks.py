"""Deadline warnings: a row first, one per request, kind and deadline; mailed once."""

from datetime import timedelta

from django.conf import settings
from django.core import mail
from django.utils import timezone

import pytest

from verzoeken import services
from verzoeken.models import Termijnsignaal

from .factories import file

pytestmark = pytest.mark.django_db


def test_warnings_a_week_before_on_the_day_and_overdue(
    world, eager_tasks, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    week = file(
        world.pupils["g5"], ouder=world.ouders["gezag"], ontvangen_op=today - timedelta(days=21)
    )
    day = file(
        world.pupils["g5"], ouder=world.ouders["gezag"], ontvangen_op=today - timedelta(days=28)
    )
    late = file(
        world.pupils["g5"], ouder=world.ouders["gezag"], ontvangen_op=today - timedelta(days=29)
    )
    fresh = file(
        world.pupils["g5"], ouder=world.ouders["gezag"], ontvangen_op=today - timedelta(days=2)
    )
    week.behandelaar = world.users["administratie"]
    week.save()
    with django_capture_on_commit_callbacks(execute=True):
        made = services.create_deadline_warnings(today=today)
    kinds = {s.verzoek_id: s.soort for s in made}
    assert kinds == {week.pk: "week", day.pk: "dag", late.pk: "verlopen"} and fresh.pk not in kinds
    assert Termijnsignaal.objects.filter(verzonden_op__isnull=False).count() == 3
    to = {m.to[0] if len(m.to) == 1 else tuple(sorted(m.to)) for m in mail.outbox}
    assert world.users["administratie"].email in to  # the handler, a week before
    assert world.users["directeur"].email in to  # the director, on the day
    assert (
        tuple(sorted([world.users["directeur"].email, world.users["fg"].email])) in to
    )  # overdue: director + FG
    assert all(world.pupils["g5"].achternaam not in m.body + m.subject for m in mail.outbox)

    # Idempotent: a second run (or a retry) sends nothing again.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.create_deadline_warnings(today=today) == []
    assert services.send_deadline_warning(made[0].pk) is False
    assert len(mail.outbox) == 3


def test_an_extension_brings_new_warnings(world, eager_tasks, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    v = file(
        world.pupils["g5"], ouder=world.ouders["gezag"], ontvangen_op=today - timedelta(days=21)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.create_deadline_warnings(today=today)
    services.extend(
        verzoek=v,
        maanden=1,
        reden="Veel gegevens",
        gemeld_op=today,
        user=world.users["administratie"],
        today=today,
    )
    v.refresh_from_db()
    later = v.uiterste_datum - timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        made = services.create_deadline_warnings(today=later)
    assert [(s.soort, s.uiterste_datum) for s in made] == [("week", v.uiterste_datum)]


def test_beat_schedule_entry_is_importable():
    from importlib import import_module

    entry = settings.CELERY_BEAT_SCHEDULE["verzoeken-termijnen"]
    module, name = entry["task"].rsplit(".", 1)
    task = getattr(import_module(module), name)
    assert task.name == entry["task"]
    task.s()  # binds without arguments
