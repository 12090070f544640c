"""The state machine of a request. ``MACHINE`` is its table (core/workflow.py); every step is
checked here (``check``) before ``services/steps.py`` carries it out, and ``transition`` is the
only place a request's status changes. An illegal step is refused with a message naming the rule.

    received ──record_identity──▶ identity checked ──submit──▶ awaiting review ──approve──▶ decided ──answer──▶ answered
        │                                  ▲                          │
        └──submit (refusal only)───────────┼──────────────────────────┘ send_back
    any open state ──withdraw──▶ withdrawn
    received / identity checked ──withdraw_by_requester (portal)──▶ withdrawn

- Nothing is released or granted before the identity check (seed 003): ``submit`` of anything but
  a refusal needs it, and so do ``approve`` and ``answer`` of anything but a refusal.
- Only the school's director reviews: ``approve`` and ``send_back``; nothing is answered before
  the director approved the decision (an access export is released only then).
- Every decision carries a reason.
- A rectification is answered only when every recipient of the corrected data was informed.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.workflow import StateMachine, Transition

from .access import director_school_ids, handler_school_ids
from .models import Soort, Status, Uitkomst

RULES = {
    "state": _("Rule “order of steps”: %(step)s is not possible while the request is “%(state)s”."),
    "identity_first": _(
        "Rule “identity first” (privacy statement 003): nothing is decided or released before the "
        "requester's identity has been checked with a legal ID document."
    ),
    "director_review": _(
        "Rule “director's review”: only the school's director reviews and approves the decision on a request."
    ),
    "approved_first": _(
        "Rule “director's review”: the answer is sent, and an access export released, only after the director approved."
    ),
    "handler": _(
        "Rule “who handles requests”: only the school's director, IB and administrative staff handle requests."
    ),
    "reason": _(
        "Rule “reasons”: every decision (granted, partly granted, refused) carries its reasons."
    ),
    "outcome": _("Rule “outcome”: choose granted, partly granted or refused."),
    "follow_ups": _(
        "Rule “recipients informed” (AVG art. 19): every recipient that received the corrected data must be "
        "informed, or the reason recorded why that is impossible, before the answer is sent."
    ),
    "fields": _(
        "Rule “rectification”: name the corrected fields before the request goes to the director."
    ),
    "export": _(
        "Rule “access export”: the export must be prepared before the director can approve it."
    ),
    "documents": _(
        "Rule “documents first”: the decision letter and any export are still being prepared. "
        "Send the answer once they are ready (reload this page in a moment)."
    ),
    "erasure": _("Rule “retention terms and legal duties”: %(reason)s"),
    "erasure_nothing": _(
        "Rule “decided per category” (AVG art. 17, 18, 21): the request reaches nothing in this "
        "file now, so it cannot be partly granted. %(reason)s"
    ),
    "extension_deadline": _(
        "Rule “extension” (AVG art. 12(3)): an extension must be decided and told to the requester before the first deadline."
    ),
    "extension_months": _("Rule “extension” (AVG art. 12(3)): at most two more months in total."),
    "extension_reason": _("Rule “extension” (AVG art. 12(3)): give the reasons for the extension."),
    "restricted": _(
        "Rule “restriction”: this pupil's data are restricted (AVG art. 18) and are not used."
    ),
}


def _back_to(verzoek) -> str:
    """Sent back, a request returns to "identity checked" if the identity was checked."""
    return Status.ID_GECONTROLEERD if verzoek.id_gecontroleerd else Status.ONTVANGEN


def _refused(step, state) -> "TransitionRefused":
    return TransitionRefused("state", step=step, state=state)


# The table: every status change of a request is one of these (``transition`` applies it).
MACHINE = StateMachine(
    [
        Transition(
            "record_identity",
            (Status.ONTVANGEN,),
            Status.ID_GECONTROLEERD,
            _("recording the identity check"),
        ),
        Transition(
            "submit",
            (Status.ONTVANGEN, Status.ID_GECONTROLEERD),
            Status.TER_BEOORDELING,
            _("sending to the director"),
        ),
        Transition("approve", (Status.TER_BEOORDELING,), Status.BESLOTEN, _("approving")),
        Transition(
            "send_back",
            (Status.TER_BEOORDELING,),
            (Status.ID_GECONTROLEERD, Status.ONTVANGEN),
            _("sending back"),
            choose=_back_to,
        ),
        Transition("answer", (Status.BESLOTEN,), Status.AFGEHANDELD, _("sending the answer")),
        Transition("withdraw", Status.open(), Status.INGETROKKEN, _("withdrawing")),
        # The requester withdraws in the portal only until the request goes to the director.
        Transition(
            "withdraw_by_requester",
            (Status.ONTVANGEN, Status.ID_GECONTROLEERD),
            Status.INGETROKKEN,
            _("withdrawing"),
        ),
        Transition(
            "extend",
            (Status.ONTVANGEN, Status.ID_GECONTROLEERD, Status.TER_BEOORDELING),
            None,
            _("extending the deadline"),
        ),
    ],
    refuse=_refused,
)

DIRECTOR_STEPS = ("approve", "send_back")
REQUESTER_STEPS = ("withdraw_by_requester",)


class TransitionRefused(ValidationError):
    """A step the rules do not allow. ``rule`` names it; the message names it to the user."""

    def __init__(self, rule: str, **params):
        message = RULES[rule] % params if params else RULES[rule]
        super().__init__(message, code=rule)
        self.rule = rule


def is_handler(user, verzoek) -> bool:
    if user.is_superuser:
        return True
    return verzoek.school_id in handler_school_ids(user)


def is_director_of(user, school_id) -> bool:
    if user.is_superuser:
        return True
    return school_id in director_school_ids(user)


def is_director(user, verzoek) -> bool:
    return is_director_of(user, verzoek.school_id)


def _check_decision(verzoek, uitkomst: str, motivering: str) -> None:
    if uitkomst not in Uitkomst.values:
        raise TransitionRefused("outcome")
    if not (motivering or "").strip():
        raise TransitionRefused("reason")
    if uitkomst != Uitkomst.AFGEWEZEN and not verzoek.id_gecontroleerd:
        raise TransitionRefused("identity_first")


def check(
    verzoek, step: str, *, user, uitkomst: str | None = None, motivering: str | None = None
) -> None:
    """Raise ``TransitionRefused`` unless ``user`` may take ``step`` on ``verzoek`` now."""
    MACHINE.check(verzoek, step)
    if step in DIRECTOR_STEPS:
        if not is_director(user, verzoek):
            raise TransitionRefused("director_review")
    elif not is_handler(user, verzoek):
        raise TransitionRefused("handler")

    if step == "submit":
        _check_decision(verzoek, uitkomst or "", motivering or "")
        if (
            verzoek.soort == Soort.RECTIFICATIE
            and uitkomst != Uitkomst.AFGEWEZEN
            and not verzoek.gewijzigde_velden
        ):
            raise TransitionRefused("fields")
    elif step == "approve":
        _check_decision(verzoek, verzoek.uitkomst, verzoek.motivering)
        if verzoek.levert_export and verzoek.uitkomst != Uitkomst.AFGEWEZEN:
            if not verzoek.documenten.filter(soort__startswith="afschrift_").exists():
                raise TransitionRefused("export")
    elif step == "answer":
        if verzoek.beoordelaar_id is None or verzoek.besloten_op is None:
            raise TransitionRefused("approved_first")
        _check_decision(verzoek, verzoek.uitkomst, verzoek.motivering)
        if verzoek.soort == Soort.RECTIFICATIE and any(
            not m.afgerond for m in verzoek.meldingen.all()
        ):
            raise TransitionRefused("follow_ups")
        from .services.documents import documents_pending

        if documents_pending(verzoek):
            raise TransitionRefused("documents")


def allowed_steps(
    verzoek, user, *, handler: bool | None = None, director: bool | None = None
) -> list[str]:
    """The steps ``user`` could take now (the page offers these).

    Each role is looked up at most once (one query), or not at all when the caller knows it.
    """
    steps = []
    for step in MACHINE.actions_from(verzoek.status):
        if step in REQUESTER_STEPS:
            continue
        if step in DIRECTOR_STEPS:
            if director is None:
                director = is_director(user, verzoek)
            if director:
                steps.append(step)
        else:
            if handler is None:
                handler = is_handler(user, verzoek)
            if handler:
                steps.append(step)
    return steps


def transition(verzoek, step: str, *, user, reason: str):
    """The only place a request's status changes: refuse ``step`` unless the table allows it from
    the current status, set the status the table names and save the request (with the other
    changes the step made) with ``user`` and ``reason`` in its history. Who may take the step,
    and the rules of the step, are checked first by ``check``."""
    return MACHINE.apply(verzoek, step, user=user, reason=reason)
