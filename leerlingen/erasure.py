"""THE erasure service (DESIGN.md §4). Retention destruction and erasure requests both use it.

``erase_records`` deletes a batch of records, everything that hangs from them and all their
history rows, set-based (a query per model and relation, not per record), in one transaction:
all of them or none. It leaves a tombstone (``VernietigdRecord``) per record: which kind of
record, when, on what ground, decided by whom, what went with it — no personal data.
``erase_record`` is the same service for one record (a batch of one).

What "hangs from it" is discovered, not listed: a plan per model (``_plan``), computed once from
the model graph, follows every relation with ``on_delete=CASCADE`` (and every generic relation)
recursively, in every installed app (consent, requests, disclosures...); SET_NULL, SET_DEFAULT
and SET(...) references are set, and a record that stays and refers through PROTECT or RESTRICT
refuses the erasure. The plan is carried out a level at a time with set-based SQL
(``DELETE … WHERE fk = ANY(parent ids) RETURNING id, fk``, on PostgreSQL a level in one
statement), so each row is counted with the record it went with. For every model that went and
has a simple-history ``history`` manager the history rows of its ids are purged;
many-to-many history rows (``m2m_fields``) that point at one are purged too, and so are the
admin's log entries, whose ``object_repr`` holds the record's name. Deleting writes no "-"
history rows (they would be purged at once); other delete receivers (a recording's file) are
sent with the rows, loaded for them. Records that must outlive the pupil in anonymised form (a
request in the request register) are anonymised first by their own app, through a hook the app
registers in its ``AppConfig.ready`` and that works on a batch of pupil ids: see
``register_hook``.

A guardian (Ouder) is erased with the last pupil who links to them; a portal account of the
pupil or guardian goes with them.
"""

from __future__ import annotations

import json
import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any, cast

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connections, models, router, transaction
from django.db.models import ForeignObjectRel, signals
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.history import copy_to_history, save_without_history
from core.sql import array_literal, id_conditions

logger = logging.getLogger(__name__)

HISTORY_KEY = "history"

# A statement of a batch for ``_together``: (sql with ``{where}``, column of the condition, the
# values it takes, the other parameters, the number of columns it returns).
_Part = tuple[str, str, list, list, int]


def column_of(field: models.Field | ForeignObjectRel) -> str:
    """The database column of a concrete field. (Django's stubs allow a field without a column,
    or a reverse relation, where ``_meta.get_field`` could find one.)"""
    assert isinstance(field, models.Field) and field.column is not None, field
    return field.column


class ErasureRefused(Exception):
    """The record may not be erased now (a legal hold, a record that must be kept refers to it).

    The message names kinds of records and rules only, never personal data. ``code`` and
    ``params`` say the same for storing: ``referenced`` (``kinds``: model labels) or ``hold``
    (``reden``: the hold's ground), read back by ``retention.destruction.failure_text``.
    """

    def __init__(self, message, *, code: str = "", params: dict | None = None):
        super().__init__(message)
        self.code, self.params = code, params or {}


@dataclass
class ErasureResult:
    counts: Counter = field(default_factory=Counter)
    per_record: list[Counter] = field(default_factory=list)  # per record given, in that order
    tombstone_rows: list[dict] = field(default_factory=list)  # as written, with their "id"
    using: str = DEFAULT_DB_ALIAS

    @cached_property
    def tombstones(self) -> list:
        """The tombstones written (``VernietigdRecord`` instances, made when first asked for)."""
        from .models import VernietigdRecord

        out = []
        for row in self.tombstone_rows:
            tomb = VernietigdRecord(**row)
            tomb._state.adding, tomb._state.db = False, self.using
            out.append(tomb)
        return out


# --- discovery -----------------------------------------------------------------------------


def history_model_for(model) -> type[models.Model] | None:
    """The simple-history model of ``model``, or None when it is not tracked."""
    attr = getattr(model._meta, "simple_history_manager_attribute", None)
    if not attr:
        return None
    manager = getattr(model, attr, None)
    return manager.model if manager is not None else None


@cache
def m2m_history_models() -> tuple[tuple[type[models.Model], tuple[models.ForeignKey, ...]], ...]:
    """Many-to-many history models and their foreign keys to live models.

    simple-history stores the through rows of ``m2m_fields`` in a model with a ``history``
    foreign key to the historical record; the other foreign keys point at live models.
    """
    found = []
    for model in apps.get_models():
        try:
            history_fk = model._meta.get_field("history")
        except Exception:  # noqa: BLE001 - no such field
            continue
        if not isinstance(history_fk, models.ForeignKey) or not hasattr(
            history_fk.related_model, "instance_type"
        ):
            continue
        fks = tuple(
            f
            for f in model._meta.fields
            if isinstance(f, models.ForeignKey)
            and f.name != "history"
            and not hasattr(f.related_model, "instance_type")
        )
        found.append((model, fks))
    return tuple(found)


# --- hooks: filled by the feature apps in their AppConfig.ready ----------------------------

