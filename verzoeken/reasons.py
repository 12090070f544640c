"""The history of a request names each step in the reader's language (``core.history.reason_label``).

The services store a step's reason in English (``history_change_reason`` is text, the same for
every reader). A fixed reason is a msgid (listed here for makemessages); a reason with a value
(months, outcome) is read back through its pattern.
"""

import re
from collections.abc import Callable

from django.utils.translation import gettext, gettext_noop, ngettext

from .models import Uitkomst

FIXED = (
    gettext_noop("received"),
    gettext_noop("appointment planned"),
    gettext_noop("identity checked"),
    gettext_noop("sent to the director"),
    gettext_noop("sent back by the director"),
    gettext_noop("answered"),
    gettext_noop("withdrawn by the requester"),
)


def _months(match: re.Match) -> str:
    n = int(match[1])
    return ngettext("deadline extended by %(n)d month", "deadline extended by %(n)d months", n) % {
        "n": n
    }


def _approved(match: re.Match) -> str:
    outcome = match[1]
    label = Uitkomst(outcome).label if outcome in Uitkomst.values else outcome
    return gettext("approved by the director: %(outcome)s") % {"outcome": label}


PATTERNS: tuple[tuple[re.Pattern, Callable[[re.Match], str]], ...] = (
    (re.compile(r"^deadline extended by (\d+) month\(s\)$"), _months),
    (re.compile(r"^approved by the director: (\w+)$"), _approved),
)


def request_reason(reason: str) -> str | None:
    """A request's reason with a value, in the reader's language (registered in apps.py)."""
    for pattern, label in PATTERNS:
        if match := pattern.match(reason):
            return label(match)
    return None
