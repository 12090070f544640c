"""Background work of the disclosure register. Tasks take ids and are idempotent (DESIGN.md §5);
every e-mail is an outbox job (core/outbox.py)."""

from celery import shared_task

from core import outbox

EXPIRY_WARNING = "delen.verloopwaarschuwing"


@shared_task
def warn_expiring_agreements() -> int:
    """Daily: a warning row for every processor agreement that ends within 60 days, then the e-mails.

    A warning row not yet mailed gets its outbox job (one per row), which sends it once.
    """
    from .services import create_expiry_warnings

    return len(create_expiry_warnings())


def enqueue_expiry_warning(warning_id: int) -> None:
    outbox.notify(EXPIRY_WARNING, warning_id=warning_id)


@outbox.handler(EXPIRY_WARNING)
def send_expiry_warning_job(*, warning_id: int) -> None:
    from .services import send_expiry_warning

    send_expiry_warning(warning_id)


STATEMENT_PDF = "delen.privacyverklaring_pdf"


def enqueue_statement_pdf(verklaring_id: int) -> None:
    """After the version is stored: its PDF is rendered by the worker (issue 21), once."""
    outbox.notify(STATEMENT_PDF, verklaring_id=verklaring_id)


@outbox.handler(STATEMENT_PDF)
def make_statement_pdf_job(*, verklaring_id: int) -> None:
    from .privacyverklaring import make_statement_pdf

    make_statement_pdf(verklaring_id)