HOOKS = ("anonymise_for_erasure",)  # retention producers: ``retention/producers.py``
_hooks: dict[str, list[Callable]] = {name: [] for name in HOOKS}


def register_hook(name: str, function: Callable) -> None:
    """Register ``function`` as the hook ``name`` of a feature app (from its ``AppConfig.ready``).

    The register imports no feature app: each app plugs its hooks in here. Registering the same
    function twice is a no-op, so a second ``ready()`` (tests) adds nothing.
    """
    if name not in _hooks:
        raise ValueError(f"unknown erasure hook {name!r}; known: {', '.join(HOOKS)}")
    if function not in _hooks[name]:
        _hooks[name].append(function)


def app_hooks(function_name: str) -> list[Callable]:
    """The functions the feature apps registered as ``function_name``."""
    return list(_hooks[function_name])


def anonymise_dependants_before_erasure(leerling_ids: list) -> None:
    """Let each app anonymise what must outlive the pupils before the pupils are erased.

    Calls every registered ``anonymise_for_erasure(leerling_ids)`` hook (see ``register_hook``)
    once for a batch of pupils, inside the erasure's transaction; a hook works set-based on the
    ids. A request (verzoeken) is kept in the request register without the pupil: kind, dates,
    roles, outcome. A hook must detach what it keeps from the pupils (remove the relation, or
    set it to NULL), or the record is collected and erased with the pupil. A disclosure (delen)
    is kept anonymised: recipient, date, legal basis, field names; a police demand about the
    pupil is kept without the pupil.
    """
    for hook in app_hooks("anonymise_for_erasure"):
        hook(list(leerling_ids))


# --- the service ---------------------------------------------------------------------------


def _label(model) -> str:
    return model._meta.label


def _refused_kinds(kinds) -> ErasureRefused:
    kinds = sorted(set(kinds))
    return ErasureRefused(
        _("Records that must be kept refer to this record: %(kinds)s.")
        % {"kinds": ", ".join(kinds) or "?"},
        code="referenced",
        params={"kinds": kinds},
    )


def _receivers(signal, model) -> list[Callable] | None:
    """The ``signal`` (pre/post_delete) receivers of ``model`` other than simple-history's: its
    ``post_delete`` writes a "-" history row per deleted row, which the erasure purges right
    after, and its ``pre_delete`` loads the fields for that row. None when a receiver is
    asynchronous: then the signal is sent as Django sends it."""
    from simple_history.models import HistoricalRecords

    sync_receivers, async_receivers = signal._live_receivers(model)
    if async_receivers:
        return None
    return [
        r for r in sync_receivers if not isinstance(getattr(r, "__self__", None), HistoricalRecords)
    ]


DELETE_SIGNALS = (signals.pre_delete, signals.post_delete)


def _needs_instances(model) -> bool:
    """Whether deleting rows of ``model`` must send delete signals (a receiver other than
    simple-history's, e.g. a recording's file): then its rows are loaded before they go."""
    return not model._meta.auto_created and any(
        _receivers(signal, model) != [] for signal in DELETE_SIGNALS
    )


def _send(signal, model, instances, using, origin) -> None:
    receivers = _receivers(signal, model)
    if receivers == []:
        return
    for obj in instances:
        if receivers is None:
            signal.send(sender=model, instance=obj, using=using, origin=origin)
            continue
        for receiver in receivers:
            receiver(signal=signal, sender=model, instance=obj, using=using, origin=origin)


# --- the plan: what goes with a row of a model, derived once from the model graph ------------


@dataclass(frozen=True)
class _Cascade:
    """Rows of ``model`` that go with the parent row: ``column`` refers to the parent's key (for
    a generic relation, ``ct_column`` holds the parent's content type)."""

    model: Any
    field: Any  # the referring field (attname for loading instances, to_python for ids)
    column: str
    ct_column: str = ""
    ct_model: Any = None


@dataclass(frozen=True)
class _Plan:
    """How to erase rows of ``model`` set-based: the relations that go with it (CASCADE and
    generic relations), are set (SET_NULL, SET_DEFAULT, SET(…)) or forbid it (PROTECT, RESTRICT),
    its history table, and the many-to-many history tables that point at it."""

    model: Any
    table: str
    pk_column: str
    cascades: tuple[_Cascade, ...]
    sets: tuple[tuple[Any, Any], ...]  # (field, value or callable)
    blockers: tuple[tuple[Any, str], ...]  # (model, column): PROTECT / RESTRICT
    history: tuple[str, str] | None  # (table, column of the id)
    m2m_history: tuple[tuple[str, str], ...]  # (table, column)


class UnsupportedRelation(TypeError):
    """A relation the set-based erasure does not know how to follow (a new kind of on_delete,
    multi-table inheritance): erasure refuses to guess. ``tests`` build every model's plan."""


