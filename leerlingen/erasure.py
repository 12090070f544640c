"""THE erasure service (DESIGN.md §4). Retention destruction and erasure requests both use it.

``erase_record`` deletes a record, everything that hangs from it and all their history rows, in
one transaction, and leaves a tombstone (``VernietigdRecord``): which kind of record, when, on
what ground, decided by whom — no personal data.

What "hangs from it" is discovered, not listed: Django's deletion collector follows every
relation with ``on_delete=CASCADE`` recursively, in every installed app (consent, requests,
disclosures...). For every collected model that has a simple-history ``history`` manager the
history rows of the collected ids are purged; many-to-many history rows (``m2m_fields``) that
point at a collected id are purged too, and so are the admin's log entries, whose
``object_repr`` holds the record's name. Records that must outlive the pupil in anonymised form
(a request in the request register) are anonymised first by their own app, through a hook the
app registers in its ``AppConfig.ready``: see ``register_hook``.

A guardian (Ouder) is erased with the last pupil who links to them; a portal account of the
pupil or guardian goes with them.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, models, router, transaction
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.history import save_without_history

logger = logging.getLogger(__name__)

HISTORY_KEY = "history"


class ErasureRefused(Exception):
    """The record may not be erased now (a legal hold, a record that must be kept refers to it).

    The message names kinds of records and rules only, never personal data.
    """


@dataclass
class ErasureResult:
    tombstones: list = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)


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


def anonymise_dependants_before_erasure(leerling) -> None:
    """Let each app anonymise what must outlive the pupil before the pupil is erased.

    Calls every registered ``anonymise_for_erasure(leerling)`` hook (see ``register_hook``),
    inside the erasure's transaction. A request (verzoeken) is kept in the request register
    without the pupil: kind, dates, roles, outcome. A hook must detach what it keeps from the
    pupil (remove the relation, or set it to NULL), or the record is collected and erased with
    the pupil. A disclosure (delen) is kept anonymised: recipient, date, legal basis, field
    names; a police demand about the pupil is kept without the pupil.
    """
    for hook in app_hooks("anonymise_for_erasure"):
        hook(leerling)


# --- the service ---------------------------------------------------------------------------


def active_hold(leerling_id):
    from .models import Blokkade

    return (
        Blokkade.objects.filter(leerling_id=leerling_id, opgeheven_op__isnull=True)
        .order_by("ingesteld_op")
        .first()
    )


def _label(model) -> str:
    return model._meta.label


def _purge(objs: list[models.Model], using: str) -> Counter:
    """Delete ``objs`` with every CASCADE dependant and all their history rows. Returns counts."""
    from django.contrib.admin.models import LogEntry

    collector = Collector(using=using, origin=objs[0] if objs else None)
    try:
        collector.collect(objs)
    except (ProtectedError, RestrictedError) as exc:
        blocking = (
            getattr(exc, "protected_objects", None)
            or getattr(exc, "restricted_objects", None)
            or ()
        )
        kinds = sorted({_label(o.__class__) for o in blocking})
        raise ErasureRefused(
            _("Records that must be kept refer to this record: %(kinds)s.")
            % {"kinds": ", ".join(kinds) or "?"}
        ) from None

    by_model: dict[type, set] = defaultdict(set)
    for model, instances in collector.data.items():
        by_model[model].update(obj.pk for obj in instances)
    for (
        qs
    ) in collector.fast_deletes:  # only untracked models end up here (tracked ones have signals)
        if history_model_for(qs.model) is not None:
            by_model[qs.model].update(qs.values_list("pk", flat=True))

    _deleted, per_label = collector.delete()
    counts = Counter({label: n for label, n in per_label.items() if n})

    # The history rows: deleting a tracked record has just added a "-" row, purge them all.
    history_rows = 0
    for model, pks in by_model.items():
        history_model = history_model_for(model)
        if history_model is not None and pks:
            history_rows += (
                history_model._default_manager.using(using)
                .filter(**{f"{model._meta.pk.attname}__in": list(pks)})
                .delete()[0]
            )
    for m2m_model, fks in m2m_history_models():
        for fk in fks:
            related_pks = by_model.get(fk.related_model)
            if related_pks:
                history_rows += (
                    m2m_model._default_manager.using(using)
                    .filter(**{f"{fk.attname}__in": list(related_pks)})
                    .delete()[0]
                )
    if history_rows:
        counts[HISTORY_KEY] += history_rows

    # The admin's log keeps str(record) in object_repr: it goes with the record.
    for model, pks in by_model.items():
        ct = ContentType.objects.db_manager(using).get_for_model(model, for_concrete_model=False)
        LogEntry.objects.using(using).filter(
            content_type=ct, object_id__in=[str(pk) for pk in pks]
        ).delete()
    return counts


def _erase_account(user_id, using: str) -> Counter:
    """Erase a portal account (never a staff account). If a record that must be kept refers to
    the account, it is emptied and disabled instead, and its history purged."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    user = User.objects.using(using).filter(pk=user_id, is_staff=False, is_superuser=False).first()
    if user is None:
        return Counter()
    _erase_login_records(user.get_username(), using)
    try:
        with transaction.atomic(using=using):
            return _purge([user], using)
    except ErasureRefused:
        user.username = f"erased-{user.pk}"
        user.first_name = user.last_name = user.email = ""
        user.is_active = False
        user.set_unusable_password()
        save_without_history(user)
        history_model = history_model_for(User)
        n = (
            history_model._default_manager.using(using).filter(id=user.pk).delete()[0]
            if history_model
            else 0
        )
        return Counter({HISTORY_KEY: n})


