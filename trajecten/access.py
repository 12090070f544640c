"""Who sees trajectories and their recordings, built on the register's scope (DESIGN.md §3).

- The teacher of the trajectory (who is filmed and coached, and owns the recordings).
- The school's director and internal care coordinator (IB, often the coach).
Nobody else: not the FG, board staff, administration, or other teachers of the filmed groups.
"""

from django.db.models import Q

from core.access import RuleQuerySet
from leerlingen.access import school_ids
from leerlingen.rol import Rol

ROLES = (Rol.DIRECTEUR, Rol.IB)


class TrajectQuerySet(RuleQuerySet):
    prefix = ""

    def rule(self, user) -> Q | None:
        p = self.prefix
        return Q(**{f"{p}leerkracht_id": user.pk}) | Q(
            **{f"{p}school_id__in": sorted(school_ids(user, ROLES))}
        )


class OpnameQuerySet(TrajectQuerySet):
    prefix = "traject__"
