"""Approval and destruction of a list (DOMAIN.md § Retention, DESIGN.md §4–5).

Nothing is destroyed without an approved list whose waiting period has ended; the items are
destroyed in batches (``batch_size()``, setting DESTRUCTION_BATCH_SIZE), each batch in one
transaction through the one erasure service (``erasure.erase_records``, set-based), so a killed
worker leaves each item either fully gone (with its tombstone) or fully there, and the next run
finishes. A record that may not be
erased makes its batch go one by one, so only that item is marked as not destroyed.
Every function that writes is keyword-only and called by the admin, the tasks and the commands.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.history import copy_to_history, save_with_history
from core.sql import id_conditions

from ..erasure import (
    ErasureRefused,
    Target,
    column_of,
    erase_record,
    erase_records,
    record_fields,
)
from .models import VernietigdRecord, Vernietigingslijst, VernietigingslijstItem
from .rules import actor_name, require_director
from .sweep import Progress
from .workflow import LIST, outcome


def waiting_days() -> int:
    """The waiting period between approval and destruction (setting DESTRUCTION_WAITING_DAYS)."""
    return settings.DESTRUCTION_WAITING_DAYS


def take_off_item(
    *,
    item: VernietigingslijstItem,
    user,
    reden: str,
    nieuwe_datum: date | None = None,
    today: date | None = None,
) -> VernietigingslijstItem:
    """Take one record off a list: from a list awaiting approval, or a record that could not be
    destroyed from a list that was not completed; with a new date, or kept for the recorded reason."""
    today = today or timezone.localdate()
    require_director(user, item.lijst.school_id)
    failed_off_incomplete = (
        item.lijst.status == Vernietigingslijst.Status.ONVOLLEDIG
        and item.status == VernietigingslijstItem.Status.MISLUKT
    )
    if item.lijst.status != Vernietigingslijst.Status.OPEN and not failed_off_incomplete:
        raise ValidationError(_("Items can only be taken off a list that is awaiting approval."))
    if not reden.strip():
        raise ValidationError(
            {"uitzonderingsreden": _("Give the reason for taking this record off the list.")}
        )
    if nieuwe_datum is not None and nieuwe_datum <= today:
        raise ValidationError({"nieuwe_datum": _("The new date must lie in the future.")})
    item.status = VernietigingslijstItem.Status.UITGEZONDERD
    item.uitzonderingsreden, item.nieuwe_datum, item.uitgezonderd_door = (
        reden.strip(),
        nieuwe_datum,
        user,
    )
    save_with_history(item, user=user)
    if failed_off_incomplete:
        finish_if_done(lijst_id=item.lijst_id)
    return item


def retry_failed(*, lijst: Vernietigingslijst, user) -> Vernietigingslijst:
    """The director has the records that could not be destroyed tried again (after removing the
    cause the list names, e.g. a record that must be kept and refers to them)."""
    require_director(user, lijst.school_id)
    with transaction.atomic():
        lijst = Vernietigingslijst.objects.select_for_update().get(pk=lijst.pk)
        LIST.apply(lijst, "retry", user=user, reason="retry")
        for item in lijst.items.filter(status=VernietigingslijstItem.Status.MISLUKT):
            item.status, item.fout = VernietigingslijstItem.Status.TE_VERNIETIGEN, ""
            item.fout_code, item.fout_params = "", {}
            save_with_history(
                item, user=user, update_fields=["status", "fout", "fout_code", "fout_params"]
            )
        _enqueue_destruction(lijst.pk)
    return lijst


def may_confirm(item: VernietigingslijstItem, user) -> bool:
    """Whether ``user`` may confirm the deletion of this record elsewhere: its owner, as the
    record's model says (``may_confirm_deletion(user)``)."""
    obj = item.record()
    return obj is not None and bool(getattr(obj, "may_confirm_deletion", lambda u: False)(user))


