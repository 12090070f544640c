"""The requests' lines on "Mijn taken" (leerlingen/werk.py, issue 18): open requests by days left
and overdue, and requests waiting for the director's review. One query, whatever the number of
requests; only requests the user sees as staff (``selectors.task_requests``). Each line links to
the staff overview filtered to the requests it counts (``selectors.task_filters``)."""

from datetime import date

from django.db.models import Count, Min
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from leerlingen.werk import Taak

from .selectors import task_filters, task_requests


def request_tasks(user, *, today: date) -> list[Taak]:
    f = task_filters(user, today)
    row = task_requests(user).aggregate(
        overdue=Count("id", filter=f["te_laat"]),
        overdue_first=Min("uiterste_datum", filter=f["te_laat"]),
        this_week=Count("id", filter=f["deze_week"]),
        this_week_first=Min("uiterste_datum", filter=f["deze_week"]),
        later=Count("id", filter=f["later"]),
        later_first=Min("uiterste_datum", filter=f["later"]),
        mine=Count("id", filter=f["mijn_beoordeling"]),
        others=Count("id", filter=f["beoordeling_directeur"]),
    )

    def url(name: str) -> str:
        return reverse("verzoeken:index") + "?" + urlencode({"toon": name})

    return [
        Taak(
            label=LABELS["te_laat"](),
            url=url("te_laat"),
            count=row["overdue"],
            deadline=row["overdue_first"],
            urgent=True,
        ),
        Taak(
            label=LABELS["deze_week"](),
            url=url("deze_week"),
            count=row["this_week"],
            deadline=row["this_week_first"],
            urgent=True,
        ),
        Taak(
            label=LABELS["later"](),
            url=url("later"),
            count=row["later"],
            deadline=row["later_first"],
        ),
        Taak(label=LABELS["mijn_beoordeling"](), url=url("mijn_beoordeling"), count=row["mine"]),
        Taak(
            label=LABELS["beoordeling_directeur"](),
            url=url("beoordeling_directeur"),
            count=row["others"],
        ),
    ]


# The name of each line, also the heading of the staff overview filtered to it.
LABELS = {
    "te_laat": lambda: _("Requests past their deadline"),
    "deze_week": lambda: _("Requests due within 7 days"),
    "later": lambda: _("Other open requests"),
    "mijn_beoordeling": lambda: _("Requests waiting for your review"),
    "beoordeling_directeur": lambda: _("Requests waiting for the director's review"),
}