def _on_delete_kind(field) -> tuple[str, Any]:
    on_delete = field.remote_field.on_delete
    if on_delete is models.CASCADE:
        return "cascade", None
    if on_delete in (models.PROTECT, models.RESTRICT):
        return "block", None
    if on_delete is models.SET_NULL:
        return "set", None
    if on_delete is models.SET_DEFAULT:
        return "set", field.get_default
    if on_delete is models.DO_NOTHING:
        return "nothing", None
    deconstruct = getattr(on_delete, "deconstruct", None)
    if deconstruct is not None:
        path, args, _kwargs = deconstruct()
        if path == "django.db.models.SET" and len(args) == 1:
            return "set", args[0]
    raise UnsupportedRelation(
        f"{field.model._meta.label}.{field.name}: on_delete={on_delete!r} is not supported"
    )


@cache
def _plan(model) -> _Plan:
    """The plan for rows of ``model`` (concrete), from its ``_meta``: nothing is listed by hand."""
    from django.contrib.contenttypes.fields import GenericRelation
    from django.db.models.deletion import get_candidate_relations_to_delete

    opts = model._meta
    if opts.parents:
        raise UnsupportedRelation(f"{opts.label}: multi-table inheritance is not supported")
    cascades, sets, blockers = [], [], []
    # Django's stubs say these are fields: they are the reverse relations (``rel.field`` is the fk).
    relations = cast("Iterable[ForeignObjectRel]", get_candidate_relations_to_delete(opts))
    for rel in relations:
        fk = rel.field
        kind, value = _on_delete_kind(fk)
        if kind == "nothing":
            continue
        if not fk.target_field.primary_key:
            raise UnsupportedRelation(f"{fk.model._meta.label}.{fk.name}: refers to a non-key")
        child = rel.related_model._meta.concrete_model
        assert child is not None  # set for every installed model
        if kind == "cascade":
            if child._meta.parents:
                raise UnsupportedRelation(
                    f"{child._meta.label}: multi-table inheritance is not supported"
                )
            cascades.append(_Cascade(child, fk, column_of(fk)))
        elif kind == "set":
            sets.append((fk, value))
        else:
            blockers.append((child, column_of(fk)))
    for private in opts.private_fields:
        if isinstance(private, GenericRelation):
            child = private.related_model._meta.concrete_model
            assert child is not None  # set for every installed model
            cascades.append(
                _Cascade(
                    child,
                    child._meta.get_field(private.object_id_field_name),
                    column_of(child._meta.get_field(private.object_id_field_name)),
                    ct_column=column_of(child._meta.get_field(private.content_type_field_name)),
                    ct_model=model if private.for_concrete_model else opts.model,
                )
            )
    history_model = history_model_for(model)
    history = None
    if history_model is not None:
        history = (
            history_model._meta.db_table,
            column_of(history_model._meta.get_field(opts.pk.attname)),
        )
    m2m_history = tuple(
        (m2m_model._meta.db_table, fk.column)
        for m2m_model, fks in m2m_history_models()
        for fk in fks
        if fk.related_model._meta.concrete_model is model
    )
    return _Plan(
        model=model,
        table=opts.db_table,
        pk_column=opts.pk.column,
        cascades=tuple(cascades),
        sets=tuple(sets),
        blockers=tuple(blockers),
        history=history,
        m2m_history=m2m_history,
    )


def _run(cursor, connection, sql: str, column_sql: str, values, params=()) -> list[tuple]:
    """Run ``sql`` (with ``{where}`` for the condition on ``column_sql``) over ``values``: one
    statement on PostgreSQL (an array), chunks on SQLite; the rows it returns, if any."""
    out: list[tuple] = []
    for condition, ids in id_conditions(connection, column_sql, values):
        cursor.execute(sql.format(where=condition), [*params, *ids])
        if cursor.description is not None:
            out.extend(cursor.fetchall())
    return out


def _together(cursor, connection, parts: list[_Part]) -> list[list]:
    """Run ``parts``, each (sql with ``{where}``, column_sql, values, params before the ids,
    number of columns it returns as ``c0``/``c1``: a DELETE or SELECT, or 0 for an UPDATE), and
    return the rows of each. On PostgreSQL in one statement (data-modifying CTEs: each runs to
    completion on the same snapshot, the rows come back as text); elsewhere a statement each."""
    out: list[list] = [[] for _ in parts]
    todo = [n for n, part in enumerate(parts) if part[2]]  # a part without ids has no rows
    if connection.vendor != "postgresql" or len(todo) <= 1:
        for n in todo:
            sql, col, values, params, _ncols = parts[n]
            out[n] = _run(cursor, connection, sql, col, values, params)
        return out
    ctes, selects, all_params = [], [], []
    for n in todo:
        sql, col, values, params, ncols = parts[n]
        [(condition, ids)] = list(id_conditions(connection, col, values))
        ctes.append(f"p{n} AS ({sql.format(where=condition)})")
        all_params += [*params, *ids]
        if ncols:
            second = "c1::text" if ncols > 1 else "NULL"
            selects.append(f"SELECT {n}, c0::text, {second} FROM p{n}")
    selects = selects or ["SELECT NULL, NULL, NULL WHERE false"]
    cursor.execute(f"WITH {', '.join(ctes)} {' UNION ALL '.join(selects)}", all_params)
    for n, c0, c1 in cursor.fetchall():
        out[n].append((c0, c1) if parts[n][4] > 1 else (c0,))
    return out


