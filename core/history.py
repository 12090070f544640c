"""Saving a tracked record with who changed it and why, or with no history row at all.

django-simple-history reads these instance attributes when it writes the history row; the
library ships no types, so this module is the one place that sets them.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext


def save_with_history(obj: Model, *, user: Any, reason: str | None = None, **kwargs: Any) -> None:
    """Save ``obj``; its history row names ``user`` and ``reason`` (cut to the row's 100)."""
    obj._history_user = user  # type: ignore[attr-defined]  # read by simple-history, untyped
    if reason is not None:
        obj._change_reason = reason[:100]  # type: ignore[attr-defined]  # idem
    obj.save(**kwargs)


def save_without_history(obj: Model, **kwargs: Any) -> None:
    """Save ``obj`` and write no history row (erasure: the rows are purged or emptied next)."""
    obj.skip_history_when_saving = True  # type: ignore[attr-defined]  # idem
    try:
        obj.save(**kwargs)
    finally:
        del obj.skip_history_when_saving  # type: ignore[attr-defined]  # idem


# A reason is stored in English, the same for every reader; it is shown in the reader's language.
# Fixed reasons are msgids (marked with gettext_noop where they are written); an app whose reasons
# carry a value (months, an outcome) registers a labeller for them from its AppConfig.ready().
_reason_labellers: list[Callable[[str], str | None]] = []


def register_reason_labeller(labeller: Callable[[str], str | None]) -> None:
    """``labeller(reason)`` returns the reason in the reader's language, or None if not its own."""
    if labeller not in _reason_labellers:
        _reason_labellers.append(labeller)


def reason_label(reason: str | None) -> str:
    if not reason:
        return ""
    for labeller in _reason_labellers:
        label = labeller(reason)
        if label is not None:
            return label
    return gettext(reason)
