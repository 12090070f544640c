"""Who sees retention records, built on the helpers of ``leerlingen/access.py`` (DESIGN.md §3).

- Retention terms: anyone who sees the school (they are the school's published rules).
- Destruction lists, their items, legal holds and tombstones: the school's director and the
  board's FG (who shows them to an auditor).
- Sweep runs hold no personal data: the directors and FGs who see any list see them.
"""

from django.db import models
from django.db.models import Q

from ..access import _is_anonymous, bestuur_ids, school_ids


def _director_or_fg(user, school_path: str) -> Q:
    return Q(**{f"{school_path}_id__in": school_ids(user, ("rol_directeur",))}) | Q(
        **{f"{school_path}__bestuur_id__in": bestuur_ids(user, ("rol_fg",))}
    )


class _Scoped(models.QuerySet):
    school_path = "school"

    def visible_to(self, user):
        if _is_anonymous(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(self._rule(user))

    def _rule(self, user) -> Q:
        return _director_or_fg(user, self.school_path)


class BewaartermijnQuerySet(_Scoped):
    def _rule(self, user) -> Q:
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
    def _rule(self, user) -> Q:
        return _director_or_fg(user, "school") | Q(bestuur_id__in=bestuur_ids(user, ("rol_fg",)))


class BewaarcontroleQuerySet(_Scoped):
    def _rule(self, user) -> Q:
        has_role = bool(school_ids(user, ("rol_directeur",))) or bool(bestuur_ids(user, ("rol_fg",)))
        return (Q(school__isnull=True) & Q(pk__isnull=not has_role)) | _director_or_fg(user, "school")
