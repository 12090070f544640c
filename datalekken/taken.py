"""The breach register on "Mijn taken": every incident whose AP decision is open, with the hours
left of the 72 (one query)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from leerlingen.werk import Taak

from . import rules
from .models import APBesluit, Datalek

ROWS = 10


def breach_tasks(user, *, today) -> list:
    now = timezone.now()
    open_ = (
        Datalek.objects.visible_to(user)
        .filter(ap_besluit=APBesluit.OPEN)
        .order_by("ontdekt_op")[:ROWS]
    )
    taken = []
    for d in open_:
        uren = rules.hours_left(d, now)
        detail = (
            ngettext("%(n)s hour left to notify the AP", "%(n)s hours left to notify the AP", uren)
            % {"n": uren}
            if uren >= 0
            else _("The 72 hours have passed")
        )
        taken.append(
            Taak(
                label=f"{d.kenmerk} {d.titel}",
                url=reverse("datalekken:detail", args=[d.pk]),
                deadline=timezone.localtime(d.deadline).date(),
                detail=detail,
                urgent=uren < 24,
            )
        )
    return taken


def title() -> str:
    return _("Data breaches: notify the AP within 72 hours")
