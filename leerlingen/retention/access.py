"""Who sees retention records, built on the helpers of ``leerlingen/access.py`` (DESIGN.md §3).

- Retention terms: anyone who sees the school (they are the school's published rules).
- Destruction lists, their items, legal holds and tombstones: the school's director and the
  board's FG (who shows them to an auditor).
- Sweep runs hold no personal data: the directors and FGs who see any list see them.
"""

from django.db.models import Q

from core.access import ScopedQuerySet

from ..access import bestuur_ids, school_ids
from ..rol import Rol


def _director_or_fg(user, school_path: str) -> Q:
    return Q(**{f"{school_path}_id__in": school_ids(user, (Rol.DIRECTEUR,))}) | Q(
        **{f"{school_path}__bestuur_id__in": bestuur_ids(user, (Rol.FG,))}
    )


class _Scoped(ScopedQuerySet):
    school_path = "school"

    def rule(self, user) -> Q | None:
        return _director_or_fg(user, self.school_path)


class BewaartermijnQuerySet(_Scoped):
    def rule(self, user) -> Q | None:
        from ..models import School

        return Q(school__in=School.objects.visible_to(user))


class BlokkadeQuerySet(_Scoped):
    school_path = "leerling__school"

    def actief(self):
        return self.filter(opgeheven_op__isnull=True)


class VernietigingslijstQuerySet(_Scoped):
    pass


class VernietigingslijstItemQuerySet(_Scoped):
    school_path = "lijst__school"


class VernietigdRecordQuerySet(_Scoped):
    def rule(self, user) -> Q | None:
        return _director_or_fg(user, "school") | Q(bestuur_id__in=bestuur_ids(user, (Rol.FG,)))


class BewaarcontroleQuerySet(_Scoped):
    def rule(self, user) -> Q | None:
        has_role = bool(school_ids(user, (Rol.DIRECTEUR,))) or bool(bestuur_ids(user, (Rol.FG,)))
        return (Q(school__isnull=True) & Q(pk__isnull=not has_role)) | _director_or_fg(
            user, "school"
        )
