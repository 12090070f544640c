"""The FG's access review: who read special-category data and who exported what (issue 4).

Reads go through ``Toegangslog.objects.visible_to``; unusual volume is one staff member opening
the special-category data of more pupils within one clock hour than ``ACCESS_REVIEW_THRESHOLD``.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import TruncHour
from django.utils import timezone

from .access import bestuur_ids
from .models import Toegangslog
from .rol import Rol


def may_review(user) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or bool(bestuur_ids(user, (Rol.FG,))))
    )


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def entries(
    user, *, person_id: int | None = None, start: date | None = None, end: date | None = None
):
    qs = Toegangslog.objects.visible_to(user)
    if person_id:
        qs = qs.filter(gebruiker_id=person_id)
    if start:
        qs = qs.filter(tijdstip__gte=_day_start(start))
    if end:
        qs = qs.filter(tijdstip__lt=_day_start(end + timedelta(days=1)))
    return qs.select_related("gebruiker").order_by("-tijdstip", "-id")


@dataclass(frozen=True)
class UnusualVolume:
    gebruiker_id: int
    gebruikersnaam: str
    uur: datetime
    leerlingen: int


def unusual_volume(qs, threshold: int | None = None) -> list[UnusualVolume]:
    threshold = threshold or settings.ACCESS_REVIEW_THRESHOLD
    rows = (
        qs.filter(soort=Toegangslog.Soort.INZAGE, gebruiker__isnull=False)
        .filter(
            Q(categorieen__contains="medisch")
            | Q(categorieen__contains="religie")
            | Q(categorieen__contains="bsn")
        )
        .order_by()
        .annotate(uur=TruncHour("tijdstip"))
        .values("gebruiker_id", "gebruiker__username", "uur")
        .annotate(leerlingen=Count("leerling_id", distinct=True))
        .filter(leerlingen__gt=threshold)
        .order_by("-uur")
    )
    return [
        UnusualVolume(r["gebruiker_id"], r["gebruiker__username"], r["uur"], r["leerlingen"])
        for r in rows
    ]


def people(qs):
    """The staff members appearing in the log, for the filter."""
    from django.contrib.auth.models import User

    return User.objects.filter(pk__in=qs.order_by().values("gebruiker_id")).order_by(
        "last_name", "username"
    )
