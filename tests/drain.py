"""For tests with a real Celery worker: prove that a message did nothing without sleeping."""

import time


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
