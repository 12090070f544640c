"""Background work of retention: the sweep and destruction (DESIGN.md §5).

Tasks take ids and are idempotent. The pending destruction is a database row (an approved
``Vernietigingslijst`` and its items) and an outbox job (core/outbox.py) before it is a
Celery message: a lost message, a Redis outage or a killed worker delays destruction but loses
none of it. The job commits item by item; a killed worker's job is sent again when its claim
(``outbox.LEASE``) runs out, and ``start_due_destructions`` (Celery beat, every quarter of an
hour) gives every list that still has work a job.

The task names are those the beat schedule and stored results know (``leerlingen.tasks.*``);
the worker finds this module through ``leerlingen/tasks.py``, which imports it.
"""

import logging

from celery import shared_task

from core import outbox
from core.models import Opdracht

logger = logging.getLogger(__name__)
DESTRUCTION = "leerlingen.destruction"


@shared_task
def retention_sweep(school_id: int | None = None) -> dict:
    """The nightly sweep: put every record whose term ran out on its school's destruction list."""
    from ..models import School
    from .sweep import run_sweep

    school = School.objects.get(pk=school_id) if school_id else None
    result = run_sweep(school=school)
    return {"found": sum(result.found.values()), "added": sum(result.added.values())}


@shared_task
def start_due_destructions() -> list[int]:
    """Start the lists whose waiting period is over, and resume any a worker left half-way."""
    from .destruction import due_lists

    ids = due_lists()
    for lijst_id in ids:
        enqueue_destruction(lijst_id)
    return ids


def enqueue_destruction(lijst_id: int) -> None:
    """One job per list at a time: a job still waiting for a worker, or claimed by one, is not doubled."""
    waiting = Opdracht.objects.filter(
        soort=DESTRUCTION, status=Opdracht.Status.WACHT, argumenten__lijst_id=lijst_id
    )
    if not waiting.exists():
        outbox.enqueue(DESTRUCTION, lijst_id=lijst_id)


@outbox.handler(DESTRUCTION, own_transactions=True)
def carry_out_destruction(*, lijst_id: int) -> None:
    """Destroy the items of one approved list, each in its own transaction."""
    from .destruction import carry_out_list

    summary = carry_out_list(lijst_id=lijst_id)
    logger.info("destruction list %s: %s", lijst_id, dict(summary))