def confirm_deletion(
    *, item: VernietigingslijstItem, user, now: datetime | None = None
) -> VernietigingslijstItem:
    """The owner confirms that the data kept in another system are deleted: the product's record
    of them is erased (with a tombstone) and the item is destroyed."""
    Item = VernietigingslijstItem
    with transaction.atomic():
        item = Item.objects.select_for_update(of=("self",)).select_related("lijst").get(pk=item.pk)
        if item.status != Item.Status.TE_BEVESTIGEN:
            raise ValidationError(_("This record does not wait for a confirmation."))
        if not may_confirm(item, user):
            raise PermissionDenied(_("Only the owner of these data may confirm their deletion."))
        lijst = item.lijst
        item.bevestigd_door, item.bevestigd_op = user, now or timezone.now()
        item.bevestigd_door_naam = (user.get_full_name() or user.get_username())[:200]
        try:
            with transaction.atomic():
                result = erase_record(
                    obj=item.record(),
                    grond=VernietigdRecord.Grond.BEWAARTERMIJN,
                    besloten_door=lijst.goedgekeurd_door,
                    besloten_door_naam=lijst.goedgekeurd_door_naam,
                    categorie=item.categorie,
                    termijn_omschrijving=item.termijn_omschrijving,
                    item=item,
                )
        except (
            ErasureRefused
        ) as exc:  # deleted elsewhere, but the record here must stay: the list says why
            item.status = Item.Status.MISLUKT
            _store_failure(item, exc)
        else:
            item.status, item.vernietigd_op = Item.Status.VERNIETIGD, item.bevestigd_op
            item.aantal_records = sum(result.counts.values())
        save_with_history(item, user=user)
    finish_if_done(lijst_id=lijst.pk)
    return item


def approve_list(
    *, lijst: Vernietigingslijst, user, bevestiging: str, now: datetime | None = None
) -> Vernietigingslijst:
    """The director approves the list by typing its name. Destruction starts after the waiting period."""
    now = now or timezone.now()
    require_director(user, lijst.school_id)
    with transaction.atomic():
        lijst = Vernietigingslijst.objects.select_for_update().get(pk=lijst.pk)
        if not lijst.allows("approve"):
            raise ValidationError(_("This list is not awaiting approval."))
        if (bevestiging or "").strip() != lijst.naam:
            raise ValidationError(
                {
                    "bevestiging": _("Type the name of the list exactly (%(naam)s) to approve it.")
                    % {"naam": lijst.naam}
                }
            )
        lijst.goedgekeurd_door, lijst.goedgekeurd_door_naam = user, actor_name(user)
        lijst.goedgekeurd_op = now
        lijst.uitvoeren_vanaf = now + timedelta(days=waiting_days())
        LIST.apply(lijst, "approve", user=user, reason="approved")
        if waiting_days() == 0:
            _enqueue_destruction(lijst.pk)
    return lijst


def cancel_list(*, lijst: Vernietigingslijst, user, reden: str) -> Vernietigingslijst:
    """Cancel a list before destruction begins (awaiting approval, or in its waiting period)."""
    require_director(user, lijst.school_id)
    if not reden.strip():
        raise ValidationError({"annuleringsreden": _("Give the reason for cancelling.")})
    with transaction.atomic():
        lijst = Vernietigingslijst.objects.select_for_update().get(pk=lijst.pk)
        if not lijst.allows("cancel"):
            raise ValidationError(_("Destruction has begun: the list can no longer be cancelled."))
        lijst.geannuleerd_door, lijst.geannuleerd_op, lijst.annuleringsreden = (
            user,
            timezone.now(),
            reden.strip(),
        )
        LIST.apply(lijst, "cancel", user=user, reason=reden.strip())
    return lijst


def _enqueue_destruction(lijst_id: int) -> None:
    from .tasks import enqueue_destruction

    enqueue_destruction(lijst_id)