def _purge_many(objs: Sequence[Any], using: str) -> tuple[Counter, list[Counter]]:
    """Delete ``objs`` (of one or more models) with every dependant that goes with them and all
    their history rows, set-based. Returns the counts in all and per object of ``objs`` (its
    dependants and their history attributed to it).

    The dependants are found level by level from the plan of each model (``_plan``):
    ``DELETE FROM child WHERE fk = ANY(parent ids) RETURNING id, fk`` tells which row went with
    which record. On PostgreSQL the statements of a level go as one (``_together``): a purge is
    a handful of statements (the records, each level of dependants, the references set to NULL,
    the check below, the history and log rows), whatever the number of relations. Rows of a
    model with a delete receiver other than simple-history's (a recording's file) are loaded
    first and the signals sent for them; no "-" history rows are written (they would be purged
    right after). Raises ``ErasureRefused`` (the caller's transaction rolls back: nothing went)
    when a row that stays refers through PROTECT or RESTRICT to a row that went.
    """
    from django.contrib.admin.models import LogEntry

    per_obj: list[Counter] = [Counter() for _ in objs]
    counts: Counter = Counter()
    if not objs:
        return counts, per_obj
    connection = connections[using]
    q = connection.ops.quote_name
    origin = objs[0]
    # Every row that went, per model: its id -> index of the record it went with.
    owner: dict[Any, dict[Any, int]] = defaultdict(dict)
    groups: dict[Any, list] = defaultdict(list)
    for o in objs:
        groups[o._meta.concrete_model].append(o)
    index = {(o._meta.concrete_model, o.pk): i for i, o in enumerate(objs)}

    def delete_sql(plan: _Plan, extra: str = "", returning: str = "") -> str:
        return (
            f"DELETE FROM {q(plan.table)} WHERE {extra}{{where}} "  # noqa: S608 - names from _meta
            f"RETURNING {q(plan.pk_column)} AS c0, {q(returning)} AS c1"
        )

    with transaction.atomic(using=using, savepoint=False), connection.cursor() as cursor:

        def delete_loaded(plan: _Plan, instances: list, ref_attname: str) -> list:
            """Delete the rows ``instances`` (loaded for the signals), sending them."""
            _send(signals.pre_delete, plan.model, instances, using, origin)
            rows = _run(
                cursor,
                connection,
                delete_sql(plan, returning=plan.pk_column),
                q(plan.pk_column),
                [o.pk for o in instances],
            )
            gone = {pk for pk, _pk in rows}
            went = [o for o in instances if o.pk in gone]
            _send(signals.post_delete, plan.model, went, using, origin)
            return [(o.pk, getattr(o, ref_attname)) for o in went]

        # The records themselves.
        level: list[tuple[Any, list]] = []
        parts: list[_Part] = []
        models_of = []
        for model, group in groups.items():
            plan = _plan(model)
            if _needs_instances(model):
                rows: list[tuple] = [(pk, None) for pk, _pk in delete_loaded(plan, group, "pk")]
                level.append((model, _took(model, rows, index, owner, per_obj, counts)))
                continue
            parts.append(
                (
                    delete_sql(plan, returning=plan.pk_column),
                    q(plan.pk_column),
                    [o.pk for o in group],
                    [],
                    2,
                )
            )
            models_of.append(model)
        for model, rows in zip(models_of, _together(cursor, connection, parts), strict=True):
            to_pk = model._meta.pk.to_python
            rows = [(to_pk(pk), None) for pk, _pk in rows]
            level.append((model, _took(model, rows, index, owner, per_obj, counts)))

        while level:  # the dependants of the rows that went, a level at a time
            next_level: list[tuple[Any, list]] = []
            parts, sets, todo = [], [], []
            for model, ids in level:
                if not ids:
                    continue
                plan = _plan(model)
                parent_owner = owner[model]
                for fk, value in plan.sets:
                    value = fk.get_db_prep_save(value() if callable(value) else value, connection)
                    sets.append(
                        (
                            f"UPDATE {q(fk.model._meta.db_table)} SET {q(fk.column)} = %s "  # noqa: S608
                            f"WHERE {{where}}",
                            q(fk.column),
                            ids,
                            [value],
                            0,
                        )
                    )
                for cascade in plan.cascades:
                    child = cascade.model
                    child_plan = _plan(child)
                    values: list = ids
                    ct, back = None, None
                    if cascade.ct_column:
                        ct_id = (
                            ContentType.objects.db_manager(using).get_for_model(cascade.ct_model).pk
                        )
                        ct = (cascade.ct_column, ct_id)
                        values = [
                            cascade.field.get_prep_value(cascade.field.to_python(v)) for v in ids
                        ]
                        back = {str(v): pk for v, pk in zip(values, ids, strict=True)}
                    if _needs_instances(child):
                        filters: dict[str, Any] = {f"{cascade.field.attname}__in": values}
                        if ct is not None:
                            filters[child._meta.get_field(ct[0]).attname] = ct[1]
                        instances = list(
                            child._base_manager.using(using).filter(**filters).order_by()
                        )
                        if instances:
                            rows = delete_loaded(child_plan, instances, cascade.field.attname)
                            rows = [(pk, back[str(ref)] if back else ref) for pk, ref in rows]
                            taken = _took(child, rows, parent_owner, owner, per_obj, counts)
                            next_level.append((child, taken))
                        continue
                    extra, params = "", []
                    if ct is not None:
                        extra, params = f"{q(ct[0])} = %s AND ", [ct[1]]
                    parts.append(
                        (
                            delete_sql(child_plan, extra, cascade.column),
                            q(cascade.column),
                            values,
                            params,
                            2,
                        )
                    )
                    todo.append((child, cascade, back, parent_owner))
            if parts:
                for (child, cascade, back, parent_owner), rows in zip(
                    todo, _together(cursor, connection, parts), strict=True
                ):
                    if not rows:
                        continue
                    to_pk = child._meta.pk.to_python
                    if back is not None:
                        rows = [(to_pk(pk), back.get(str(ref))) for pk, ref in rows]
                    else:
                        to_ref = cascade.field.target_field.to_python
                        rows = [(to_pk(pk), to_ref(ref)) for pk, ref in rows]
                    next_level.append(
                        (child, _took(child, rows, parent_owner, owner, per_obj, counts))
                    )
            if sets:  # after the deletes: a row that went is not set first
                _together(cursor, connection, sets)
            level = next_level

        # A row that stays may not refer through PROTECT or RESTRICT to a row that went.
        parts, kinds = [], []
        for model, own in owner.items():
            for blocker, column in _plan(model).blockers:
                parts.append(
                    (
                        f"SELECT 1 AS c0 FROM {q(blocker._meta.db_table)} "  # noqa: S608
                        f"WHERE {{where}} LIMIT 1",
                        q(column),
                        list(own),
                        [],
                        1,
                    )
                )
                kinds.append(blocker._meta.label)
        if parts:
            blocking = {
                k
                for k, rows in zip(kinds, _together(cursor, connection, parts), strict=True)
                if rows
            }
            if blocking:
                raise _refused_kinds(blocking)

        # The history rows of every row that went, and the many-to-many history rows pointing
        # at one, attributed through the id they carry; and the admin's log entries, whose
        # object_repr holds the record's name.
        log = LogEntry._meta
        parts = []
        owners: list[tuple[dict[Any, int], Callable[[Any], Any]] | None] = []
        for model, own in owner.items():
            if not own:
                continue
            plan = _plan(model)
            tables = ([plan.history] if plan.history else []) + list(plan.m2m_history)
            for table, column in tables:
                parts.append(
                    (
                        f"DELETE FROM {q(table)} WHERE {{where}} RETURNING {q(column)} AS c0",  # noqa: S608
                        q(column),
                        list(own),
                        [],
                        1,
                    )
                )
                owners.append((own, model._meta.pk.to_python))
            log_ct = ContentType.objects.db_manager(using).get_for_model(
                model, for_concrete_model=False
            )
            parts.append(
                (
                    f"DELETE FROM {q(log.db_table)} WHERE "  # noqa: S608 - names from _meta
                    f"{q(column_of(log.get_field('content_type')))} = %s AND {{where}}",
                    q(column_of(log.get_field("object_id"))),
                    [str(pk) for pk in own],
                    [log_ct.pk],
                    0,
                )
            )
            owners.append(None)
        history_rows = 0
        for found, rows in zip(owners, _together(cursor, connection, parts), strict=True):
            if found is None or not rows:
                continue
            own, to_pk = found
            for (pk,) in rows:
                per_obj[own.get(to_pk(pk), 0)][HISTORY_KEY] += 1
            history_rows += len(rows)
        if history_rows:
            counts[HISTORY_KEY] += history_rows

    for o in objs:
        if o.pk in owner[o._meta.concrete_model]:
            setattr(o, o._meta.pk.attname, None)
    return counts, per_obj


