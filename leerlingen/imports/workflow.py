"""The states of a pupil import, as a table (core/workflow.py); ``transition`` is the only place
a run's status changes, and the admin reads the table to know what a run still allows.

    preview ──confirm──▶ being imported ──import──▶ imported
       │  └──────────────import (small file, at once)──▶ imported
       │                 being imported ──refuse──▶ preview (with the reason, nothing written)
       ├──cancel──▶ cancelled
       └──replace──▶ replaced (a newer upload for the school)
"""

from django.utils.translation import gettext_lazy as _

from core.workflow import StateMachine, Transition

from .models import Leerlingimport

Status = Leerlingimport.Status

REFUSED = _("Rule “order of steps”: %(step)s is not possible while the import is “%(state)s”.")


def _refused(step, state) -> Exception:
    from .apply import NotWaiting  # apply.py applies this table

    return NotWaiting(REFUSED % {"step": step, "state": state})


MACHINE = StateMachine(
    [
        Transition("confirm", (Status.VOORBEELD,), Status.BEZIG, _("confirming the import")),
        Transition("import", (Status.VOORBEELD, Status.BEZIG), Status.INGELEZEN, _("importing")),
        Transition("refuse", (Status.BEZIG,), Status.VOORBEELD, _("returning to the preview")),
        Transition("cancel", (Status.VOORBEELD,), Status.GEANNULEERD, _("cancelling the import")),
        Transition("replace", (Status.VOORBEELD,), Status.VERVALLEN, _("replacing the upload")),
    ],
    refuse=_refused,
)


def waiting(run: Leerlingimport) -> bool:
    """The run still waits for the user: its preview can be adjusted, confirmed or cancelled."""
    return MACHINE.allows(run.status, "confirm")


def transition(run: Leerlingimport, action: str, *, user, reason: str) -> Leerlingimport:
    """Refuse ``action`` unless the table allows it now; set the status it names and save ``run``
    (with the other changes made to it) with ``user`` and ``reason`` in its history."""
    user = user if user is not None and user.is_authenticated else None
    return MACHINE.apply(run, action, user=user, reason=reason)
