"""Two parents open the privacy statement of a school that has none yet, at the same moment
(issue 15): one version is generated, the second request waits for it and shows the same one."""

import threading
import time

from django.db import connection, transaction
from django.test import RequestFactory
from django.utils import translation

import pytest

from delen.models_verklaring import Privacyverklaring
from delen.privacyverklaring import generate_statement
from delen.services import ensure_default_register
from delen.views_verklaring import portal_statement
from leerlingen.models import School


def _someone_waits_for_a_lock(timeout=20.0) -> bool:
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT pg_stat_clear_snapshot()"
            )  # the view is a snapshot per transaction
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.02)
    return False


@pytest.mark.django_db(transaction=True)
def test_two_portal_visits_at_once_generate_one_version(world):
    school = world.schools["a1"]
    ensure_default_register(school)
    first_has_the_lock, outcome = threading.Event(), {}

    def first_visit():
        try:
            with transaction.atomic():
                # The first visitor is generating: it holds the school's row while it renders.
                School.objects.select_for_update().get(pk=school.pk)
                first_has_the_lock.set()
                outcome["second_waited"] = _someone_waits_for_a_lock()
                outcome["first"] = generate_statement(
                    school=school, user=None, language="nl"
                ).versie
        finally:
            connection.close()

    def second_visit():
        first_has_the_lock.wait(20)
        try:
            with translation.override("nl"):
                verklaring, _day = portal_statement(RequestFactory().get("/"), school)
            outcome["second"] = verklaring.versie
        finally:
            connection.close()

    threads = [threading.Thread(target=first_visit), threading.Thread(target=second_visit)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert outcome == {"second_waited": True, "first": 1, "second": 1}
    assert Privacyverklaring.objects.filter(school=school).count() == 1
