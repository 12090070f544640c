"""Processor agreements that end: a warning row 60 days before, mailed once to the directors."""

from datetime import timedelta

from django.conf import settings
from django.core import mail

import pytest

from core.models import Opdracht
from delen.models import Verloopwaarschuwing
from delen.services import create_expiry_warnings, send_expiry_warning
from delen.tasks import warn_expiring_agreements

from .factories import VerwerkerFactory, VerwerkersovereenkomstFactory, today

pytestmark = pytest.mark.django_db


def test_warning_60_days_before_an_agreement_ends(
    world, django_capture_on_commit_callbacks, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from privacyschool.celery import app

    app.conf.task_always_eager = True
    verwerker = VerwerkerFactory(school=world.schools["a1"], product="Parro")
    ending = VerwerkersovereenkomstFactory(
        verwerker=verwerker, einddatum=today() + timedelta(days=60)
    )
    VerwerkersovereenkomstFactory(
        verwerker=VerwerkerFactory(school=world.schools["a1"]),
        einddatum=today() + timedelta(days=61),
    )
    VerwerkersovereenkomstFactory(
        verwerker=VerwerkerFactory(school=world.schools["a1"]), verlopen=True
    )
    world.users["directeur"].email = "directeur@school.test"
    world.users["directeur"].save()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert warn_expiring_agreements() == 1
    finally:
        app.conf.task_always_eager = False
    warning = Verloopwaarschuwing.objects.get()
    assert warning.overeenkomst == ending and warning.einddatum == ending.einddatum
    assert warning.verzonden_op is not None and warning.aantal_ontvangers == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["directeur@school.test"] and "Parro" in message.subject
    for pupil in world.pupils.values():
        assert pupil.achternaam not in message.body

    # Idempotent: a second run, and a retried send, change nothing.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert create_expiry_warnings() == []
    assert callbacks == []
    assert send_expiry_warning(warning.pk) is False
    assert Verloopwaarschuwing.objects.count() == 1 and len(mail.outbox) == 1


def test_no_warning_when_a_new_agreement_follows(world):
    verwerker = VerwerkerFactory(school=world.schools["a1"])
    VerwerkersovereenkomstFactory(verwerker=verwerker, bijna_verlopen=True)
    VerwerkersovereenkomstFactory(
        verwerker=verwerker, datum=today() + timedelta(days=31), einddatum=None
    )
    assert create_expiry_warnings() == []


def test_unsent_warning_is_sent_again_on_the_next_run(world, django_capture_on_commit_callbacks):
    agreement = VerwerkersovereenkomstFactory(
        verwerker=VerwerkerFactory(school=world.schools["a1"]), bijna_verlopen=True
    )
    with django_capture_on_commit_callbacks(execute=False):
        first = create_expiry_warnings()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        again = create_expiry_warnings()  # the first message was lost: the row is still unsent
    assert [w.pk for w in again] == [w.pk for w in first] and len(callbacks) == 1
    assert Verloopwaarschuwing.objects.filter(overeenkomst=agreement).count() == 1
    assert (
        Opdracht.objects.filter(soort="delen.verloopwaarschuwing").count() == 1
    )  # one job per row
    assert send_expiry_warning(first[0].pk) is True  # no director e-mail known: still marked done
    assert send_expiry_warning(first[0].pk) is False


def test_beat_schedule_names_the_task():
    entry = settings.CELERY_BEAT_SCHEDULE["delen-verloopwaarschuwingen"]
    module, name = entry["task"].rsplit(".", 1)
    task = getattr(__import__(module, fromlist=[name]), name)
    task.s()  # binds without arguments
    assert entry["schedule"] <= 24 * 60 * 60
