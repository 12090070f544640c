"""Who sees which consent rows: built on leerlingen/access.py, the one authority (DESIGN.md §3).

- staff: the rows of the pupils ``Leerling.objects.visible_to`` gives them;
- a parent: the rows of their own children (custody relation, with or without gezag);
- a pupil of 16 or older: their own rows.
Purposes and forms follow the schools the user reaches (staff) or their children's schools.
"""

from django.db.models import Q

from core.access import ScopedQuerySet
from leerlingen.access import groep_ids, school_ids


def _visible_pupils(user):
    from leerlingen.models import Leerling

    return Leerling.objects.visible_to(user).values("id")


def _visible_schools(user):
    from leerlingen.models import Leerling, School

    return School.objects.filter(
        Q(id__in=School.objects.visible_to(user).values("id"))
        | Q(id__in=Leerling.objects.visible_to(user).values("school_id"))
    ).values("id")


def recordable_pupils(user):
    """Pupils for whom ``user`` may record a paper form or send reminders: school staff of the
    pupil's school and the teacher of the pupil's group. Board-level roles (FG, board staff) only
    look; parents and pupils use the portal."""
    from leerlingen.models import Leerling

    return Leerling.objects.visible_to(user).by_rule(
        user, lambda u: Q(school_id__in=school_ids(u)) | Q(groep_id__in=groep_ids(u))
    )


class DoelQuerySet(ScopedQuerySet):
    def rule(self, user) -> Q | None:
        return Q(school_id__in=_visible_schools(user))


class FormulierQuerySet(DoelQuerySet):
    def gepubliceerd(self):
        return self.filter(gepubliceerd_op__isnull=False)


class ToestemmingQuerySet(ScopedQuerySet):
    def rule(self, user) -> Q | None:
        return Q(leerling_id__in=_visible_pupils(user))

    def huidige(self, schooljaar: str):
        return self.filter(huidig=True, schooljaar=schooljaar)


class OverdrachtQuerySet(ToestemmingQuerySet):
    pass


class HerinneringQuerySet(ScopedQuerySet):
    def rule(self, user) -> Q | None:
        from leerlingen.models import Ouder

        return Q(ouder_id__in=Ouder.objects.visible_to(user).values("id"))
