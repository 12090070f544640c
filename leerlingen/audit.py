"""Audit events for reads and exports (DESIGN.md §4). simple-history covers the writes.

One small function per event. Entries hold ids and category names, never personal data.
"""

from .models import Toegangslog


def special_data_viewed(*, user, leerling, obj, categorieen, reden: str) -> Toegangslog:
    return Toegangslog.objects.create(
        gebruiker=user if user and user.is_authenticated else None,
        soort=Toegangslog.Soort.INZAGE,
        leerling=leerling,
        object_type=obj._meta.model_name,
        object_id=str(obj.pk),
        categorieen=",".join(sorted(categorieen)),
        reden=reden,
    )


def export_made(
    *, user, object_type: str, categorieen, reden: str, leerling=None, object_id=""
) -> Toegangslog:
    return Toegangslog.objects.create(
        gebruiker=user if user and user.is_authenticated else None,
        soort=Toegangslog.Soort.EXPORT,
        leerling=leerling,
        object_type=object_type,
        object_id=str(object_id),
        categorieen=",".join(sorted(categorieen)),
        reden=reden,
    )


def bsn_searched(*, user, leerling_id=None) -> Toegangslog:
    """A search by BSN is a read of the BSN (a special category), found or not; the entry holds
    the pupil's id when exactly one was found, never the number searched for."""
    return Toegangslog.objects.create(
        gebruiker=user if user and user.is_authenticated else None,
        soort=Toegangslog.Soort.INZAGE,
        leerling_id=leerling_id,
        object_type="leerling",
        object_id=str(leerling_id or ""),
        categorieen="bsn",
        reden="admin: search by BSN",
    )


def disclosure_refused(*, user, ontvanger, leerling_ids, categorieen, regels) -> Toegangslog:
    """A refused attempt to disclose: the recipient, the rules and the pupils, as ids only."""
    ids = ",".join(str(i) for i in sorted(leerling_ids))
    reden = f"disclosure refused to {ontvanger.soort}; rules: {','.join(sorted(set(regels)))}; pupils: {ids}"
    if len(reden) > 200:
        reden = reden[:197] + "..."
    return Toegangslog.objects.create(
        gebruiker=user if user and user.is_authenticated else None,
        soort=Toegangslog.Soort.WEIGERING,
        leerling_id=leerling_ids[0] if len(leerling_ids) == 1 else None,
        object_type="ontvanger",
        object_id=str(ontvanger.pk),
        categorieen=",".join(sorted(categorieen)),
        reden=reden,
    )
