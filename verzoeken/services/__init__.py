"""Writes of the requests app, along their seams:

- ``steps``: the workflow operations (receive, check identity, extend, submit, approve, answer,
  withdraw, copies, restriction); the state changes go through ``workflow.transition``.
- ``documents``: the access export, the decision letter, downloads in the access log.
- ``notifications``: who is told (recipients of corrected data, deadline warnings via the outbox).
- ``common``: settings, request number, saving with a reason, erasure obstacles.

The names below are re-exported for callers outside the app; inside it, import from the module.
"""

from .common import erasure_obstacles, erasure_parts, instellingen_voor, new_kenmerk
from .documents import document_downloaded, make_export, render_besluit, requester_address
from .notifications import (
    changed_fields_since,
    create_deadline_warnings,
    create_follow_ups,
    follow_up_correction,
    mark_informed,
    send_deadline_warning,
    warning_recipients,
)
from .steps import (
    answer,
    approve,
    extend,
    file_request,
    lift_restriction,
    plan_appointment,
    record_copy,
    record_identity,
    restrict,
    send_back,
    submit,
    withdraw,
)

__all__ = [
    "answer",
    "approve",
    "changed_fields_since",
    "create_deadline_warnings",
    "create_follow_ups",
    "follow_up_correction",
    "document_downloaded",
    "erasure_obstacles",
    "erasure_parts",
    "extend",
    "file_request",
    "instellingen_voor",
    "lift_restriction",
    "make_export",
    "mark_informed",
    "new_kenmerk",
    "plan_appointment",
    "record_copy",
    "record_identity",
    "render_besluit",
    "requester_address",
    "restrict",
    "send_back",
    "send_deadline_warning",
    "submit",
    "warning_recipients",
    "withdraw",
]
