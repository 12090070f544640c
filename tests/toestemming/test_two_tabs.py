"""The same parent answering in two tabs (issue 15): each form carries the answer it was shown
(``vorig``); a tab whose answer is out of date gets a clear message and changes nothing."""

import threading
import time

from django.db import IntegrityError, connection, transaction
from django.urls import reverse

import pytest

from leerlingen.models import Ouder
from toestemming.models import Doel, Toestemming
from toestemming.rules import ConsentRefused
from toestemming.services import give_consent

pytestmark = pytest.mark.django_db


def test_the_form_carries_the_answer_it_showed(client, consent):
    client.force_login(consent.users["ouder_gezag"])
    page = client.get(reverse("portaal:kind", args=[consent.pupils["g5"].pk])).content.decode()
    website = Doel.objects.get(school=consent.schools["a1"], code="website")
    # The one-submit form (issue 18): per purpose, the answer it showed (open: empty).
    assert f'name="vorig_{website.pk}" value=""' in page


def test_a_stale_second_tab_changes_nothing(client, consent, doel):
    client.force_login(consent.users["ouder_gezag"])
    g5, website = consent.pupils["g5"], doel(consent.schools["a1"])
    url = reverse("portaal:besluit", args=[g5.pk, website.pk])
    # Both tabs were opened while the question was still open (vorig="").
    assert client.post(url, {"antwoord": "ja", "vorig": ""}).status_code == 302
    response = client.post(url, {"antwoord": "nee", "vorig": ""}, follow=True)
    assert response.status_code == 200
    assert "changed in the meantime" in response.content.decode()
    assert list(Toestemming.objects.values_list("gegeven", "huidig")) == [(True, True)]


def test_the_same_answer_in_two_tabs_is_one_decision(client, consent, doel):
    client.force_login(consent.users["ouder_gezag"])
    g5, website = consent.pupils["g5"], doel(consent.schools["a1"])
    url = reverse("portaal:besluit", args=[g5.pk, website.pk])
    for _tab in range(2):
        assert client.post(url, {"antwoord": "ja", "vorig": ""}).status_code == 302
    assert list(Toestemming.objects.values_list("gegeven", "huidig")) == [(True, True)]


def test_an_up_to_date_tab_may_change_the_answer(client, consent, doel):
    client.force_login(consent.users["ouder_gezag"])
    g5, website = consent.pupils["g5"], doel(consent.schools["a1"])
    url = reverse("portaal:besluit", args=[g5.pk, website.pk])
    client.post(url, {"antwoord": "ja", "vorig": ""})
    client.post(url, {"antwoord": "nee", "vorig": "ja"})
    assert list(Toestemming.objects.order_by("id").values_list("gegeven", "huidig")) == [
        (True, False),
        (False, True),
    ]


def _wait_until_someone_waits_for_a_lock(timeout=10.0):
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
def test_two_first_answers_at_once_are_one_decision_without_an_error(world):
    """Two tabs answer an open question at the same moment: neither sees a row to lock, both insert,
    the unique constraint stops the second; that must be a refusal, not an IntegrityError (500)."""
    from toestemming.models import Doel
    from toestemming.services import ensure_default_doelen, publish_form

    school = world.schools["a1"]
    ensure_default_doelen(school=school)
    publish_form(school=school)
    g5, website = world.pupils["g5"], Doel.objects.get(school=school, code="website")
    ouder = Ouder.objects.get(account=world.users["ouder_gezag"])
    first_inserted, outcome = threading.Event(), {}

    def first_tab():
        try:
            with transaction.atomic():
                give_consent(leerling=g5, doel=website, gegeven=True, ouder=ouder, verwacht=None)
                first_inserted.set()
                outcome["second_waited"] = _wait_until_someone_waits_for_a_lock()
        finally:
            connection.close()

    def second_tab():
        first_inserted.wait(10)
        try:
            give_consent(leerling=g5, doel=website, gegeven=False, ouder=ouder, verwacht=None)
            outcome["second"] = "saved"
        except ConsentRefused as refused:
            outcome["second"] = refused.rule
        except IntegrityError:
            outcome["second"] = "IntegrityError"
        finally:
            connection.close()

    threads = [threading.Thread(target=first_tab), threading.Thread(target=second_tab)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert outcome == {"second_waited": True, "second": "changed_meanwhile"}
    assert list(Toestemming.objects.values_list("gegeven", "huidig")) == [(True, True)]