def _took(model, rows, parent_of, owner, per_obj, counts) -> list:
    """Record the rows (id, parent id) of ``model`` that went: each with the record its parent
    went with (``parent_of``: parent id -> record index, or for the records themselves
    (model, id) -> index). Returns their ids."""
    own = owner[model]
    label = model._meta.label
    ids = []
    for pk, ref in rows:
        if ref is None:  # a record itself
            i = parent_of.get((model, pk), 0)
        else:
            i = parent_of.get(ref, 0)  # 0: not expected, every row has a parent
        own[pk] = i
        per_obj[i][label] += 1
        ids.append(pk)
    counts[label] += len(rows)
    return ids


def _erase_accounts(user_ids: list, using: str) -> dict:
    """Erase portal accounts (never a staff account). If a record that must be kept refers to an
    account, it is emptied and disabled instead, and its history purged. Returns the counts per
    user id."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    users = list(
        User.objects.using(using)
        .filter(pk__in=[u for u in user_ids if u], is_staff=False, is_superuser=False)
        .order_by("pk")
    )
    if not users:
        return {}
    _erase_login_records([u.get_username() for u in users], using)
    ids = [u.pk for u in users]
    try:
        with transaction.atomic(using=using):
            _counts, per_user = _purge_many(users, using)
        return dict(zip(ids, per_user, strict=True))
    except ErasureRefused:
        if len(users) == 1:
            return {ids[0]: _empty_account(users[0], using)}
    out = {}  # one of them is referred to by a record that must be kept: one by one
    for user in users:
        try:
            with transaction.atomic(using=using):
                out[user.pk] = _purge_many([user], using)[0]
        except ErasureRefused:
            out[user.pk] = _empty_account(user, using)
    return out


def _empty_account(user, using: str) -> Counter:
    from django.contrib.auth import get_user_model

    user.username = f"erased-{user.pk}"
    user.first_name = user.last_name = user.email = ""
    user.is_active = False
    user.set_unusable_password()
    save_without_history(user)
    history_model = history_model_for(get_user_model())
    n = (
        history_model._default_manager.using(using).filter(id=user.pk).delete()[0]
        if history_model
        else 0
    )
    return Counter({HISTORY_KEY: n})


def _erase_login_records(usernames: list[str], using: str) -> None:
    """django-axes keeps the user name of log-ins and failed log-ins: they go with the account."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.using(using).filter(username__in=usernames).delete()


