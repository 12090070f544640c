"""Background work of the requests app (DESIGN.md §5): the daily deadline check.

The warning is a database row (``Termijnsignaal``) before it is a Celery message; the mail task
takes its id and does nothing the second time, so a lost message or a retry loses or repeats nothing.
"""

from celery import shared_task


@shared_task(name="verzoeken.tasks.check_deadlines")
def check_deadlines() -> int:
    """Warn the handler a week before a request's deadline, the director on the day, and the director
    and FG when it has passed. Idempotent: one warning per request, kind and deadline."""
    from .services import create_deadline_warnings

    return len(create_deadline_warnings())


@shared_task(name="verzoeken.tasks.send_deadline_warning", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_deadline_warning(signaal_id: int) -> bool:
    from .services import send_deadline_warning as send

    return send(signaal_id)
