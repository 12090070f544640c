"""Step 3 of an import: applying the plan. One transaction, in batches, with history for exactly
what changes and the importing user on every history row. Refused while the plan has errors,
unless the user explicitly skips the bad rows."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .. import registry
from ..models import Gezagsrelatie, Leerling, Ouder, School
from . import workflow
from .changes import RecordChange
from .models import Leerlingimport
from .plan import Plan, gc_paused
from .progress import Progress, noop

BATCH_SIZE = 2_000


class ImportRefused(Exception):
    """The plan may not be applied (errors, or the register changed since the preview)."""


class NotWaiting(ImportRefused):
    """The run was already imported, cancelled or replaced (e.g. a repeated background task)."""


def _batches(items: list, size: int = BATCH_SIZE):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def apply_plan(
    *,
    plan: Plan,
    run: Leerlingimport,
    user,
    skip_bad_rows: bool = False,
    today: date | None = None,
    progress: Progress | None = None,
) -> Leerlingimport:
    """Write the plan in one transaction, with history for exactly what changes."""
    if plan.fatal:
        raise ImportRefused(
            _("The file cannot be imported: %(reason)s") % {"reason": plan.fatal[0]}
        )
    if plan.errors and not skip_bad_rows:
        raise ImportRefused(
            _("The file has rows with errors. Fix the file, or choose to skip the bad rows.")
        )
    today = today or timezone.localdate()
    user = user if user is not None and user.is_authenticated else None
    reason = f"pupil import {run.pk}"
    history = {"default_user": user, "default_change_reason": reason}
    total = (
        len(plan.new_ouders)
        + len(plan.new_pupils)
        + len(plan.changed_pupils)
        + len(plan.leavers)
        + len(plan.changed_ouders)
        + len(plan.new_relaties)
        + len(plan.changed_relaties)
    )
    bar = (
        (progress or noop)(None, total=total, desc=_("Importing"), unit=_("records"))
        if progress
        else None
    )

    def step(n: int) -> None:
        if bar is not None:
            bar.update(n)

    def tag(objs):
        for obj in objs:
            obj._history_user = user
        return objs

    try:
        with gc_paused(), transaction.atomic():
            School.objects.select_for_update().filter(pk=plan.school.pk).first()
            for batch in _batches(tag(plan.new_ouders)):
                bulk_create_with_history(batch, Ouder, batch_size=BATCH_SIZE, **history)
                step(len(batch))
            for pupil in plan.new_pupils:
                pupil.set_bsn_hash()
            for batch in _batches(tag(plan.new_pupils)):
                bulk_create_with_history(batch, Leerling, batch_size=BATCH_SIZE, **history)
                step(len(batch))
            _update(plan.changed_pupils, Leerling, history, step, user)
            # A correction by import is followed up with every recipient of the field (AVG art. 19).
            registry.fields_corrected(
                {c.obj.pk: list(c.fields) for c in plan.changed_pupils}, user=user, bron="import"
            )
            for pupil in plan.leavers:
                pupil.datum_uitschrijving = today
            for batch in _batches(tag(plan.leavers)):
                bulk_update_with_history(
                    batch, Leerling, ["datum_uitschrijving"], batch_size=BATCH_SIZE, **history
                )
                step(len(batch))
            _update(plan.changed_ouders, Ouder, history, step, user)
            for batch in _batches(tag(plan.new_relaties)):
                bulk_create_with_history(batch, Gezagsrelatie, batch_size=BATCH_SIZE, **history)
                step(len(batch))
            _update(plan.changed_relaties, Gezagsrelatie, history, step, user)

            for name, value in plan.counts().items():
                setattr(run, name, value)
            run.overgeslagen_rijen = len(plan.bad_rows)
            run.bestand = ""
            run.leerlingnummers = plan.numbers_in_file
            run.plan_digest = plan.digest
            run.uitgevoerd_door = user
            run.uitgevoerd_op = timezone.now()
            workflow.transition(run, "import", user=user, reason="imported")
    except IntegrityError as exc:
        # e.g. a BSN that another pupil holds once the bad rows are skipped: nothing was written.
        raise ImportRefused(
            _(
                "The import conflicts with the register (a pupil number or BSN/PGN is already in use). Nothing was imported."
            )
        ) from exc
    finally:
        if bar is not None and hasattr(bar, "close"):
            bar.close()
    return run


def _update(changes: list[RecordChange], model, history: dict, step, user) -> None:
    """Bulk update in groups of records with the same changed fields (no needless writes)."""
    groups: dict[tuple[str, ...], list] = {}
    for change in changes:
        change.obj._history_user = user
        groups.setdefault(tuple(sorted(change.fields)), []).append(change.obj)
    for fields, objs in groups.items():
        for batch in _batches(objs):
            bulk_update_with_history(batch, model, list(fields), batch_size=BATCH_SIZE, **history)
            step(len(batch))
