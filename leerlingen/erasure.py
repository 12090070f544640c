"""THE erasure service (DESIGN.md §4). Retention destruction and erasure requests both use it.

``erase_records`` deletes a batch of records, everything that hangs from them and all their
history rows, set-based (a query per model and relation, not per record), in one transaction:
all of them or none. It leaves a tombstone (``VernietigdRecord``) per record: which kind of
record, when, on what ground, decided by whom, what went with it — no personal data.
``erase_record`` is the same service for one record (a batch of one).

What "hangs from it" is discovered, not listed: Django's deletion collector follows every
relation with ``on_delete=CASCADE`` recursively, in every installed app (consent, requests,
disclosures...). For every collected model that has a simple-history ``history`` manager the
history rows of the collected ids are purged; many-to-many history rows (``m2m_fields``) that
point at a collected id are purged too, and so are the admin's log entries, whose
``object_repr`` holds the record's name. Deleting writes no "-" history rows (they would be
purged at once). Records that must outlive the pupil in anonymised form (a request in the
request register) are anonymised first by their own app, through a hook the app registers in
its ``AppConfig.ready`` and that works on a batch of pupil ids: see ``register_hook``.

A guardian (Ouder) is erased with the last pupil who links to them; a portal account of the
pupil or guardian goes with them.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from operator import attrgetter
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connections, models, router, transaction
from django.db.models import Q, signals
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.history import copy_to_history, save_without_history
from core.sql import id_conditions

logger = logging.getLogger(__name__)

HISTORY_KEY = "history"


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
    tombstones: list = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    per_record: list[Counter] = field(default_factory=list)  # per record given, in that order


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


def _refused(exc: ProtectedError | RestrictedError) -> ErasureRefused:
    blocking = (
        getattr(exc, "protected_objects", None) or getattr(exc, "restricted_objects", None) or ()
    )
    kinds = sorted({_label(o.__class__) for o in blocking})
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


class _Collector(Collector):
    """Django's deletion collector, blind to simple-history's delete receivers (see
    ``_receivers``): a model whose only receivers are those is deleted with a query per relation
    instead of being loaded row by row."""

    def _has_signal_listeners(self, model):
        return any(_receivers(signal, model) != [] for signal in DELETE_SIGNALS)

    def related_objects(self, related_model, related_fields, objs):
        # As Django's, but filtered on the ids rather than on the instances (a batch of a few
        # thousand: each instance would be taken apart again per lookup).
        if not all(isinstance(o, models.Model) for o in objs):
            return super().related_objects(related_model, related_fields, objs)
        predicate = Q.create(
            [
                (f"{f.attname}__in", [getattr(o, f.target_field.attname) for o in objs])
                for f in related_fields
            ],
            connector=Q.OR,
        )
        return related_model._base_manager.using(self.using).filter(predicate)


DELETE_SIGNALS = (signals.pre_delete, signals.post_delete)


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


def _key(model, pk) -> tuple[Any, Any]:
    return (model._meta.concrete_model, pk)


def _attribute(roots: dict, rows: list[tuple[Any, Any, dict]]) -> list:
    """The root (index into the erased records) of each collected row, by following its foreign
    keys (and generic foreign keys) to rows already attributed. ``rows`` are (model, pk,
    {field attname: value}); returns the root index of each row, None when none is found."""
    owner: dict = dict(roots)
    found: list = [owner.get(_key(model, pk)) for model, pk, _refs in rows]
    changed = True
    while changed:
        changed = False
        for i, (model, pk, refs) in enumerate(rows):
            if found[i] is not None:
                continue
            for target, value in refs.values():
                root = owner.get((target, value))
                if root is not None:
                    found[i] = owner[_key(model, pk)] = root
                    changed = True
                    break
    return found


def _references(model) -> list[tuple[str, object]]:
    """(attname, target) for each foreign key of ``model``; target a model, or for a generic
    foreign key the name of its content-type attname (resolved per row)."""
    from django.contrib.contenttypes.fields import GenericForeignKey

    refs: list[tuple[str, object]] = [
        (f.attname, f.related_model._meta.concrete_model)
        for f in model._meta.concrete_fields
        if f.is_relation and f.many_to_one or (f.is_relation and f.one_to_one)
    ]
    for f in model._meta.private_fields:
        if isinstance(f, GenericForeignKey):
            ct_attname = model._meta.get_field(f.ct_field).attname
            refs.append((model._meta.get_field(f.fk_field).attname, ("generic", ct_attname)))
    return refs


def _row_refs(model, obj_values: dict, using: str) -> dict:
    out: dict[str, tuple[Any, Any]] = {}
    for attname, target in _references(model):
        value = obj_values.get(attname)
        if value is None:
            continue
        if isinstance(target, tuple):  # generic: the content type names the model
            ct_id = obj_values.get(target[1])
            if ct_id is None:
                continue
            related = ContentType.objects.db_manager(using).get_for_id(ct_id).model_class()
            if related is None:
                continue
            out[attname] = (related._meta.concrete_model, _coerce_pk(related, value))
        else:
            out[attname] = (target, value)
    return out


def _coerce_pk(model, value):
    try:
        return model._meta.pk.to_python(value)
    except Exception:  # noqa: BLE001 - a generic id of another type: no match, that is all
        return value


def _delete_ids(model, pks: list, using: str) -> int:
    """Delete the rows ``pks`` of ``model`` in one statement (an array, not a list of
    placeholders per hundred rows)."""
    if not pks:
        return 0
    connection = connections[using]
    q = connection.ops.quote_name
    deleted = 0
    with connection.cursor() as cursor:
        for condition, ids in id_conditions(connection, q(model._meta.pk.column), pks):
            cursor.execute(f"DELETE FROM {q(model._meta.db_table)} WHERE {condition}", ids)  # noqa: S608 - names from _meta
            deleted += cursor.rowcount
    return deleted


def _purge_many(objs: Sequence[Any], using: str) -> tuple[Counter, list[Counter]]:
    """Delete ``objs`` (of one or more models) with every CASCADE dependant and all their history
    rows, set-based: a query per model and relation, not per record. Returns the counts in all
    and per object of ``objs`` (its dependants and their history attributed to it).

    Django's deletion collector finds the dependants; the rows are deleted here as the collector
    would, but without simple-history's "-" row per deleted row (purged right after anyway):
    the other ``post_delete`` receivers (a recording's file) are sent as usual.
    """
    from django.contrib.admin.models import LogEntry

    per_obj: list[Counter] = [Counter() for _ in objs]
    if not objs:
        return Counter(), per_obj
    roots = {_key(o.__class__, o.pk): i for i, o in enumerate(objs)}
    collector = _Collector(using=using, origin=objs[0])
    groups: dict[type, list] = defaultdict(list)
    for o in objs:
        groups[o.__class__].append(o)
    try:
        for group in groups.values():
            collector.collect(group)
    except (ProtectedError, RestrictedError) as exc:
        raise _refused(exc) from None

    # Every row to go, with the foreign keys that say which erased object it hangs from.
    rows: list[tuple[Any, Any, dict]] = []
    for model, instances in collector.data.items():
        refs = _references(model)
        wanted = [a for a, _t in refs] + [t[1] for _a, t in refs if isinstance(t, tuple)]
        loaded: list[dict[str, Any]] = [obj.__dict__ for obj in instances]
        if any(a not in seen for seen in loaded for a in wanted):
            # The collector loaded only the fields its own next step needs: read the references.
            fields = [model._meta.pk.attname, *wanted]
            loaded = [
                dict(zip(fields, r, strict=True))
                for r in model._base_manager.using(using)
                .filter(pk__in=[o.pk for o in instances])
                .values_list(*fields)
            ]
        pk_name = model._meta.pk.attname
        for seen in loaded:
            rows.append((model._meta.concrete_model, seen[pk_name], _row_refs(model, seen, using)))
    fast_rows: list[tuple[Any, list]] = []
    for qs in collector.fast_deletes:
        model = qs.model
        attnames = [a for a, _t in _references(model)]
        cts = [t[1] for _a, t in _references(model) if isinstance(t, tuple)]
        fields = [model._meta.pk.attname, *attnames, *cts]
        read = [dict(zip(fields, r, strict=True)) for r in qs.values_list(*fields)]
        fast_rows.append((qs, read))
        for v in read:
            rows.append((model._meta.concrete_model, v[fields[0]], _row_refs(model, v, using)))
    owners = _attribute(roots, rows)
    by_model: dict[type, set] = defaultdict(set)
    for (model, pk, _refs), root in zip(rows, owners, strict=True):
        by_model[model].add(pk)
        if root is None:  # not expected (every row found hangs from one): with the first
            root = 0
        per_obj[root][model._meta.label] += 1
    owner_of = {(model, pk): root for (model, pk, _r), root in zip(rows, owners, strict=True)}

    counts: Counter = Counter()
    collector.sort()
    with transaction.atomic(using=using, savepoint=False):
        for model, instances in collector.data.items():
            if not model._meta.auto_created:
                _send(signals.pre_delete, model, instances, using, collector.origin)
        # Deleted by the ids read above, not by the relation: a row added meanwhile by another
        # transaction is not deleted unseen (its reference makes this transaction fail instead).
        for fast, read in fast_rows:
            fast_model: Any = fast.model
            pk_name = fast_model._meta.pk.attname
            n = _delete_ids(fast_model, [v[pk_name] for v in read], using)
            if n:
                counts[fast_model._meta.label] += n
        for (field, value), instances_list in collector.field_updates.items():
            updates: list[Any] = []
            updated: list[Any] = []
            for batch in instances_list:
                if isinstance(batch, models.QuerySet) and batch._result_cache is None:
                    updates.append(batch)
                else:
                    updated.extend(batch)  # type: ignore[arg-type]  # a list of instances
            for pending in updates:
                pending.update(**{field.name: value})
            if updated:
                updated[0].__class__._base_manager.using(using).filter(
                    pk__in={o.pk for o in updated}
                ).update(**{field.name: value})
        for model, instances in collector.data.items():
            instances = sorted(instances, key=attrgetter("pk"), reverse=True)
            n = _delete_ids(model, [o.pk for o in instances], using)
            if n:
                counts[model._meta.label] += n
            if not model._meta.auto_created:
                _send(signals.post_delete, model, instances, using, collector.origin)

        # The history rows of every deleted row, and the many-to-many history rows pointing at
        # one; attributed through the id they carry.
        history_rows = 0
        with connections[using].cursor() as cursor:
            for model, pks in by_model.items():
                history_model = history_model_for(model)
                if history_model is None or not pks:
                    continue
                pk_field: Any = history_model._meta.get_field(model._meta.pk.attname)
                column = pk_field.column
                for condition, ids in id_conditions(connections[using], f'"{column}"', pks):
                    cursor.execute(
                        f'DELETE FROM "{history_model._meta.db_table}" '  # noqa: S608 - names from _meta
                        f'WHERE {condition} RETURNING "{column}"',
                        ids,
                    )
                    for (pk,) in cursor.fetchall():
                        history_rows += 1
                        per_obj[owner_of.get((model, pk)) or 0][HISTORY_KEY] += 1
            for m2m_model, fks in m2m_history_models():
                for fk in fks:
                    target: Any = fk.related_model._meta.concrete_model
                    related_pks = by_model.get(target)
                    if not related_pks:
                        continue
                    for condition, ids in id_conditions(
                        connections[using], f'"{fk.column}"', related_pks
                    ):
                        cursor.execute(
                            f'DELETE FROM "{m2m_model._meta.db_table}" '  # noqa: S608 - names from _meta
                            f'WHERE {condition} RETURNING "{fk.column}"',
                            ids,
                        )
                        for (pk,) in cursor.fetchall():
                            history_rows += 1
                            per_obj[owner_of.get((target, pk)) or 0][HISTORY_KEY] += 1
        if history_rows:
            counts[HISTORY_KEY] += history_rows

        # The admin's log keeps str(record) in object_repr: it goes with the record.
        for model, pks in by_model.items():
            ct = ContentType.objects.db_manager(using).get_for_model(
                model, for_concrete_model=False
            )
            LogEntry.objects.using(using).filter(
                content_type=ct, object_id__in=[str(pk) for pk in pks]
            ).delete()

    for model, instances in collector.data.items():
        for obj in instances:
            setattr(obj, model._meta.pk.attname, None)
    return counts, per_obj


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
):
    from .models import VernietigdRecord

    return VernietigdRecord(
        school_id=school_id,
        bestuur_id=bestuur_id,
        soort=_label(obj.__class__),
        soort_naam=str(obj._meta.verbose_name),
        object_id=str(object_id),
        categorie=categorie,
        grond=grond,
        termijn_omschrijving=termijn_omschrijving,
        verzoek_kenmerk=verzoek_kenmerk,
        besloten_door=besloten_door,
        besloten_door_naam=besloten_door_naam,
        item=item,
        vernietigd_op=now or timezone.now(),
        aantallen=dict(sorted(counts.items())),
    )


def _pupil_id(obj) -> object:
    """The id of the pupil ``obj`` is (a Leerling) or belongs to, without a query; else None."""
    from .models import Leerling

    if isinstance(obj, Leerling):
        return obj.pk
    try:
        field = obj._meta.get_field("leerling")
    except Exception:  # noqa: BLE001 - no such field
        return None
    if getattr(field, "related_model", None) is not Leerling:
        return None
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
            ouders = list(
                Ouder.objects.using(using)
                .filter(id__in=[o for o in last_pupil if o not in still_linked])
                .order_by("id")
            )
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
        if tombstones:  # their history rows ("+") as a save would write them, in one statement
            result.tombstones = VernietigdRecord.objects.using(using).bulk_create(
                tombstones, batch_size=1000
            )
            copy_to_history(
                VernietigdRecord,
                [t.pk for t in result.tombstones],
                history_type="+",
                user=besloten_door,
                using=using,
            )
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
    "register_hook",
    "Target",
]
