"""The state machine of a request. Every step is checked here before ``services.py`` carries it
out; an illegal step is refused with a message that names the rule.

    received ──record_identity──▶ identity checked ──submit──▶ awaiting review ──approve──▶ decided ──answer──▶ answered
        │                                  ▲                          │
        └──submit (refusal only)───────────┼──────────────────────────┘ send_back
    any open state ──withdraw──▶ withdrawn

- Nothing is released or granted before the identity check (seed 003): ``submit`` of anything but
  a refusal needs it, and so do ``approve`` and ``answer`` of anything but a refusal.
- Only the school's director reviews: ``approve`` and ``send_back``; nothing is answered before
  the director approved the decision (an access export is released only then).
- Every decision carries a reason.
- A rectification is answered only when every recipient of the corrected data was informed.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

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
    "handler": _("Rule “who handles requests”: only the school's director, IB and administrative staff handle requests."),
    "reason": _("Rule “reasons”: every decision (granted, partly granted, refused) carries its reasons."),
    "outcome": _("Rule “outcome”: choose granted, partly granted or refused."),
    "follow_ups": _(
        "Rule “recipients informed” (AVG art. 19): every recipient that received the corrected data must be "
        "informed, or the reason recorded why that is impossible, before the answer is sent."
    ),
    "fields": _("Rule “rectification”: name the corrected fields before the request goes to the director."),
    "export": _("Rule “access export”: the export must be prepared before the director can approve it."),
    "erasure": _("Rule “retention terms and legal duties”: %(reason)s"),
    "extension_deadline": _(
        "Rule “extension” (AVG art. 12(3)): an extension must be decided and told to the requester before the first deadline."
    ),
    "extension_months": _("Rule “extension” (AVG art. 12(3)): at most two more months in total."),
    "extension_reason": _("Rule “extension” (AVG art. 12(3)): give the reasons for the extension."),
    "restricted": _("Rule “restriction”: this pupil's data are restricted (AVG art. 18) and are not used."),
}

STEP_NAMES = {
    "record_identity": _("recording the identity check"),
    "submit": _("sending to the director"),
    "approve": _("approving"),
    "send_back": _("sending back"),
    "answer": _("sending the answer"),
    "withdraw": _("withdrawing"),
    "extend": _("extending the deadline"),
}

TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "record_identity": ((Status.ONTVANGEN,), Status.ID_GECONTROLEERD),
    "submit": ((Status.ONTVANGEN, Status.ID_GECONTROLEERD), Status.TER_BEOORDELING),
    "approve": ((Status.TER_BEOORDELING,), Status.BESLOTEN),
    "send_back": ((Status.TER_BEOORDELING,), None),  # back to received / identity checked
    "answer": ((Status.BESLOTEN,), Status.AFGEHANDELD),
    "withdraw": (Status.open(), Status.INGETROKKEN),
    "extend": ((Status.ONTVANGEN, Status.ID_GECONTROLEERD, Status.TER_BEOORDELING), None),
}


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


def _check_state(verzoek, step: str) -> None:
    sources, _target = TRANSITIONS[step]
    if verzoek.status not in sources:
        raise TransitionRefused("state", step=STEP_NAMES[step], state=verzoek.get_status_display())


def _check_decision(verzoek, uitkomst: str, motivering: str) -> None:
    if uitkomst not in Uitkomst.values:
        raise TransitionRefused("outcome")
    if not (motivering or "").strip():
        raise TransitionRefused("reason")
    if uitkomst != Uitkomst.AFGEWEZEN and not verzoek.id_gecontroleerd:
        raise TransitionRefused("identity_first")


def check(verzoek, step: str, *, user, uitkomst: str | None = None, motivering: str | None = None) -> None:
    """Raise ``TransitionRefused`` unless ``user`` may take ``step`` on ``verzoek`` now."""
    _check_state(verzoek, step)
    if step in ("approve", "send_back"):
        if not is_director(user, verzoek):
            raise TransitionRefused("director_review")
    elif not is_handler(user, verzoek):
        raise TransitionRefused("handler")

    if step == "submit":
        _check_decision(verzoek, uitkomst or "", motivering or "")
        if verzoek.soort == Soort.RECTIFICATIE and uitkomst != Uitkomst.AFGEWEZEN and not verzoek.gewijzigde_velden:
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
        if verzoek.soort == Soort.RECTIFICATIE and any(not m.afgerond for m in verzoek.meldingen.all()):
            raise TransitionRefused("follow_ups")


def allowed_steps(verzoek, user, *, handler: bool | None = None, director: bool | None = None) -> list[str]:
    """The steps ``user`` could take now (the page offers these).

    Each role is looked up at most once (one query), or not at all when the caller knows it.
    """
    steps = []
    for step, (sources, _target) in TRANSITIONS.items():
        if verzoek.status not in sources:
            continue
        if step in ("approve", "send_back"):
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


def target_of(step: str) -> str | None:
    return TRANSITIONS[step][1]