@dataclass(frozen=True)
class Target:
    """One record to erase, with what its tombstone says beyond the batch's ground and decider."""

    obj: models.Model
    categorie: str = ""
    termijn_omschrijving: str = ""
    item: object = None


def _tombstone(
    *,
    obj,
    object_id,
    grond,
    besloten_door,
    besloten_door_naam,
    categorie,
    termijn_omschrijving,
    item,
    verzoek_kenmerk,
    counts,
    school_id=None,
    bestuur_id=None,
    now=None,
) -> dict:
    """The row of a tombstone (``VernietigdRecord``) by field attname; no personal data."""
    return {
        "school_id": school_id,
        "bestuur_id": bestuur_id,
        "soort": _label(obj.__class__),
        "soort_naam": _kind_name(obj.__class__),
        "object_id": str(object_id),
        "categorie": categorie,
        "grond": grond,
        "termijn_omschrijving": termijn_omschrijving,
        "verzoek_kenmerk": verzoek_kenmerk,
        "besloten_door_id": getattr(besloten_door, "pk", besloten_door),
        "besloten_door_naam": besloten_door_naam,
        "item_id": getattr(item, "pk", item),
        "vernietigd_op": now or timezone.now(),
        "aantallen": dict(sorted(counts.items())),
    }


def _kind_name(model) -> str:
    """The kind of record in the active language (read once per kind and language)."""
    return _kind_names(model, translation.get_language())


@cache
def _kind_names(model, _language) -> str:
    return str(model._meta.verbose_name)


def _write_tombstones(rows: list[dict], *, user, using: str) -> None:
    """Insert the tombstones ``rows`` (setting each row's "id") and their history rows ("+", as
    a save would write them). On PostgreSQL one ``INSERT … SELECT FROM unnest(arrays)``: a
    statement whose size does not grow with the rows; elsewhere ``bulk_create``."""
    from .models import VernietigdRecord

    connection = connections[using]
    if connection.vendor != "postgresql":
        made = VernietigdRecord.objects.using(using).bulk_create(
            [VernietigdRecord(**row) for row in rows], batch_size=500
        )
        for row, tomb in zip(rows, made, strict=True):
            row["id"] = tomb.pk
    else:
        q = connection.ops.quote_name
        fields = [f for f in VernietigdRecord._meta.concrete_fields if not f.primary_key]
        arrays, params = [], []
        for f in fields:
            values = [row[f.attname] if f.attname in row else f.get_default() for row in rows]
            if isinstance(f, models.JSONField):
                arrays.append("%s::text[]::jsonb[]")
                values = [json.dumps(v, cls=f.encoder) for v in values]
            else:
                arrays.append(f"%s::{f.db_type(connection)}[]")
            params.append(array_literal(values))
        names = [f"c{n}" for n in range(len(fields))]
        with connection.cursor() as cursor:
            # Ids follow the order of insertion, which follows the ordinality.
            cursor.execute(
                f"INSERT INTO {q(VernietigdRecord._meta.db_table)} "  # noqa: S608 - names from _meta
                f"({', '.join(q(column_of(f)) for f in fields)}) "
                f"SELECT {', '.join(names)} FROM unnest({', '.join(arrays)}) "
                f"WITH ORDINALITY AS u({', '.join(names)}, n) ORDER BY n "
                f"RETURNING {q(column_of(VernietigdRecord._meta.pk))}",
                params,
            )
            ids = sorted(pk for (pk,) in cursor.fetchall())
        for row, pk in zip(rows, ids, strict=True):
            row["id"] = pk
    copy_to_history(
        VernietigdRecord, [row["id"] for row in rows], history_type="+", user=user, using=using
    )


