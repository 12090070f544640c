"""For tests with a real Celery worker: prove that a message did nothing without sleeping."""

import shutil
import time

import pytest


def drain(timeout: float = 150):
    """Send one last job behind every message already sent and wait until the worker has run it.

    The worker takes the queue in order (one worker, solo pool, prefetch 1, Redis lists are FIFO),
    so once this job is done every message sent before it (a duplicate too) has been handled. The
    job is a product notification about no one (user 0): it sends nothing and holds only ids.
    Returns the job. For tests marked ``django_db(transaction=True)`` (the worker must see the
    rows, and the job is sent on commit).
    """
    from core import outbox
    from core.models import Opdracht
    from leerlingen.mfa.tasks import RESET_NOTICE

    last = outbox.notify(RESET_NOTICE, once=False, user_id=0, role="beheerder")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if Opdracht.objects.filter(pk=last.pk, status=Opdracht.Status.KLAAR).exists():
            return last
        time.sleep(0.2)
    raise AssertionError(f"the worker did not reach the last job within {timeout}s")


@pytest.fixture
def private_broker(tmp_path):
    """A Redis of this test's own (``redis-server`` on a free port) as the Celery broker, so no other
    test run on the machine takes or flushes its messages. Yields the broker's URL."""
    from .test_broker_outage import free_port, reset_connections, start_redis

    if shutil.which("redis-server") is None:
        pytest.skip("redis-server not installed")
    from privacyschool.celery import app

    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    redis = start_redis(port, tmp_path)
    old = {"broker_url": app.conf.broker_url, "task_always_eager": app.conf.task_always_eager}
    app.conf.update(broker_url=url, task_always_eager=False)
    reset_connections()
    try:
        yield url
    finally:
        app.conf.update(**old)
        reset_connections()
        redis.terminate()
        redis.wait(timeout=10)


def work_off(tmp_path, timeout: float = 150):
    """Start a real worker on the broker now configured (``private_broker``), let it handle every message
    already sent (``drain``), and stop it. For browser tests whose pages leave work to the outbox
    (a request's documents, issue 21)."""
    from privacyschool.celery import app

    from .test_broker_outage import start_worker

    url = app.conf.broker_url
    mail_dir = tmp_path / "worker-mail"
    mail_dir.mkdir(exist_ok=True)
    worker = start_worker(url, mail_dir, tmp_path / "worker.log")
    try:
        return drain(timeout)
    finally:
        worker.terminate()
        worker.wait(timeout=20)
