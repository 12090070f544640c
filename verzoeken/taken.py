"""The requests' lines on "Mijn taken" (leerlingen/werk.py, issue 18): open requests by days left
and overdue, and requests waiting for the director's review. One query, whatever the number of
requests; only requests the user sees as staff (``Verzoek.visible_to`` and the staff scope)."""

from datetime import date, timedelta

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from leerlingen.werk import Taak

from .access import director_school_ids
from .deadlines import WARN_DAYS_BEFORE
from .models import Status, Verzoek
from .selectors import staff_requests


def request_tasks(user, *, today: date) -> list[Taak]:
    soon = today + timedelta(days=WARN_DAYS_BEFORE)
    overdue = Q(uiterste_datum__lt=today)
    this_week = Q(uiterste_datum__gte=today, uiterste_datum__lte=soon)
    later = Q(uiterste_datum__gt=soon)
    review = Q(status=Status.TER_BEOORDELING)
    directed = Q() if user.is_superuser else Q(school_id__in=sorted(director_school_ids(user)))
    mine = review & directed
    row = (
        (Verzoek.objects.visible_to(user) & staff_requests(user))
        .open()
        .aggregate(
            overdue=Count("id", filter=overdue),
            overdue_first=Min("uiterste_datum", filter=overdue),
            this_week=Count("id", filter=this_week),
            this_week_first=Min("uiterste_datum", filter=this_week),
            later=Count("id", filter=later),
            later_first=Min("uiterste_datum", filter=later),
            review=Count("id", filter=review),
            mine=Count("id", filter=mine),
        )
    )
    url = reverse("verzoeken:index")
    others = row["review"] - row["mine"]
    return [
        Taak(
            label=_("Requests past their deadline"),
            url=url,
            count=row["overdue"],
            deadline=row["overdue_first"],
            urgent=True,
        ),
        Taak(
            label=_("Requests due within 7 days"),
            url=url,
            count=row["this_week"],
            deadline=row["this_week_first"],
            urgent=True,
        ),
        Taak(
            label=_("Other open requests"), url=url, count=row["later"], deadline=row["later_first"]
        ),
        Taak(label=_("Requests waiting for your review"), url=url, count=row["mine"]),
        Taak(label=_("Requests waiting for the director's review"), url=url, count=others),
    ]