def record_fields(model) -> list[str] | None:
    """The fields ``erase_records`` reads of a record of ``model`` (to load records with
    ``only()``: no decrypting of fields nobody reads), or None when the whole record is needed
    (a delete receiver other than simple-history's gets the instance)."""
    if _needs_instances(model._meta.concrete_model):
        return None
    names = {f.name for f in model._meta.concrete_fields}
    return [
        model._meta.pk.name,
        *(n for n in ("school", "bestuur", "account", "leerling") if n in names),
    ]


def _pupil_id(obj) -> object:
    """The id of the pupil ``obj`` is (a Leerling) or belongs to, without a query; else None."""
    from .models import Leerling

    if isinstance(obj, Leerling):
        return obj.pk
    try:
        field = obj._meta.get_field("leerling")
    except Exception:  # noqa: BLE001 - no such field
        return None
    if not getattr(field, "concrete", False) or field.related_model is not Leerling:
        return None  # (a reverse relation, e.g. the pupil of an account, is not "belongs to")
    return getattr(obj, field.attname)


def erase_records(
    records,
    *,
    grond: str,
    besloten_door=None,
    besloten_door_naam: str = "",
    categorie: str = "",
    termijn_omschrijving: str = "",
    verzoek_kenmerk: str = "",
) -> ErasureResult:
    """Erase a batch of records (pupils, dossier items, guardians or any record hanging from a
    pupil) with their dependants and their history, set-based, in ONE transaction: all of them
    or none. Leaves a tombstone per record (and per guardian no pupil links to any more).

    ``records`` is a queryset, or a list of model instances or of ``Target`` (a record with its
    own category, term and list item). ``grond`` is a ``VernietigdRecord.Grond``;
    ``besloten_door`` the user who decided. Raises ``ErasureRefused`` when a legal hold is
    active for one of the pupils or a record that must be kept refers to one of the records:
    then nothing is erased (a caller with several records may try them one by one to find it).

    The result has the tombstones, the counts in all, and per record (``per_record``, in the
    order given) the rows that went with it, its guardians' included.
    """
    from .models import Blokkade, Gezagsrelatie, Leerling, Ouder, VernietigdRecord

    targets = [
        r if isinstance(r, Target) else Target(r, categorie, termijn_omschrijving) for r in records
    ]
    result = ErasureResult()
    result.per_record = [Counter() for _ in targets]
    if not targets:
        return result
    using = router.db_for_write(targets[0].obj.__class__) or DEFAULT_DB_ALIAS
    now = timezone.now()
    tomb = dict(
        grond=grond,
        besloten_door=besloten_door,
        besloten_door_naam=besloten_door_naam,
        verzoek_kenmerk=verzoek_kenmerk,
        now=now,
    )
    objs = [t.obj for t in targets]
    with transaction.atomic(using=using):
        pupil_of: list[Any] = [_pupil_id(o) for o in objs]
        pupil_ids = sorted({p for p in pupil_of if p is not None})
        if pupil_ids:
            hold = (
                Blokkade.objects.using(using)
                .filter(leerling_id__in=pupil_ids, opgeheven_op__isnull=True)
                .order_by("ingesteld_op")
                .first()
            )
            if hold is not None:
                raise ErasureRefused(
                    _("A legal hold is active: %(reden)s.") % {"reden": hold.get_reden_display()},
                    code="hold",
                    params={"reden": hold.reden},
                )
        erased_pupils = [o.pk for o in objs if isinstance(o, Leerling)]
        # Where the tombstone of a record that is not a pupil belongs: its pupil's school.
        school_of_pupil = dict(
            Leerling.objects.using(using)
            .filter(
                pk__in=[
                    p
                    for o, p in zip(objs, pupil_of, strict=True)
                    if p and not isinstance(o, Leerling)
                ]
            )
            .values_list("pk", "school_id")
        )
        places: list[tuple[Any, Any]] = []
        for obj, pupil in zip(objs, pupil_of, strict=True):
            if isinstance(obj, Leerling):
                places.append((obj.school_id, None))
            elif pupil is not None:
                places.append((school_of_pupil.get(pupil), None))
            else:
                school_id = getattr(obj, "school_id", None)
                places.append(
                    (school_id, getattr(obj, "bestuur_id", None) if school_id is None else None)
                )

        ouder_pupils: list[tuple[int, int]] = []
        if erased_pupils:
            anonymise_dependants_before_erasure(erased_pupils)
            # Lock the guardians first (in id order), so two pupils of one family erased at
            # the same time cannot both leave the guardian behind.
            ouder_pupils = list(
                Ouder.objects.using(using)
                .select_for_update()
                .filter(relaties__leerling_id__in=erased_pupils)
                .order_by("id")
                .values_list("id", "relaties__leerling_id")
            )
        ids = [o.pk for o in objs]
        accounts = [
            getattr(o, "account_id", None) if isinstance(o, Leerling | Ouder) else None
            for o in objs
        ]
        counts, per_obj = _purge_many(objs, using)
        account_counts = _erase_accounts([a for a in accounts if a], using)
        tombstones = []
        for i, (t, obj) in enumerate(zip(targets, objs, strict=True)):
            if accounts[i]:
                per_obj[i].update(account_counts.get(accounts[i], Counter()))
            school_id, bestuur_id = places[i]
            tombstones.append(
                _tombstone(
                    obj=obj,
                    object_id=ids[i],
                    categorie=t.categorie,
                    termijn_omschrijving=t.termijn_omschrijving,
                    item=t.item,
                    counts=per_obj[i],
                    school_id=school_id,
                    bestuur_id=bestuur_id,
                    **tomb,
                )
            )
            result.per_record[i].update(per_obj[i])
            result.counts.update(per_obj[i])

        # A guardian goes with the last pupil who links to them.
        if ouder_pupils:
            index_of_pupil = {ids[i]: i for i, o in enumerate(objs) if isinstance(o, Leerling)}
            last_pupil: dict[int, int] = {}
            for ouder_id, leerling_id in ouder_pupils:
                i = index_of_pupil[leerling_id]
                last_pupil[ouder_id] = max(last_pupil.get(ouder_id, i), i)
            still_linked = set(
                Gezagsrelatie.objects.using(using)
                .filter(ouder_id__in=list(last_pupil))
                .values_list("ouder_id", flat=True)
            )
            ouders_qs = (
                Ouder.objects.using(using)
                .filter(id__in=[o for o in last_pupil if o not in still_linked])
                .order_by("id")
            )
            fields = record_fields(Ouder)
            ouders = list(ouders_qs.only(*fields) if fields else ouders_qs)
            if ouders:
                g_ids = [o.pk for o in ouders]
                g_accounts = [o.account_id for o in ouders]
                _g_counts, g_per = _purge_many(ouders, using)
                g_account_counts = _erase_accounts([a for a in g_accounts if a], using)
                for ouder, pk, account_id, c in zip(ouders, g_ids, g_accounts, g_per, strict=True):
                    if account_id:
                        c.update(g_account_counts.get(account_id, Counter()))
                    i = last_pupil[pk]
                    tombstones.append(
                        _tombstone(
                            obj=ouder,
                            object_id=pk,
                            categorie="",
                            termijn_omschrijving="",
                            item=targets[i].item,
                            counts=c,
                            bestuur_id=ouder.bestuur_id,
                            **{**tomb, "grond": VernietigdRecord.Grond.GEEN_KOPPELING},
                        )
                    )
                    result.per_record[i].update(c)
                    result.counts.update(c)
        if tombstones:
            _write_tombstones(tombstones, user=besloten_door, using=using)
        result.tombstone_rows, result.using = tombstones, using
    logger.info("erased %s records (%s rows)", len(targets), sum(result.counts.values()))
    return result


