"""Background work of the pupil register: the retention sweep and destruction (DESIGN.md §5).

Tasks take ids and are idempotent. The pending destruction is a database row (an approved
``Vernietigingslijst`` and its items) before it is a Celery message: a lost message, a Redis
outage or a killed worker delays destruction but loses none of it, and the next run of
``start_due_destructions`` (Celery beat, every quarter of an hour) picks it up again.
"""

import logging

from celery import shared_task
from django.db import transaction

logger = logging.getLogger(__name__)


@shared_task(name="leerlingen.tasks.retention_sweep")
def retention_sweep(school_id: int | None = None) -> dict:
    """The nightly sweep: put every record whose term ran out on its school's destruction list."""
    from .models import School
    from .retention import run_sweep

    school = School.objects.get(pk=school_id) if school_id else None
    result = run_sweep(school=school)
    return {"found": sum(result.found.values()), "added": sum(result.added.values())}


@shared_task(name="leerlingen.tasks.start_due_destructions")
def start_due_destructions() -> list[int]:
    """Start the lists whose waiting period is over, and resume any a worker left half-way."""
    from .retention import due_lists

    ids = due_lists()
    for lijst_id in ids:
        transaction.on_commit(lambda lijst_id=lijst_id: carry_out_destruction.delay(lijst_id))
    return ids


@shared_task(name="leerlingen.tasks.carry_out_destruction", acks_late=True)
def carry_out_destruction(lijst_id: int) -> dict:
    """Destroy the items of one approved list, each in its own transaction."""
    from .retention import carry_out_list

    summary = carry_out_list(lijst_id=lijst_id)
    logger.info("destruction list %s: %s", lijst_id, dict(summary))
    return dict(summary)

# The pupil import's background handler (an outbox job) is registered by importing it here.
from . import tasks_import  # noqa: E402,F401
