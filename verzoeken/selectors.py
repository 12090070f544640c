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
