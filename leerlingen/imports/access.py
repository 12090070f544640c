"""Who may see and run pupil imports: built on the helpers of ``leerlingen/access.py`` (DESIGN.md §3).

An import writes the school's register, so it is for the school's director and administrative
staff. The board's data protection officer sees the import runs (not the files) for oversight.
"""

from django.db import models
from django.db.models import Q

from core.access import ScopedQuerySet

from ..access import _is_anonymous, bestuur_ids, school_ids
from ..rol import Rol

IMPORT_ROLES = (Rol.DIRECTEUR, Rol.ADMINISTRATIE)


def schools_for_import(user) -> models.QuerySet:
    """The schools whose register ``user`` may load from a file."""
    from ..models import School

    return School.objects.by_rule(user, lambda u: Q(id__in=school_ids(u, IMPORT_ROLES)))


def may_import(user) -> bool:
    """Whether ``user`` may load registers at all (from the scope: no query of its own)."""
    return not _is_anonymous(user) and (user.is_superuser or bool(school_ids(user, IMPORT_ROLES)))


def may_see_imports(user) -> bool:
    """Whether the import log is within ``user``'s reach: importers and the board's FG."""
    return may_import(user) or (not _is_anonymous(user) and bool(bestuur_ids(user, (Rol.FG,))))


class LeerlingimportQuerySet(ScopedQuerySet):
    def rule(self, user) -> Q | None:
        return Q(school_id__in=school_ids(user, IMPORT_ROLES)) | Q(
            school__bestuur_id__in=bestuur_ids(user, (Rol.FG,))
        )

    def runnable_by(self, user):
        """Runs ``user`` may continue (map, preview, confirm, cancel)."""
        return self.visible_to(user).filter(school__in=schools_for_import(user))


class ImportprofielQuerySet(ScopedQuerySet):
    def rule(self, user) -> Q | None:
        return Q(school_id__in=school_ids(user, IMPORT_ROLES))