def erase_record(
    *,
    obj: models.Model,
    grond: str,
    besloten_door=None,
    besloten_door_naam: str = "",
    categorie: str = "",
    termijn_omschrijving: str = "",
    item=None,
    verzoek_kenmerk: str = "",
) -> ErasureResult:
    """Erase ``obj`` (a Leerling, a DossierItem, an Ouder or any record hanging from a pupil)
    with its dependants and their history, in one transaction, and leave tombstones: the batch
    ``erase_records`` with one record.

    ``grond`` is a ``VernietigdRecord.Grond``; ``besloten_door`` the user who decided (the
    director who approved the list, or who granted the request). Raises ``ErasureRefused``
    when a legal hold is active or a record that must be kept refers to it.
    """
    return erase_records(
        [Target(obj, categorie, termijn_omschrijving, item)],
        grond=grond,
        besloten_door=besloten_door,
        besloten_door_naam=besloten_door_naam,
        verzoek_kenmerk=verzoek_kenmerk,
    )


def erase_guardian(
    *, ouder, using=DEFAULT_DB_ALIAS, besloten_door=None, besloten_door_naam="", item=None
):
    """Erase a guardian no pupil links to any more, with their portal account and history."""
    from .models import VernietigdRecord

    result = erase_records(
        [Target(ouder, item=item)],
        grond=VernietigdRecord.Grond.GEEN_KOPPELING,
        besloten_door=besloten_door,
        besloten_door_naam=besloten_door_naam,
    )
    return result.tombstones[0]


def history_tables() -> list[str]:
    """Every history table in the project (for tests and audits)."""
    tables = set()
    for model in apps.get_models():
        h = history_model_for(model)
        if h is not None:
            tables.add(h._meta.db_table)
    tables.update(m._meta.db_table for m, _fks in m2m_history_models())
    return sorted(tables)


__all__ = [
    "ErasureRefused",
    "ErasureResult",
    "anonymise_dependants_before_erasure",
    "app_hooks",
    "erase_guardian",
    "erase_record",
    "erase_records",
    "history_model_for",
    "history_tables",
    "m2m_history_models",
    "record_fields",
    "register_hook",
    "Target",
]
