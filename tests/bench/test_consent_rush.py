"""Benchmark: the consent rush (issue 11). Parents submit consent at once to the app served by
gunicorn on 127.0.0.1; every submission must be in the database once, with its history row.

N from BENCH_RUSH_PARENTS (default 300 in the suite). The speed is printed (run with -s), not
asserted; what is asserted is that nothing is lost, doubled or left without its history row.
``manage.py consent_rush --parents 5000`` is the full run (see devtools/rush/consent.py).
"""

import os
import socket

from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

import pytest

from devtools.rush import consent as rush
from leerlingen.models import Leerling, Ouder
from toestemming import views
from toestemming.models import Toestemming
from toestemming.services import ensure_default_doelen, give_consent, publish_form

pytestmark = [
    pytest.mark.bench,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="the rush needs PostgreSQL",
    ),
]

N = int(os.environ.get("BENCH_RUSH_PARENTS", "300"))


def _post(client: Client, s: rush.Submission, gegeven: bool, *, token: str | None = None):
    """The browser's POST of one answer, as the load client sends it (session and CSRF cookies)."""
    client.cookies.clear()
    client.cookies[settings.SESSION_COOKIE_NAME] = s.session_key
    client.cookies[settings.CSRF_COOKIE_NAME] = s.csrf_secret
    return client.post(
        s.path,
        {"csrfmiddlewaretoken": token or s.csrf_token, "antwoord": "ja" if gegeven else "nee"},
        secure=True,
        HTTP_ORIGIN="https://testserver",
    )


def test_decide_view_is_not_csrf_exempt():
    assert not getattr(views.decide, "csrf_exempt", False)


@pytest.mark.django_db
def test_verification_finds_lost_doubled_stray_and_missing_history():
    """The check the rush relies on can fail: each kind of damage is counted."""
    plan = rush.plan_submissions(5, own_families=True)
    rush.open_sessions(plan.submissions, lifetime=300)
    ok, lost, doubled, no_history, stray = plan.submissions
    client = Client(enforce_csrf_checks=True)
    try:
        assert (
            _post(client, ok, ok.gegeven, token="x" * 64).status_code == 403
        )  # a wrong token is refused
        assert not Toestemming.objects.exists()
        for s in (ok, no_history, stray):
            response = _post(client, s, s.gegeven)
            assert response.status_code == 302 and response["Location"] == s.done_location
        for gegeven in (doubled.gegeven, not doubled.gegeven, doubled.gegeven):
            _post(client, doubled, gegeven)
        row = Toestemming.objects.get(ouder_id=no_history.ouder_id)
        Toestemming.history.model.objects.filter(id=row.id, history_type="+").delete()
        kind = Leerling.objects.get(pk=stray.leerling_id)
        other = kind.school.doelen.exclude(pk=stray.doel_id).first()  # a question nobody submitted
        give_consent(
            leerling=kind, doel=other, gegeven=True, ouder=Ouder.objects.get(pk=stray.ouder_id)
        )
    finally:
        rush.close_sessions(plan.submissions)
    result = rush.verify(plan)
    assert (result.present, result.lost, result.doubled, result.history_missing, result.stray) == (
        2,
        1,
        1,
        1,
        1,
    )
    assert not result.clean
    unsent = rush.verify(
        plan, ["ok", "not_sent", "ok", "ok", "ok"]
    )  # a run stopped by its time limit
    assert (unsent.sent, unsent.lost, unsent.failed) == (4, 0, 0)
    failed = rush.verify(
        plan, ["ok", "timeout", "ok", "ok", "ok"]
    )  # an error answer is not a silent loss
    assert (failed.lost, failed.failed) == (0, 1) and not failed.clean


def test_consent_rush_loses_and_doubles_nothing(world, capsys):
    for school in world.schools.values():
        ensure_default_doelen(school=school)
        publish_form(school=school)
    ouder, leerling = world.ouders["gezag"], world.pupils["g5"]
    for doel in leerling.school.doelen.all():  # a yes on every question: the rush withdraws one
        give_consent(
            leerling=leerling, doel=doel, gegeven=True, ouder=ouder, vastgelegd_door=ouder.account
        )
    echt = world.users["ouder_ander"]  # a parent who has logged in is a real one: never used
    echt.last_login = timezone.now()
    echt.save(update_fields=["last_login"])
    rows_before = Toestemming.objects.count()
    history = Toestemming.history.model.objects

    report = rush.run_rush(parents=N, concurrency=32, seconds=100, log=lambda line: None)

    assert report.reused_parents == 1 and report.made_parents == N - 1  # the world's 'gezag'
    assert not Toestemming.objects.filter(ouder=world.ouders["ander"]).exists()
    assert report.outcomes == {"ok": N} and report.sent == N
    v = report.verification
    assert (v["sent"], v["present"], v["lost"], v["failed"], v["doubled"], v["wrong"]) == (
        N,
        N,
        0,
        0,
        0,
        0,
    )
    assert (v["history_missing"], v["stray"]) == (0, 0)
    assert v["previous_still_current"] == 0 and report.clean
    # Seen directly: one new row per parent, each with its creation history row by the parent's account.
    new = Toestemming.objects.order_by("id")[rows_before:]
    assert len(new) == N == len({(t.ouder_id, t.leerling_id, t.doel_id) for t in new})
    assert history.filter(history_type="+", id__in=[t.id for t in new]).count() == N
    assert all(t.vastgelegd_door_id and t.kanaal == "portaal" for t in new)
    withdrawn = Toestemming.objects.get(ouder=ouder, huidig=True, gegeven=False)
    assert withdrawn.is_intrekking  # the earlier yes stopped being current and is kept
    assert Toestemming.objects.filter(
        ouder=ouder, doel=withdrawn.doel, huidig=False, gegeven=True
    ).exists()
    # Nothing left behind: no valid log-in of the run, and gunicorn is gone from its port.
    assert not Session.objects.exists()
    with socket.socket() as s, pytest.raises(OSError):
        s.connect(("127.0.0.1", report.gunicorn["port"]))
    with capsys.disabled():
        print(
            f"\nconsent rush, {N} parents, gunicorn {report.gunicorn}, {report.concurrency} connections: "
            f"{report.submissions_per_second:.0f} submissions/s, p50 {report.latency_ms['p50']:.0f} ms, "
            f"p95 {report.latency_ms['p95']:.0f} ms; cpu s {report.cpu_seconds}"
        )
