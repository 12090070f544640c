"""Reads for the request pages, in a fixed number of queries; access from ``access.py`` only."""

from dataclasses import dataclass

from django.db.models import Q

from leerlingen.models import Leerling

from .access import director_school_ids, fg_bestuur_ids, handler_school_ids
from .deadlines import days_left, today_amsterdam
from .models import Verzoek


def staff_requests(user):
    """The requests a staff member works on or oversees: handlers of the school, the FG of the board."""
    if not user.is_authenticated:
        return Verzoek.objects.none()
    if user.is_superuser:
        return Verzoek.objects.all()
    return Verzoek.objects.filter(
        Q(school_id__in=handler_school_ids(user)) | Q(school__bestuur_id__in=fg_bestuur_ids(user))
    )


def may_record(user) -> bool:
    return user.is_superuser or bool(handler_school_ids(user))


def may_see_register(user) -> bool:
    return user.is_superuser or bool(director_school_ids(user)) or bool(fg_bestuur_ids(user))


@dataclass
class Termijn:
    dagen: int

    @property
    def te_laat(self) -> bool:
        return self.dagen < 0

    @property
    def vandaag(self) -> bool:
        return self.dagen == 0

    @property
    def binnen_week(self) -> bool:
        return 0 < self.dagen <= 7

    @property
    def te_laat_dagen(self) -> int:
        return -self.dagen


def with_deadline(rows, today=None):
    today = today or today_amsterdam()
    for v in rows:
        v.termijn = Termijn(days_left(v.uiterste_datum, today))
    return rows


def recordable_pupils(user):
    """Pupils for whom ``user`` records requests: the pupils of the schools they handle requests for."""
    if user.is_superuser:
        return Leerling.objects.all()
    return Leerling.objects.filter(school_id__in=handler_school_ids(user))


def request_terms(school):
    """The school's request settings (its own, or the defaults), without writing them: the
    privacy statement publishes them (``leerlingen.registry.request_terms``)."""
    from .models import VerzoekInstellingen

    return VerzoekInstellingen.objects.filter(school=school).first() or VerzoekInstellingen(
        school=school
    )


def task_filters(user, today) -> dict[str, Q]:
    """The open requests each line of "Mijn taken" counts (``taken.py``), by the name the staff
    overview filters on (``?toon=``), so that a line links to exactly the requests it counts."""
    from datetime import timedelta

    from .deadlines import WARN_DAYS_BEFORE
    from .models import Status

    soon = today + timedelta(days=WARN_DAYS_BEFORE)
    review = Q(status=Status.TER_BEOORDELING)
    directed = Q() if user.is_superuser else Q(school_id__in=sorted(director_school_ids(user)))
    return {
        "te_laat": Q(uiterste_datum__lt=today),
        "deze_week": Q(uiterste_datum__gte=today, uiterste_datum__lte=soon),
        "later": Q(uiterste_datum__gt=soon),
        "mijn_beoordeling": review & directed,
        "beoordeling_directeur": review & (~directed if directed else Q(pk__isnull=True)),
    }


def task_requests(user):
    """The requests "Mijn taken" counts and the staff overview lists: open, seen as staff."""
    return (Verzoek.objects.visible_to(user) & staff_requests(user)).open()
