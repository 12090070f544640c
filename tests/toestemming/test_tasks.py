"""The 16+ handover task, the invitation, and the beat schedule."""

import inspect
from datetime import date

from django.conf import settings
from django.core import mail
from django.utils.module_loading import import_string

import pytest

from toestemming.models import Overdracht
from toestemming.tasks import overdracht_zestien

from ..leerlingen.factories import LeerlingFactory

pytestmark = pytest.mark.django_db


def test_every_scheduled_task_imports_and_binds():
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        task = import_string(entry["task"])
        inspect.signature(task.run).bind(*entry.get("args", ()), **entry.get("kwargs", {}))


def test_handover_on_the_16th_birthday_and_29_february(
    world, eager_tasks, django_capture_on_commit_callbacks
):
    leap = LeerlingFactory(
        groep=world.groepen["k5"], geboortedatum=date(2084, 2, 29), email="jip@example.test"
    )
    with django_capture_on_commit_callbacks(execute=True):
        overdracht_zestien(today="2100-02-28")  # not 16 yet: 2100 has no 29 February
    assert not Overdracht.objects.filter(leerling=leap).exists()
    with django_capture_on_commit_callbacks(execute=True):
        overdracht_zestien(today="2100-03-01")
    row = Overdracht.objects.get(leerling=leap)
    assert row.datum == date(2100, 3, 1) and row.status == Overdracht.Status.VERZONDEN
    assert [m.to for m in mail.outbox if m.to == ["jip@example.test"]] == [["jip@example.test"]]


def test_handover_is_idempotent_and_without_email_on_paper(
    world, eager_tasks, django_capture_on_commit_callbacks
):
    pupil = world.pupils["a2_16"]  # 17, no e-mail address
    with django_capture_on_commit_callbacks(execute=True):
        first = overdracht_zestien()
    with django_capture_on_commit_callbacks(execute=True):
        second = overdracht_zestien()
    assert first >= 1 and second == 0
    assert Overdracht.objects.get(leerling=pupil).status == Overdracht.Status.GEEN_EMAIL
    assert not Overdracht.objects.filter(leerling=world.pupils["a2_15"]).exists()


def test_invitation_task_sends_once(world, eager_tasks, django_capture_on_commit_callbacks):
    from toestemming.tasks import send_uitnodiging

    pupil = world.pupils["a2_16"]
    pupil.email = "zelf@example.test"
    pupil.save()
    with django_capture_on_commit_callbacks(execute=True):
        overdracht_zestien()
    row = Overdracht.objects.get(leerling=pupil)
    send_uitnodiging(row.pk)  # a retry after success does nothing
    assert [m.to for m in mail.outbox] == [["zelf@example.test"]]
    assert "16" in mail.outbox[0].body and "/portaal/" in mail.outbox[0].body