def due_lists(*, now: datetime | None = None) -> list[int]:
    """Lists whose waiting period is over are marked as being carried out; returns the ids of
    every list that still has work (including ones a killed worker left half-way)."""
    now = now or timezone.now()
    with transaction.atomic():
        for lijst in Vernietigingslijst.objects.select_for_update(skip_locked=True).filter(
            status=Vernietigingslijst.Status.GOEDGEKEURD, uitvoeren_vanaf__lte=now
        ):
            lijst.gestart_op = now
            LIST.apply(
                lijst,
                "start",
                user=None,
                reason="waiting period over",
                update_fields=["status", "gestart_op"],
            )
    return list(
        Vernietigingslijst.objects.filter(
            status=Vernietigingslijst.Status.IN_UITVOERING
        ).values_list("id", flat=True)
    )


def batch_size() -> int:
    """Items destroyed together in one transaction (setting DESTRUCTION_BATCH_SIZE)."""
    return max(1, settings.DESTRUCTION_BATCH_SIZE)


def carry_out_item(*, item_id: int) -> str | None:
    """Destroy one item in its own transaction. Returns the item's new status, or None when
    there was nothing to do (already done, or another worker holds it)."""
    return carry_out_batch(item_ids=[item_id]).get(item_id)


def _records_of(items: list[VernietigingslijstItem]) -> dict[int, Any]:
    """The live record of each item (absent once destroyed): a query per kind of record."""
    by_kind: dict[int, list[VernietigingslijstItem]] = {}
    for item in items:
        by_kind.setdefault(item.content_type_id, []).append(item)
    found: dict[int, Any] = {}
    for kind in by_kind.values():
        model = kind[0].content_type.model_class()
        if model is None:
            continue
        records = model._default_manager.all()
        fields = record_fields(model)
        if fields:  # only what the erasure reads: no decrypting of the rest
            records = records.only(*fields)
        live = records.in_bulk([i.object_id for i in kind])
        for item in kind:
            if item.object_id in live:
                found[item.pk] = live[item.object_id]
    return found


ITEM_FIELDS = (
    "status",
    "blokkade",
    "blokkade_reden",
    "vernietigd_op",
    "aantal_records",
    "fout",
    "fout_code",
    "fout_params",
)


def _save_items(items: list[VernietigingslijstItem]) -> None:
    """Save the items' new state with their history rows: one UPDATE per distinct new state
    (a batch has a few: destroyed with n records, skipped, ...), one INSERT for the history."""
    groups: dict[str, tuple[tuple, list[int]]] = {}
    for item in items:
        values = tuple(getattr(item, f if f != "blokkade" else "blokkade_id") for f in ITEM_FIELDS)
        key = json.dumps(values, sort_keys=True, default=str)  # fout_params is a dict
        groups.setdefault(key, (values, []))[1].append(item.pk)
    connection = connections[router.db_for_write(VernietigingslijstItem) or DEFAULT_DB_ALIAS]
    q = connection.ops.quote_name
    meta = VernietigingslijstItem._meta
    fields: list[models.Field] = []
    for name in ITEM_FIELDS:
        item_field = meta.get_field(name)
        assert isinstance(item_field, models.Field)  # the item's own fields, no reverse relations
        fields.append(item_field)
    assignments = ", ".join(f"{q(column_of(f))} = %s" for f in fields)
    with connection.cursor() as cursor:
        for values, pks in groups.values():  # by id, without a placeholder per item
            params = [
                f.get_db_prep_save(v, connection) for f, v in zip(fields, values, strict=True)
            ]
            for condition, ids in id_conditions(connection, q(column_of(meta.pk)), pks):
                cursor.execute(
                    f"UPDATE {q(meta.db_table)} SET {assignments} WHERE {condition}",  # noqa: S608 - names from _meta
                    [*params, *ids],
                )
    copy_to_history(VernietigingslijstItem, [item.pk for item in items], history_type="~")


