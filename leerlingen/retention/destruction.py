"""Approval and destruction of a list (DOMAIN.md § Retention, DESIGN.md §4–5).

Nothing is destroyed without an approved list whose waiting period has ended; every item is
destroyed in its own transaction through ``erasure.erase_record``, so a killed worker leaves
each item either fully gone (with its tombstone) or fully there, and the next run finishes.
Every function that writes is keyword-only and called by the admin, the tasks and the commands.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..erasure import ErasureRefused, active_hold, erase_record
from .models import VernietigdRecord, Vernietigingslijst, VernietigingslijstItem
from .rules import actor_name, require_director
from .sweep import Progress


def waiting_days() -> int:
    """The waiting period between approval and destruction (setting DESTRUCTION_WAITING_DAYS)."""
    return settings.DESTRUCTION_WAITING_DAYS


def take_off_item(*, item: VernietigingslijstItem, user, reden: str, nieuwe_datum: date | None = None,
                  today: date | None = None) -> VernietigingslijstItem:
    """Take one record off an open list: with a new date, or kept for the recorded reason."""
    today = today or timezone.localdate()
    require_director(user, item.lijst.school_id)
    if item.lijst.status != Vernietigingslijst.Status.OPEN:
        raise ValidationError(_("Items can only be taken off a list that is awaiting approval."))
    if not reden.strip():
        raise ValidationError({"uitzonderingsreden": _("Give the reason for taking this record off the list.")})
    if nieuwe_datum is not None and nieuwe_datum <= today:
        raise ValidationError({"nieuwe_datum": _("The new date must lie in the future.")})
    item.status = VernietigingslijstItem.Status.UITGEZONDERD
    item.uitzonderingsreden, item.nieuwe_datum, item.uitgezonderd_door = reden.strip(), nieuwe_datum, user
    item._history_user = user
    item.save()
    return item


def approve_list(*, lijst: Vernietigingslijst, user, bevestiging: str, now: datetime | None = None) -> Vernietigingslijst:
    """The director approves the list by typing its name. Destruction starts after the waiting period."""
    now = now or timezone.now()
    require_director(user, lijst.school_id)
    with transaction.atomic():
        lijst = Vernietigingslijst.objects.select_for_update().get(pk=lijst.pk)
        if lijst.status != Vernietigingslijst.Status.OPEN:
            raise ValidationError(_("This list is not awaiting approval."))
        if (bevestiging or "").strip() != lijst.naam:
            raise ValidationError(
                {"bevestiging": _("Type the name of the list exactly (%(naam)s) to approve it.") % {"naam": lijst.naam}}
            )
        lijst.status = Vernietigingslijst.Status.GOEDGEKEURD
        lijst.goedgekeurd_door, lijst.goedgekeurd_door_naam = user, actor_name(user)
        lijst.goedgekeurd_op = now
        lijst.uitvoeren_vanaf = now + timedelta(days=waiting_days())
        lijst._history_user = user
        lijst.save()
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
        if lijst.status not in (Vernietigingslijst.Status.OPEN, Vernietigingslijst.Status.GOEDGEKEURD):
            raise ValidationError(_("Destruction has begun: the list can no longer be cancelled."))
        lijst.status = Vernietigingslijst.Status.GEANNULEERD
        lijst.geannuleerd_door, lijst.geannuleerd_op, lijst.annuleringsreden = user, timezone.now(), reden.strip()
        lijst._history_user = user
        lijst.save()
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
            lijst.status, lijst.gestart_op = Vernietigingslijst.Status.IN_UITVOERING, now
            lijst.save(update_fields=["status", "gestart_op"])
    return list(
        Vernietigingslijst.objects.filter(status=Vernietigingslijst.Status.IN_UITVOERING).values_list("id", flat=True)
    )


def carry_out_item(*, item_id: int) -> str | None:
    """Destroy one item in its own transaction. Returns the item's new status, or None when
    there was nothing to do (already done, or another worker holds it)."""
    Item = VernietigingslijstItem
    with transaction.atomic():
        item = (
            Item.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("lijst", "content_type")
            .filter(pk=item_id, status=Item.Status.TE_VERNIETIGEN, lijst__status=Vernietigingslijst.Status.IN_UITVOERING)
            .first()
        )
        if item is None:
            return None
        lijst = item.lijst
        hold = active_hold(item.leerling_id_ref) if item.leerling_id_ref else None
        if hold is not None:
            item.status, item.blokkade, item.blokkade_reden = Item.Status.OVERGESLAGEN, hold, hold.reden
            item.save(update_fields=["status", "blokkade", "blokkade_reden"])
            return item.status
        obj = item.record()
        if obj is None:  # erased meanwhile (e.g. on a request): nothing to destroy twice
            item.status, item.vernietigd_op = Item.Status.VERNIETIGD, timezone.now()
            item.fout = _("Already erased before this list was carried out.")
            item.save(update_fields=["status", "vernietigd_op", "fout"])
            return item.status
        try:
            with transaction.atomic():
                result = erase_record(
                    obj=obj, grond=VernietigdRecord.Grond.BEWAARTERMIJN, besloten_door=lijst.goedgekeurd_door,
                    besloten_door_naam=lijst.goedgekeurd_door_naam, categorie=item.categorie,
                    termijn_omschrijving=item.termijn_omschrijving, item=item,
                )
        except ErasureRefused as exc:
            item.status, item.fout = Item.Status.MISLUKT, str(exc)[:300]
            item.save(update_fields=["status", "fout"])
            return item.status
        item.status, item.vernietigd_op = Item.Status.VERNIETIGD, timezone.now()
        item.aantal_records = sum(result.counts.values())
        item.save(update_fields=["status", "vernietigd_op", "aantal_records"])
        return item.status


def finish_if_done(*, lijst_id: int) -> bool:
    with transaction.atomic():
        lijst = Vernietigingslijst.objects.select_for_update().get(pk=lijst_id)
        if lijst.status != Vernietigingslijst.Status.IN_UITVOERING:
            return lijst.status == Vernietigingslijst.Status.UITGEVOERD
        if lijst.items.filter(status=VernietigingslijstItem.Status.TE_VERNIETIGEN).exists():
            return False
        lijst.status, lijst.voltooid_op = Vernietigingslijst.Status.UITGEVOERD, timezone.now()
        lijst.save(update_fields=["status", "voltooid_op"])
        return True


def carry_out_list(*, lijst_id: int, progress: Progress = None, now: datetime | None = None) -> Counter:
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
    last_id = 0
    while True:
        ids = list(
            lijst.items.filter(status=VernietigingslijstItem.Status.TE_VERNIETIGEN, id__gt=last_id)
            .order_by("id").values_list("id", flat=True)[:500]
        )
        if not ids:
            break
        for item_id in ids:
            status = carry_out_item(item_id=item_id)
            if status:
                summary[status] += 1
            if progress:
                progress(1)
        last_id = ids[-1]
    finish_if_done(lijst_id=lijst_id)
    return summary


def progress_of(lijst: Vernietigingslijst) -> dict:
    """Counts per item status and the share done, for the admin."""
    from django.db.models import Count

    counts = dict(lijst.items.values_list("status").annotate(n=Count("id")).order_by())
    total = sum(counts.values())
    pending = counts.get(VernietigingslijstItem.Status.TE_VERNIETIGEN, 0)
    return {"counts": counts, "total": total, "done": total - pending, "pending": pending}
