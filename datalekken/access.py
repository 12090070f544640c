"""Who sees the breach register (DESIGN.md §3), on the register's scope (``leerlingen.access``).

- the FG of a board: every incident of the board (board-wide ones too), its letters and links;
- the director of a school: the incidents of their school;
- a parent or pupil in the portal: only the letters addressed to them (``Bericht.for_portal``).
Nobody else; a record out of reach answers 404.
"""

from django.db.models import Q

from core.access import RuleQuerySet, any_of, is_anonymous, within
from leerlingen.access import bestuur_ids, school_ids
from leerlingen.rol import Rol

FG = (Rol.FG,)
DIRECTEUR = (Rol.DIRECTEUR,)


def may_keep_register(user) -> bool:
    """The FG of a board or the director of a school (or the administrator)."""
    if is_anonymous(user):
        return False
    return user.is_superuser or bool(bestuur_ids(user, FG) or school_ids(user, DIRECTEUR))


def _rule(user, prefix: str = "") -> Q | None:
    return any_of(
        within(f"{prefix}bestuur_id", bestuur_ids(user, FG)),
        within(f"{prefix}school_id", school_ids(user, DIRECTEUR)),
    )


class DatalekQuerySet(RuleQuerySet):
    def rule(self, user) -> Q | None:
        return _rule(user)


class BerichtQuerySet(RuleQuerySet):
    def rule(self, user) -> Q | None:
        return _rule(user, "datalek__")

    def for_portal(self, user):
        """The letters addressed to this portal user: to them as a parent, or to them as the pupil."""
        if is_anonymous(user):
            return self.none()
        return self.filter(Q(ouder__account=user) | Q(ouder__isnull=True, leerling__account=user))


class MeldlinkQuerySet(RuleQuerySet):
    def rule(self, user) -> Q | None:
        return _rule(user)