def carry_out_batch(*, item_ids: list[int]) -> dict[int, str]:
    """Destroy a batch of items in ONE transaction: every record of the batch with its
    dependants, history and tombstone goes, or (a killed worker, a database error) none does.
    Items another worker holds are left to it. When a record of the batch may not be erased
    (``ErasureRefused``), the batch's records are tried one by one, so only that item is marked
    as not destroyed, with its reason. Returns the new status per item handled."""
    from ..models import Blokkade

    Item = VernietigingslijstItem
    statuses: dict[int, str] = {}
    with transaction.atomic():
        items = list(
            Item.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("lijst", "content_type")
            .filter(
                pk__in=item_ids,
                status=Item.Status.TE_VERNIETIGEN,
                lijst__status=Vernietigingslijst.Status.IN_UITVOERING,
            )
            .order_by("id")
        )
        if not items:
            return statuses
        lijst = items[0].lijst
        holds: dict[int, Blokkade] = {}
        for blokkade in Blokkade.objects.filter(
            leerling_id__in={i.leerling_id_ref for i in items if i.leerling_id_ref},
            opgeheven_op__isnull=True,
        ).order_by("-ingesteld_op"):
            holds[blokkade.leerling_id] = blokkade  # the earliest one set wins
        records = _records_of(items)
        now = timezone.now()
        to_erase: list[tuple[VernietigingslijstItem, Any]] = []
        for item in items:
            hold = holds.get(item.leerling_id_ref) if item.leerling_id_ref else None
            obj = records.get(item.pk)
            if hold is not None:
                item.status, item.blokkade, item.blokkade_reden = (
                    Item.Status.OVERGESLAGEN,
                    hold,
                    hold.reden,
                )
            elif obj is not None and item.extern:  # kept elsewhere: its owner deletes and confirms
                item.status = Item.Status.TE_BEVESTIGEN
            elif obj is None:  # erased meanwhile (e.g. on a request): nothing to destroy twice
                item.status, item.vernietigd_op = Item.Status.VERNIETIGD, now
                item.fout_code, item.fout_params = "already_erased", {}
            else:
                to_erase.append((item, obj))

        erase: dict[str, Any] = dict(
            grond=VernietigdRecord.Grond.BEWAARTERMIJN,
            besloten_door=lijst.goedgekeurd_door,
            besloten_door_naam=lijst.goedgekeurd_door_naam,
        )
        try:
            with transaction.atomic():
                result = erase_records(
                    [Target(obj, i.categorie, i.termijn_omschrijving, i) for i, obj in to_erase],
                    **erase,
                )
            done = list(zip(to_erase, result.per_record, strict=True))
        except ErasureRefused:  # one of them may not go: find which, and why, one by one
            done = []
            for item, obj in to_erase:
                try:
                    with transaction.atomic():
                        one = erase_records(
                            [Target(obj, item.categorie, item.termijn_omschrijving, item)],
                            **erase,
                        )
                except ErasureRefused as exc:
                    item.status = Item.Status.MISLUKT
                    _store_failure(item, exc)
                else:
                    done.append(((item, obj), one.per_record[0]))
        for (item, _obj), counts in done:
            item.status, item.vernietigd_op = Item.Status.VERNIETIGD, now
            item.aantal_records = sum(counts.values())
        _save_items(items)
        statuses = {item.pk: item.status for item in items}
    return statuses


def finish_if_done(*, lijst_id: int) -> bool:
    """Close a list once nothing is left to destroy here (``workflow.LIST``, action ``finish``):
    carried out, not completed, or waiting for confirmations. True when it is carried out."""
    S = Vernietigingslijst.Status
    with transaction.atomic():
        lijst = Vernietigingslijst.objects.select_for_update().get(pk=lijst_id)
        if not lijst.allows("finish"):
            return lijst.status == S.UITGEVOERD
        if lijst.items.filter(status=VernietigingslijstItem.Status.TE_VERNIETIGEN).exists():
            return False
        if outcome(lijst) != lijst.status:
            fields = ["status"]
            if outcome(lijst) == S.UITGEVOERD:
                lijst.voltooid_op = timezone.now()
                fields.append("voltooid_op")
            LIST.apply(lijst, "finish", user=None, reason="finished", update_fields=fields)
        return lijst.status == S.UITGEVOERD


