"""Fault test: a real Celery worker is SIGKILLed in the middle of a destruction run.

Against the real Postgres and Redis: every item is afterwards either fully gone (record,
dependants and history, with a tombstone) or fully there; the destruction job (an outbox row)
is not doubled by beat's ``start_due_destructions`` while claimed; when its claim runs out the
outbox dispatcher (beat, every minute) sends it again, a restarted worker finishes the list,
and nothing is destroyed twice.
"""

import os
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

import pytest

from leerlingen.models import (
    DossierItem,
    Gezagsrelatie,
    Leerling,
    Ouder,
    VernietigdRecord,
    Vernietigingslijst,
    VernietigingslijstItem,
)
from leerlingen.retention.destruction import approve_list, due_lists
from leerlingen.retention.rules import ensure_default_terms
from leerlingen.retention.sweep import run_sweep
from leerlingen.roles import grant_role

from ..drain import drain
from .factories import SchoolFactory, UserFactory
from .factories_retention import pupil_with_family

pytestmark = pytest.mark.django_db(transaction=True)

N = 250
BATCH = 10
ROOT = Path(__file__).resolve().parents[2]


def _worker_env() -> dict:
    db = connection.settings_dict
    env = dict(os.environ)
    env["DATABASE_URL"] = (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    env["CONN_MAX_AGE"] = "0"
    # Batches of 10 items (each all or nothing): the kill lands between and inside batches.
    env["DESTRUCTION_BATCH_SIZE"] = str(BATCH)
    mail_dir = ROOT / "var" / "fault-mail"  # no job here should mail; if one does, not to the world
    mail_dir.mkdir(parents=True, exist_ok=True)
    env["EMAIL_BACKEND"], env["EMAIL_FILE_PATH"] = (
        "django.core.mail.backends.filebased.EmailBackend",
        str(mail_dir),
    )
    return env


def _start_worker(tag: str) -> subprocess.Popen:
    log = open(ROOT / "var" / f"fault-worker-{tag}.log", "w")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "privacyschool",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
            "-n",
            f"fault-{tag}@%h",
        ],
        cwd=ROOT,
        env=_worker_env(),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _stop(proc: subprocess.Popen, sig=signal.SIGTERM) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def _wait_for(predicate, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout}s waiting for {what}")


def _other_sessions() -> int:
    """Database sessions on the test database other than this test's own (a worker's)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # the view is a snapshot per transaction
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def _destroyed(lijst) -> int:
    return lijst.items.filter(status=VernietigingslijstItem.Status.VERNIETIGD).count()


def _assert_consistent(lijst, pupils: dict[int, str]) -> tuple[int, int]:
    """Each pupil is either fully gone with one tombstone, or fully there. Returns (gone, there)."""
    history = Leerling.history.model
    item_history = DossierItem.history.model
    gone = there = 0
    for item in lijst.items.all():
        pk = item.object_id
        exists = Leerling.objects.filter(pk=pk).exists()
        tombstones = VernietigdRecord.objects.filter(
            soort="leerlingen.Leerling", object_id=str(pk)
        ).count()
        if item.status == VernietigingslijstItem.Status.VERNIETIGD:
            assert not exists and tombstones == 1, pk
            assert not history.objects.filter(id=pk).exists()
            assert not item_history.objects.filter(leerling_id=pk).exists()
            assert not Gezagsrelatie.history.model.objects.filter(leerling_id=pk).exists()
            assert not Ouder.objects.filter(achternaam=pupils[pk]).exists()
            gone += 1
        else:
            assert item.status == VernietigingslijstItem.Status.TE_VERNIETIGEN
            assert exists and tombstones == 0, pk
            assert DossierItem.objects.filter(leerling_id=pk).count() == 2
            assert Gezagsrelatie.objects.filter(leerling_id=pk).count() == 1
            assert history.objects.filter(id=pk).exists()
            assert Ouder.objects.filter(achternaam=pupils[pk]).count() == 1
            there += 1
    return gone, there


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs the real Redis (REDIS_URL)")
def test_killed_worker_leaves_every_item_whole_and_a_restart_finishes_the_list():
    import redis

    from core import outbox
    from core.models import Opdracht
    from leerlingen.retention.tasks import DESTRUCTION, enqueue_destruction, start_due_destructions

    redis.Redis.from_url(settings.REDIS_URL).flushdb()  # our own Redis database: no stale messages
    school = SchoolFactory(brin="77FK")
    ensure_default_terms(school=school)
    directeur = UserFactory(username="fault-directeur")
    grant_role(user=directeur, rol="directeur", container=school)
    pupils = {}
    for n in range(N):
        p = pupil_with_family(
            school=school,
            left=date(2018, 7, 1),
            achternaam=f"Fout{n:04d}",
            items=("studievoortgang", "medisch"),
        )
        pupils[p.pk] = p.achternaam
    lijst = run_sweep(today=date(2026, 11, 23)).lists[0]
    assert lijst.items.count() == N
    approve_list(
        lijst=lijst, user=directeur, bevestiging=lijst.naam, now=timezone.now() - timedelta(days=8)
    )
    assert due_lists() == [lijst.pk]

    worker = _start_worker("first")
    try:
        enqueue_destruction(lijst.pk)
        _wait_for(lambda: _destroyed(lijst) >= 15, timeout=90, what="the first destructions")
        os.killpg(worker.pid, signal.SIGKILL)  # in the middle of the run
        worker.wait(timeout=10)
    finally:
        _stop(worker, signal.SIGKILL)

    lijst.refresh_from_db()
    assert lijst.status == Vernietigingslijst.Status.IN_UITVOERING
    gone, there = _assert_consistent(lijst, pupils)
    assert gone >= 15 and there > 0, (gone, there)
    # The killed worker's database session ends without a commit: once it is gone, what it was
    # destroying stayed whole, and nothing moves while no worker runs.
    _wait_for(
        lambda: not _other_sessions(),
        timeout=30,
        what="the killed worker's database session to end",
    )
    assert _destroyed(lijst) == gone
    assert _assert_consistent(lijst, pupils) == (gone, there)

    worker = _start_worker("second")
    try:
        assert start_due_destructions.run() == [lijst.pk]  # what beat does every 15 minutes
        job = Opdracht.objects.get(soort=DESTRUCTION)  # the killed worker's job, not doubled
        assert (
            job.status == Opdracht.Status.WACHT and job.niet_voor > timezone.now()
        )  # still claimed
        job.niet_voor = timezone.now()  # the claim (outbox.LEASE) runs out
        job.save(update_fields=["niet_voor"])
        assert (
            outbox.dispatch_pending(timedelta(0)) == 1
        )  # what beat does every minute: resume the list
        _wait_for(
            lambda: (
                Vernietigingslijst.objects.get(pk=lijst.pk).status
                == Vernietigingslijst.Status.UITGEVOERD
            ),
            timeout=180,
            what="the list to be finished",
        )
        outbox.send(job.pk)  # a duplicate message: destroys nothing twice
        drain()  # the worker has handled every message sent before this last one: the duplicate too
    finally:
        _stop(worker)

    lijst.refresh_from_db()
    gone, there = _assert_consistent(lijst, pupils)
    assert (gone, there) == (N, 0)
    assert VernietigdRecord.objects.filter(soort="leerlingen.Leerling").count() == N
    assert VernietigdRecord.objects.filter(soort="leerlingen.Ouder").count() == N
    assert not Leerling.objects.filter(school=school).exists()
    job.refresh_from_db()
    assert (job.status, job.pogingen) == (Opdracht.Status.KLAAR, 2)
