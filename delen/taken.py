"""The disclosure register's lines on "Mijn taken" (leerlingen/werk.py, issue 18): processor
agreements that end within the warning period without a successor, and police demands received
and not refused that no disclosure has answered yet (by their term). Two queries, through
``visible_to``.

A disclosure itself has no "prepared, not confirmed" state to list: it is created only by the
confirmed export (``services.disclose``); the preview before it is not stored."""

from datetime import date

from django.db.models import Count, Min
from django.urls import reverse
from django.utils.translation import gettext as _

from leerlingen.werk import Taak

from .models import Verwerkersovereenkomst, Vordering
from .services import expiring_agreements


def disclosure_tasks(user, *, today: date) -> list[Taak]:
    ending = expiring_agreements(today, among=Verwerkersovereenkomst.objects.visible_to(user))
    demands = (
        Vordering.objects.visible_to(user)
        .unanswered()
        .aggregate(n=Count("id", distinct=True), first=Min("termijn"))
    )
    return [
        Taak(
            label=_("Processor agreements ending"),
            url=reverse("admin:delen_verwerkersovereenkomst_changelist") + "?aflopend=ja",
            count=len(ending),
            deadline=min((a.einddatum for a in ending), default=None),
        ),
        Taak(
            label=_("Police demands not answered yet"),
            url=reverse("admin:delen_vordering_changelist") + "?onbeantwoord=ja",
            count=demands["n"],
            deadline=demands["first"],
            urgent=bool(demands["first"] and demands["first"] <= today),
        ),
    ]