def carry_out_list(
    *, lijst_id: int, progress: Progress = None, now: datetime | None = None
) -> Counter:
    """Work off an approved list whose waiting period is over. Idempotent: a second run (or a
    run after a killed worker) does only what is left."""
    lijst = Vernietigingslijst.objects.get(pk=lijst_id)
    if lijst.status == Vernietigingslijst.Status.GOEDGEKEURD:
        if lijst.uitvoeren_vanaf and lijst.uitvoeren_vanaf <= (now or timezone.now()):
            due_lists(now=now)
            lijst.refresh_from_db()
        else:
            raise ValidationError(_("The waiting period of this list has not ended yet."))
    summary: Counter = Counter()
    if lijst.status != Vernietigingslijst.Status.IN_UITVOERING:
        return summary
    last_id, size = 0, batch_size()
    while True:
        batch = list(
            lijst.items.filter(status=VernietigingslijstItem.Status.TE_VERNIETIGEN, id__gt=last_id)
            .order_by("id")
            .values_list("id", flat=True)[:size]
        )
        if not batch:
            break
        summary.update(carry_out_batch(item_ids=batch).values())
        if progress:
            progress(len(batch))
        last_id = batch[-1]
    finish_if_done(lijst_id=lijst_id)
    return summary


def _store_failure(item: VernietigingslijstItem, exc: ErasureRefused) -> None:
    """Keep why a record could not be destroyed as a code and its parameters, never as text in
    the language active at the time (``failure_text`` reads it in the reader's)."""
    item.fout_code, item.fout_params = exc.code, exc.params
    item.fout = "" if exc.code else str(exc)[:300]


def failure_text(code: str, params: dict, fout: str = "") -> str:
    """Why a record could not be destroyed, in the active language (``fout``: the text of a row
    written before the codes, or of an unknown code)."""
    from django.apps import apps

    from leerlingen.models import Blokkade

    if code == "referenced":

        def kind(label: str) -> str:
            try:
                return str(apps.get_model(label)._meta.verbose_name_plural)
            except (LookupError, ValueError):
                return label

        return _("Records that must be kept refer to this record: %(kinds)s.") % {
            "kinds": ", ".join(kind(k) for k in params.get("kinds", [])) or "?"
        }
    if code == "hold":
        reden = params.get("reden", "")
        label = Blokkade.Reden(reden).label if reden in Blokkade.Reden.values else reden
        return _("A legal hold is active: %(reden)s.") % {"reden": label}
    if code == "already_erased":
        return _("Already erased before this list was carried out.")
    return fout


def failures_of(lijst: Vernietigingslijst) -> list[dict]:
    """Why records could not be destroyed, with how many, and what the director can do; each
    reason in the reader's language."""
    rows = lijst.items.filter(status=VernietigingslijstItem.Status.MISLUKT).values_list(
        "fout_code", "fout_params", "fout"
    )
    counts = Counter(failure_text(code, params, fout) for code, params, fout in rows)
    return [{"fout": fout, "n": n} for fout, n in sorted(counts.items())]


def progress_of(lijst: Vernietigingslijst) -> dict:
    """Counts per item status and the share done, for the admin."""
    from django.db.models import Count

    counts = dict(lijst.items.values_list("status").annotate(n=Count("id")).order_by())
    total = sum(counts.values())
    # Not dealt with yet: still to destroy here, or waiting for its owner's confirmation elsewhere.
    pending = counts.get(VernietigingslijstItem.Status.TE_VERNIETIGEN, 0) + counts.get(
        VernietigingslijstItem.Status.TE_BEVESTIGEN, 0
    )
    return {"counts": counts, "total": total, "done": total - pending, "pending": pending}
