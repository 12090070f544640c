from datetime import timedelta

from celery import shared_task

from . import outbox


@shared_task(acks_late=True)
def run_opdracht(pk: int) -> str:
    return outbox.run(pk)


@shared_task
def dispatch_pending(older_than_seconds: int = 30) -> int:
    """Beat: send every job still pending (the broker was down, or a worker died)."""
    return outbox.dispatch_pending(timedelta(seconds=older_than_seconds))
