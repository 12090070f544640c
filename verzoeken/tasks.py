"""Background work of the requests app (DESIGN.md §5): the daily deadline check.

The warning is a database row (``Termijnsignaal``) before it is an outbox job (core/outbox.py);
the mail handler takes its id and does nothing the second time, so a lost message, a broker outage or
a retry loses or repeats nothing.
"""

from celery import shared_task

from core import outbox

DEADLINE_WARNING = "verzoeken.termijnsignaal"


@shared_task(name="verzoeken.tasks.check_deadlines")
def check_deadlines() -> int:
    """Warn the handler a week before a request's deadline, the director on the day, and the director
    and FG when it has passed. Idempotent: one warning per request, kind and deadline."""
    from .services.notifications import create_deadline_warnings

    return len(create_deadline_warnings())


def enqueue_deadline_warning(signaal_id: int) -> None:
    outbox.notify(DEADLINE_WARNING, signaal_id=signaal_id)


@outbox.handler(DEADLINE_WARNING)
def send_deadline_warning(*, signaal_id: int) -> None:
    from .services.notifications import send_deadline_warning as send

    send(signaal_id)
