"""Background work of the pupil import (DESIGN.md §5), through the outbox (core/outbox.py).

The confirmation is a database row first (``Leerlingimport`` with status ``bezig``, and an
``Opdracht`` row); the outbox sends it, resends it after a broker outage or a killed worker, and
runs it exactly once. The import is one transaction, so a half-done run left nothing behind.
This module must be imported by the worker: ``leerlingen/tasks.py`` imports it.
"""

from core import outbox

KIND = "leerlingen.pupil_import"


@outbox.handler(KIND)
def import_confirmed(*, run_id: int) -> None:
    from .services import carry_out_confirmed

    carry_out_confirmed(run_id=run_id)


def enqueue(run_id: int) -> None:
    outbox.enqueue(KIND, key=f"{KIND}:{run_id}", run_id=run_id)
