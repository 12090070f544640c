"""The states of a destruction list and the steps between them: ``LIST`` is its table
(core/workflow.py), applied by ``destruction.py`` and read by the admin (which buttons a list
offers, what happens next).

    open ──approve──▶ approved ──start (waiting period over)──▶ being carried out ──finish──▶ carried out
      └──cancel──▶ cancelled ◀──cancel──┘                               │             ▲
                                                     finish ▼          ▼ finish       │ finish
                        waiting for confirmation elsewhere ──finish──▶ not completed ─┘
                                                                  └──retry──▶ being carried out

A list is "carried out" only when every record on it is destroyed, taken off with a reason, or
held by a legal hold: never while a record could not be destroyed (``not completed``: the page
shows which, why, and what the director can do) or a deletion elsewhere is unconfirmed.
"""

from django.utils.translation import gettext_lazy as _

from core.workflow import StateMachine, Transition

from .models import Vernietigingslijst, VernietigingslijstItem

S = Vernietigingslijst.Status


def outcome(lijst) -> str:
    """Where ``finish`` leads: carried out only when no record failed and none waits for a
    confirmation of its deletion elsewhere."""
    Item = VernietigingslijstItem.Status
    statuses = set(lijst.items.values_list("status", flat=True).distinct())
    if Item.TE_BEVESTIGEN in statuses:
        return S.WACHT_OP_BEVESTIGING
    return S.ONVOLLEDIG if Item.MISLUKT in statuses else S.UITGEVOERD


LIST = StateMachine(
    [
        Transition(
            "approve",
            (S.OPEN,),
            S.GOEDGEKEURD,
            _("approving the list (the director types its name)"),
        ),
        Transition(
            "cancel",
            (S.OPEN, S.GOEDGEKEURD),
            S.GEANNULEERD,
            _("cancelling the list (before destruction begins)"),
        ),
        Transition(
            "start",
            (S.GOEDGEKEURD,),
            S.IN_UITVOERING,
            _("starting the destruction (the waiting period is over)"),
        ),
        Transition(
            "finish",
            (S.IN_UITVOERING, S.WACHT_OP_BEVESTIGING, S.ONVOLLEDIG),
            (S.UITGEVOERD, S.WACHT_OP_BEVESTIGING, S.ONVOLLEDIG),
            _(
                "closing the list once nothing is left to destroy here: carried out only if no record failed "
                "and every deletion elsewhere is confirmed"
            ),
            choose=outcome,
        ),
        Transition(
            "retry",
            (S.ONVOLLEDIG,),
            S.IN_UITVOERING,
            _("trying the records that could not be destroyed again"),
        ),
    ]
)
