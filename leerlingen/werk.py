"""The page "Mijn taken" (/staf/): what needs a staff member now, from every app (issue 18).

The register (leerlingen) imports no feature app (DESIGN.md §1). Each app that has work for staff
registers a *task provider* in its ``AppConfig.ready()`` with ``register_task_provider``; the page
asks every provider for the user's tasks. A provider

- returns ``Taak`` rows for ``user`` on ``today`` (an empty list when the role has nothing there);
- counts only through its models' ``visible_to(user)`` (or a narrower ``by_rule``), so a role
  sees no count of rows it could not open;
- makes a fixed number of queries whatever the number of rows (aggregates, not loops), which
  ``tests/test_query_counts.py`` checks for the whole page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils import timezone


@dataclass(frozen=True)
class Taak:
    """One line of "Mijn taken": what, how many, by when, and where it is done."""

    label: str
    url: str
    count: int = 1
    deadline: date | None = None
    detail: str = ""
    urgent: bool = False  # overdue, or a deadline within days: shown first and marked


@dataclass
class Sectie:
    titel: str
    taken: list[Taak]


Provider = Callable[..., list[Taak]]

_providers: list[tuple[int, Callable[[], str], Provider]] = []


def register_task_provider(order: int, title: Callable[[], str], provider: Provider) -> None:
    """Register ``provider(user, *, today) -> list[Taak]`` under the section ``title()`` (a
    callable, so the title is translated per request). Lowest ``order`` first; registering the
    same provider twice is a no-op."""
    if all(existing is not provider for _o, _t, existing in _providers):
        _providers.append((order, title, provider))


def tasks_for(user, today: date | None = None) -> list[Sectie]:
    """The sections with at least one task for ``user``, in the providers' order."""
    today = today or timezone.localdate()
    sections = []
    for _order, title, provider in sorted(_providers, key=lambda entry: entry[0]):
        taken = [t for t in provider(user, today=today) if t.count]
        if taken:
            sections.append(Sectie(titel=title(), taken=taken))
    return sections


# --- the register's own tasks -------------------------------------------------------------

LIST_ROWS = 10  # destruction lists named one by one; more are counted in one line


def destruction_tasks(user, *, today: date) -> list[Taak]:
    """Destruction lists awaiting the director's approval, and approved lists in their waiting
    period (director and FG: ``Vernietigingslijst.visible_to``). Two queries."""
    from django.urls import reverse
    from django.utils.formats import date_format
    from django.utils.translation import gettext as _

    from .access import school_ids
    from .models import Vernietigingslijst
    from .rol import Rol

    S = Vernietigingslijst.Status
    lijsten = (
        Vernietigingslijst.objects.visible_to(user)
        .filter(status__in=(S.OPEN, S.GOEDGEKEURD))
        .select_related("school")
        .order_by("status", "uitvoeren_vanaf", "id")
    )
    director_of = school_ids(user, (Rol.DIRECTEUR,))
    taken = []
    for lijst in lijsten[:LIST_ROWS]:
        url = reverse("admin:leerlingen_vernietigingslijst_change", args=[lijst.pk])
        if lijst.status == S.OPEN:
            if user.is_superuser or lijst.school_id in director_of:
                label = _("Approve destruction list %(name)s")
            else:
                label = _("Destruction list %(name)s awaits the director's approval")
            name = {"name": lijst.naam}
            taken.append(Taak(label=label % name, url=url, detail=lijst.school.naam))
        else:
            starts = ""
            if lijst.uitvoeren_vanaf:
                starts = _("destruction starts on %(date)s") % {
                    "date": date_format(timezone.localdate(lijst.uitvoeren_vanaf), "j F Y")
                }
            taken.append(
                Taak(
                    label=_("Destruction list %(name)s: waiting period") % {"name": lijst.naam},
                    url=url,
                    detail=f"{lijst.school.naam}, {starts}" if starts else lijst.school.naam,
                )
            )
    rest = lijsten.count() - LIST_ROWS  # always counted: the same queries whatever the data
    if rest > 0:
        taken.append(
            Taak(
                label=_("More destruction lists"),
                url=reverse("admin:leerlingen_vernietigingslijst_changelist"),
                count=rest,
            )
        )
    return taken


def import_tasks(user, *, today: date) -> list[Taak]:
    """Uploads of the pupil register previewed but not confirmed (``Leerlingimport.visible_to``)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from .imports.models import Leerlingimport

    previews = Leerlingimport.objects.visible_to(user).filter(
        status=Leerlingimport.Status.VOORBEELD
    )
    waiting = previews.count()
    url = reverse("admin:leerlingen_leerlingimport_changelist") + "?status__exact=voorbeeld"
    return [Taak(label=_("Imports waiting for confirmation"), url=url, count=waiting)]


REVIEW_DAYS = 7  # the FG's flags of the last week


def access_review_tasks(user, *, today: date) -> list[Taak]:
    """The FG's unusual-volume flags of the last week (``Toegangslog.visible_to``): one query."""
    from datetime import timedelta

    from django.urls import reverse
    from django.utils.http import urlencode
    from django.utils.translation import gettext as _

    from . import access_review

    if not access_review.may_review(user):
        return []
    start = today - timedelta(days=REVIEW_DAYS - 1)
    flags = access_review.unusual_volume(access_review.entries(user, start=start))
    url = reverse("leerlingen:access-review") + "?" + urlencode({"van": start.isoformat()})
    return [
        Taak(
            label=_("Unusual volume of access to special data (last 7 days)"),
            url=url,
            count=len(flags),
            urgent=True,
        )
    ]


def register_own_providers() -> None:
    from django.utils.translation import gettext as _

    register_task_provider(60, lambda: _("Retention and destruction"), destruction_tasks)
    register_task_provider(70, lambda: _("Pupil register"), import_tasks)
    register_task_provider(80, lambda: _("Access review"), access_review_tasks)