def _erase_login_records(username: str, using: str) -> None:
    """django-axes keeps the user name of log-ins and failed log-ins: they go with the account."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.using(using).filter(username=username).delete()


def _tombstone(
    *,
    obj,
    object_id,
    using,
    grond,
    besloten_door,
    besloten_door_naam,
    categorie,
    termijn_omschrijving,
    item,
    verzoek_kenmerk,
    counts,
    school=None,
    bestuur=None,
):
    from .models import VernietigdRecord

    return VernietigdRecord.objects.using(using).create(
        school=school,
        bestuur=bestuur,
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
        vernietigd_op=timezone.now(),
        aantallen=dict(sorted(counts.items())),
    )


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
    with its dependants and their history, in one transaction, and leave tombstones.

    ``grond`` is a ``VernietigdRecord.Grond``; ``besloten_door`` the user who decided (the
    director who approved the list, or who granted the request). Raises ``ErasureRefused``
    when a legal hold is active or a record that must be kept refers to it.
    """
    from .models import Gezagsrelatie, Leerling, Ouder, School

    using = router.db_for_write(obj.__class__) or DEFAULT_DB_ALIAS
    result = ErasureResult()
    label, pk = _label(obj.__class__), obj.pk
    tomb = dict(
        using=using,
        grond=grond,
        besloten_door=besloten_door,
        besloten_door_naam=besloten_door_naam,
        categorie=categorie,
        termijn_omschrijving=termijn_omschrijving,
        item=item,
        verzoek_kenmerk=verzoek_kenmerk,
    )
    with transaction.atomic(using=using):
        leerling = obj if isinstance(obj, Leerling) else getattr(obj, "leerling", None)
        if isinstance(leerling, Leerling):
            hold = active_hold(leerling.pk)
            if hold is not None:
                raise ErasureRefused(
                    _("A legal hold is active: %(reden)s.") % {"reden": hold.get_reden_display()}
                )

        school: School | None
        if isinstance(obj, Leerling):
            school = obj.school
            anonymise_dependants_before_erasure(obj)
            # Lock the guardians first (in id order), so two pupils of one family erased at the
            # same time cannot both leave the guardian behind.
            ouder_ids = list(
                Ouder.objects.using(using)
                .select_for_update()
                .filter(relaties__leerling=obj)
                .order_by("id")
                .values_list("id", flat=True)
            )
            account_id = obj.account_id
            counts = _purge([obj], using)
            if account_id:
                counts.update(_erase_account(account_id, using))
            result.tombstones.append(
                _tombstone(obj=obj, object_id=pk, counts=counts, school=school, **tomb)
            )
            result.counts.update(counts)
            for ouder in Ouder.objects.using(using).filter(id__in=ouder_ids).order_by("id"):
                if Gezagsrelatie.objects.using(using).filter(ouder_id=ouder.pk).exists():
                    continue
                sub = erase_guardian(
                    ouder=ouder,
                    using=using,
                    besloten_door=besloten_door,
                    besloten_door_naam=besloten_door_naam,
                    item=item,
                )
                result.tombstones.append(sub)
                result.counts.update(sub.aantallen)
        else:
            school = (
                getattr(leerling, "school", None)
                if leerling is not None
                else getattr(obj, "school", None)
            )
            bestuur = getattr(obj, "bestuur", None) if school is None else None
            counts = _purge([obj], using)
            result.tombstones.append(
                _tombstone(
                    obj=obj, object_id=pk, counts=counts, school=school, bestuur=bestuur, **tomb
                )
            )
            result.counts.update(counts)
    logger.info("erased %s #%s (%s rows)", label, pk, sum(result.counts.values()))
    return result


def erase_guardian(
    *, ouder, using=DEFAULT_DB_ALIAS, besloten_door=None, besloten_door_naam="", item=None
):
    """Erase a guardian no pupil links to any more, with their portal account and history."""
    from .models import VernietigdRecord

    with transaction.atomic(using=using):
        account_id, pk = ouder.account_id, ouder.pk
        bestuur = ouder.bestuur
        counts = _purge([ouder], using)
        if account_id:
            counts.update(_erase_account(account_id, using))
        return _tombstone(
            obj=ouder,
            object_id=pk,
            using=using,
            grond=VernietigdRecord.Grond.GEEN_KOPPELING,
            besloten_door=besloten_door,
            besloten_door_naam=besloten_door_naam,
            categorie="",
            termijn_omschrijving="",
            item=item,
            verzoek_kenmerk="",
            counts=counts,
            bestuur=bestuur,
        )


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
    "history_model_for",
    "history_tables",
    "m2m_history_models",
    "register_hook",
]
