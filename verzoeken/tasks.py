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


REQUEST_MAIL = "verzoeken.mail"
REQUEST_MAILS = ("ontvangen", "nieuw", "beantwoord")


def enqueue_request_mails(verzoek_id: int, *kinds: str) -> None:
    """After the step commits: the request's e-mails (``notifications.send_request_mail``)."""
    for kind in kinds:
        outbox.notify(REQUEST_MAIL, verzoek_id=verzoek_id, soort=kind)


@outbox.handler(REQUEST_MAIL)
def send_request_mail(*, verzoek_id: int, soort: str) -> None:
    from .services.notifications import send_request_mail as send

    if soort in REQUEST_MAILS:
        send(verzoek_id, soort)


DOCUMENTS = "verzoeken.documenten"


def enqueue_documents(verzoek_id: int, stap: str, user_id: int | None) -> None:
    """After the step commits: its documents are made by the worker (``documents.make_documents``),
    not inside the POST a person waits on (issue 21). A preview may be asked again after the
    director sent the request back, so each submit gets its own job; a decision is made once."""
    ids = {"verzoek_id": verzoek_id, "stap": stap}
    if user_id:
        ids["user_id"] = user_id
    outbox.notify(DOCUMENTS, once=stap != "voorbeeld", **ids)


@outbox.handler(DOCUMENTS)
def make_documents(*, verzoek_id: int, stap: str, user_id: int | None = None) -> None:
    from .services.documents import make_documents as make

    make(verzoek_id=verzoek_id, stap=stap, user_id=user_id)
