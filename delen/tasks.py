"""Background work of the disclosure register. Tasks take ids and are idempotent (DESIGN.md §5)."""

from celery import shared_task


@shared_task
def warn_expiring_agreements() -> int:
    """Daily: a warning row for every processor agreement that ends within 60 days, then the e-mails.

    Rows not yet mailed (a lost message, a broker outage) are sent again on the next run.
    """
    from .services import create_expiry_warnings

    return len(create_expiry_warnings())


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_expiry_warning_task(warning_id: int) -> bool:
    from .services import send_expiry_warning

    return send_expiry_warning(warning_id)
