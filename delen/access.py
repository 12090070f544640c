"""Who sees and who may disclose which rows of the disclosure register (DESIGN.md §3).

Built on the helpers of ``leerlingen/access.py``; nothing else in this app decides access.

- Recipients, processors, agreements: the school's staff (director, IB, administration) and the
  board's FG and board staff (the register is theirs to oversee).
- Disclosing: the director and IB of the school to every recipient; administrative staff only
  to DUO and the school attendance officer (never care data, seed 002); teachers, the FG and
  board staff never.
- Disclosures: the director and IB of the school; administrative staff the DUO/attendance ones;
  the FG all disclosures of the board.
- Police demands: director, IB and FG.
- Adopted register versions: director, FG and board staff; board staff adopt.
"""

from django.db.models import Q

from core.access import ScopedQuerySet
from leerlingen.access import bestuur_ids, school_ids
from leerlingen.rol import Rol

DISCLOSING_ROLES = (Rol.DIRECTEUR, Rol.IB)
# What administrative staff may disclose: the administrative exports of the pupil administration.
ADMIN_SOORTEN = ("duo", "leerplicht")


def _school_scope(user, prefix: str = "") -> Q:
    return Q(**{f"{prefix}school_id__in": school_ids(user)}) | Q(
        **{f"{prefix}school__bestuur_id__in": bestuur_ids(user)}
    )


class OntvangerQuerySet(ScopedQuerySet):
    def rule(self, user) -> Q | None:
        return _school_scope(user)

    def disclosable_by(self, user):
        """The recipients ``user`` may disclose pupil data to."""
        return self.by_rule(
            user,
            lambda u: (
                Q(school_id__in=school_ids(u, DISCLOSING_ROLES))
                | (
                    Q(school_id__in=school_ids(u, (Rol.ADMINISTRATIE,)))
                    & Q(soort__in=ADMIN_SOORTEN)
                )
            ),
        )


class VerstrekkingQuerySet(ScopedQuerySet):
    def rule(self, user) -> Q | None:
        return (
            Q(school_id__in=school_ids(user, DISCLOSING_ROLES))
            | (
                Q(school_id__in=school_ids(user, (Rol.ADMINISTRATIE,)))
                & Q(ontvanger__soort__in=ADMIN_SOORTEN)
            )
            | Q(school__bestuur_id__in=bestuur_ids(user, (Rol.FG,)))
        )

    def for_leerling(self, leerling):
        """The disclosures of one pupil's data (AVG art. 15(1)(c), art. 19)."""
        return self.filter(leerlingen=leerling)


class VorderingQuerySet(ScopedQuerySet):
    def rule(self, user) -> Q | None:
        return Q(school_id__in=school_ids(user, DISCLOSING_ROLES)) | Q(
            school__bestuur_id__in=bestuur_ids(user, (Rol.FG,))
        )

    def unanswered(self):
        """Received, not refused, and answered by no disclosure yet ("Mijn taken", the admin)."""
        # One row each: a LEFT JOIN.
        return self.filter(geweigerd=False, verstrekkingen__isnull=True)


class VerwerkerQuerySet(ScopedQuerySet):
    def rule(self, user) -> Q | None:
        return _school_scope(user)


class VerwerkersovereenkomstQuerySet(ScopedQuerySet):
    def rule(self, user) -> Q | None:
        return _school_scope(user, "verwerker__")


class VerloopwaarschuwingQuerySet(ScopedQuerySet):
    def rule(self, user) -> Q | None:
        return _school_scope(user, "overeenkomst__verwerker__")


class RegisterVersieQuerySet(ScopedQuerySet):
    def rule(self, user) -> Q | None:
        return Q(school_id__in=school_ids(user, (Rol.DIRECTEUR,))) | Q(
            school__bestuur_id__in=bestuur_ids(user, (Rol.FG, Rol.BESTUUR))
        )


def register_schools(user):
    """Schools whose register of processing ``user`` may view and export: director and FG (and board staff)."""
    from leerlingen.models import School

    return School.objects.by_rule(
        user,
        lambda u: (
            Q(id__in=school_ids(u, (Rol.DIRECTEUR,)))
            | Q(bestuur_id__in=bestuur_ids(u, (Rol.FG, Rol.BESTUUR)))
        ),
    )


def adoptable_schools(user):
    """Schools whose register ``user`` may adopt on behalf of the board: board staff."""
    from leerlingen.models import School

    return School.objects.by_rule(user, lambda u: Q(bestuur_id__in=bestuur_ids(u, (Rol.BESTUUR,))))


def may_disclose_care_data(user, school) -> bool:
    """Care data (medical, religion, guidance) only by the director and IB (seed 002)."""
    if user.is_superuser:
        return True
    return school.pk in school_ids(user, DISCLOSING_ROLES)


def may_read_bsn(user, school) -> bool:
    """The same roles as ``Leerling.objects.with_bsn_access``: the director and the administration."""
    if user.is_superuser:
        return True
    return school.pk in school_ids(user, (Rol.DIRECTEUR, Rol.ADMINISTRATIE))
