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

from django.db import models
from django.db.models import Q

from leerlingen.access import _is_anonymous, bestuur_ids, school_ids

DISCLOSING_ROLES = ("rol_directeur", "rol_ib")
# What administrative staff may disclose: the administrative exports of the pupil administration.
ADMIN_SOORTEN = ("duo", "leerplicht")


def _school_scope(user, prefix: str = "") -> Q:
    return Q(**{f"{prefix}school_id__in": school_ids(user)}) | Q(
        **{f"{prefix}school__bestuur_id__in": bestuur_ids(user)}
    )


class OntvangerQuerySet(models.QuerySet):
    def visible_to(self, user):
        if _is_anonymous(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(_school_scope(user))

    def disclosable_by(self, user):
        """The recipients ``user`` may disclose pupil data to."""
        if _is_anonymous(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(
            Q(school_id__in=school_ids(user, DISCLOSING_ROLES))
            | (Q(school_id__in=school_ids(user, ("rol_administratie",))) & Q(soort__in=ADMIN_SOORTEN))
        )


class VerstrekkingQuerySet(models.QuerySet):
    def visible_to(self, user):
        if _is_anonymous(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(
            Q(school_id__in=school_ids(user, DISCLOSING_ROLES))
            | (Q(school_id__in=school_ids(user, ("rol_administratie",))) & Q(ontvanger__soort__in=ADMIN_SOORTEN))
            | Q(school__bestuur_id__in=bestuur_ids(user, ("rol_fg",)))
        )

    def for_leerling(self, leerling):
        """The disclosures of one pupil's data (AVG art. 15(1)(c), art. 19)."""
        return self.filter(leerlingen=leerling)


class VorderingQuerySet(models.QuerySet):
    def visible_to(self, user):
        if _is_anonymous(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(
            Q(school_id__in=school_ids(user, DISCLOSING_ROLES))
            | Q(school__bestuur_id__in=bestuur_ids(user, ("rol_fg",)))
        )


class VerwerkerQuerySet(models.QuerySet):
    def visible_to(self, user):
        if _is_anonymous(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(_school_scope(user))


class VerwerkersovereenkomstQuerySet(models.QuerySet):
    def visible_to(self, user):
        if _is_anonymous(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(_school_scope(user, "verwerker__"))


class VerloopwaarschuwingQuerySet(models.QuerySet):
    def visible_to(self, user):
        if _is_anonymous(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(_school_scope(user, "overeenkomst__verwerker__"))


class RegisterVersieQuerySet(models.QuerySet):
    def visible_to(self, user):
        if _is_anonymous(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(
            Q(school_id__in=school_ids(user, ("rol_directeur",)))
            | Q(school__bestuur_id__in=bestuur_ids(user, ("rol_fg", "rol_bestuur")))
        )


def register_schools(user):
    """Schools whose register of processing ``user`` may view and export: director and FG (and board staff)."""
    from leerlingen.models import School

    if _is_anonymous(user):
        return School.objects.none()
    if user.is_superuser:
        return School.objects.all()
    return School.objects.filter(
        Q(id__in=school_ids(user, ("rol_directeur",)))
        | Q(bestuur_id__in=bestuur_ids(user, ("rol_fg", "rol_bestuur")))
    )


def adoptable_schools(user):
    """Schools whose register ``user`` may adopt on behalf of the board: board staff."""
    from leerlingen.models import School

    if _is_anonymous(user):
        return School.objects.none()
    if user.is_superuser:
        return School.objects.all()
    return School.objects.filter(bestuur_id__in=bestuur_ids(user, ("rol_bestuur",)))


def may_disclose_care_data(user, school) -> bool:
    """Care data (medical, religion, guidance) only by the director and IB (seed 002)."""
    if user.is_superuser:
        return True
    return school.pk in school_ids(user, DISCLOSING_ROLES)


def may_read_bsn(user, school) -> bool:
    """The same roles as ``Leerling.objects.with_bsn_access``: the director and the administration."""
    if user.is_superuser:
        return True
    return school.pk in school_ids(user, ("rol_directeur", "rol_administratie"))
