"""Saving a tracked record with who changed it and why, or with no history row at all.

django-simple-history reads these instance attributes when it writes the history row; the
library ships no types, so this module is the one place that sets them.
"""

from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext

from core.sql import id_conditions


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


def copy_to_history(
    model: type[Model],
    pks: list,
    *,
    history_type: str,
    user: Any = None,
    reason: str | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> int:
    """Write the history row of each row ``pks`` of ``model`` as it is now, in one statement the
    server runs (``INSERT … SELECT``): what a save writes row by row, for a batch written with
    ``bulk_create`` or ``update()``. ``history_type`` is "+" (created) or "~" (changed)."""
    history = getattr(model, model._meta.simple_history_manager_attribute).model  # type: ignore[attr-defined]  # set by simple-history
    if not pks:
        return 0
    connection = connections[using]
    q = connection.ops.quote_name
    hist_columns = {f.column for f in history._meta.concrete_fields}
    cols = ", ".join(
        q(str(f.column)) for f in model._meta.concrete_fields if f.column in hist_columns
    )
    written = 0
    with connection.cursor() as cursor:
        for condition, ids in id_conditions(connection, q(str(model._meta.pk.column)), pks):
            cursor.execute(
                f"INSERT INTO {q(history._meta.db_table)} ({cols}, history_date, "  # noqa: S608 - names from _meta
                f"history_change_reason, history_type, history_user_id) "
                f"SELECT {cols}, %s, %s, %s, %s FROM {q(model._meta.db_table)} "
                f"WHERE {condition}",
                [
                    timezone.now(),
                    reason[:100] if reason else None,
                    history_type,
                    getattr(user, "pk", user),
                    *ids,
                ],
            )
            written += cursor.rowcount
    return written


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
