"""The one authority for access (DESIGN.md §3).

Every model that holds pupil data has a ``visible_to(user)`` queryset method. It answers with
one SQL query: the user's role grants (guardian object permissions with direct foreign keys on
Bestuur, School and Groep) are subqueries, never loaded into Python. Admin, views, exports,
PDFs and tasks all go through these methods; nothing else decides who sees what.

Roles and what they reach:
- director, IB, administrative staff: granted on a School; see its pupils.
- teacher: granted on a Groep; sees that group's pupils.
- FG, board staff: granted on a Bestuur; see the pupils of the board's schools (read-only).
- parent: the own children, through the custody relation.
- pupil: the own record, from the age of 16.

Dossier items are narrower (seed 002, 003): special categories only for director and IB;
never care data for administrative staff; very confidential items only for the director and
for staff holding a per-item grant.
"""

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils import timezone

SCHOOL_ROLES = ("rol_directeur", "rol_ib", "rol_administratie")
BESTUUR_ROLES = ("rol_fg", "rol_bestuur")


def sixteen_cutoff(today: date | None = None) -> date:
    """Pupils born on or before this date are 16 or older today.

    Someone born on 29 February turns 16 on 1 March in a non-leap year.
    """
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year - 16)
    except ValueError:  # today is 29 February; 16 years earlier is always a leap year but 2100-cases
        return today.replace(year=today.year - 16, day=28)


def _grant_ids(user, grant_model_name: str, codenames) -> models.QuerySet:
    """Subquery: ids of the containers on which ``user`` holds one of ``codenames``."""
    from django.apps import apps

    grant_model = apps.get_model("leerlingen", grant_model_name)
    return grant_model.objects.filter(user=user, permission__codename__in=codenames).values(
        "content_object_id"
    )


def school_ids(user, codenames=SCHOOL_ROLES):
    return _grant_ids(user, "SchoolGrant", codenames)


def groep_ids(user):
    return _grant_ids(user, "GroepGrant", ("rol_leerkracht",))


def bestuur_ids(user, codenames=BESTUUR_ROLES):
    return _grant_ids(user, "BestuurGrant", codenames)


def _is_anonymous(user) -> bool:
    return user is None or not user.is_authenticated or not user.is_active


class BestuurQuerySet(models.QuerySet):
    def visible_to(self, user):
        if _is_anonymous(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        from .models import Groep, School

        return self.filter(
            Q(id__in=bestuur_ids(user))
            | Q(id__in=School.objects.filter(id__in=school_ids(user)).values("bestuur_id"))
            | Q(id__in=Groep.objects.filter(id__in=groep_ids(user)).values("school__bestuur_id"))
        )


class SchoolQuerySet(models.QuerySet):
    def visible_to(self, user):
        if _is_anonymous(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        from .models import Groep

        return self.filter(
            Q(id__in=school_ids(user))
            | Q(bestuur_id__in=bestuur_ids(user))
            | Q(id__in=Groep.objects.filter(id__in=groep_ids(user)).values("school_id"))
        )


class GroepQuerySet(models.QuerySet):
    def visible_to(self, user):
        if _is_anonymous(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(
            Q(school_id__in=school_ids(user))
            | Q(id__in=groep_ids(user))
            | Q(school__bestuur_id__in=bestuur_ids(user))
        )


class LeerlingQuerySet(models.QuerySet):
    def visible_to(self, user):
        if _is_anonymous(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        from .models import Gezagsrelatie

        return self.filter(
            Q(school_id__in=school_ids(user))
            | Q(groep_id__in=groep_ids(user))
            | Q(school__bestuur_id__in=bestuur_ids(user))
            | Q(id__in=Gezagsrelatie.objects.filter(ouder__account=user).values("leerling_id"))
            | Q(account=user, geboortedatum__lte=sixteen_cutoff())
        )

    def with_bsn_access(self, user):
        """Pupils whose BSN/PGN the user may read: the school's director and administration."""
        if _is_anonymous(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(school_id__in=school_ids(user, ("rol_directeur", "rol_administratie")))


class OuderQuerySet(models.QuerySet):
    def visible_to(self, user):
        if _is_anonymous(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        from .models import Gezagsrelatie, Leerling

        staff_pupils = Leerling.objects.filter(
            Q(school_id__in=school_ids(user))
            | Q(groep_id__in=groep_ids(user))
            | Q(school__bestuur_id__in=bestuur_ids(user))
        )
        return self.filter(
            Q(account=user)
            | Q(bestuur_id__in=bestuur_ids(user))
            | Q(id__in=Gezagsrelatie.objects.filter(leerling__in=staff_pupils).values("ouder_id"))
        )


class DossierItemQuerySet(models.QuerySet):
    def visible_to(self, user):
        if _is_anonymous(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        from .models import DossierItemGrant, Gegevenscategorie

        normal = Q(zeer_vertrouwelijk=False)
        not_special = ~Q(categorie__in=Gegevenscategorie.bijzonder())
        return self.filter(
            Q(leerling__school_id__in=school_ids(user, ("rol_directeur",)))
            | (Q(leerling__school_id__in=school_ids(user, ("rol_ib",))) & normal)
            | (
                Q(leerling__school_id__in=school_ids(user, ("rol_administratie",)))
                & normal
                & Q(categorie__in=Gegevenscategorie.administratief())
            )
            | (Q(leerling__groep_id__in=groep_ids(user)) & normal & Q(categorie__in=Gegevenscategorie.onderwijs()))
            | (Q(leerling__school__bestuur_id__in=bestuur_ids(user, ("rol_fg",))) & normal & not_special)
            | Q(
                id__in=DossierItemGrant.objects.filter(
                    user=user, permission__codename="view_dossieritem"
                ).values("content_object_id")
            )
        )


class ToegangslogQuerySet(models.QuerySet):
    """The access log: the FG of a board sees the entries about its pupils and its staff."""

    def visible_to(self, user):
        if _is_anonymous(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        from .models import GroepGrant, SchoolGrant

        fg_boards = bestuur_ids(user, ("rol_fg",))
        board_staff = SchoolGrant.objects.filter(content_object__bestuur_id__in=fg_boards).values("user_id").union(
            GroepGrant.objects.filter(content_object__school__bestuur_id__in=fg_boards).values("user_id")
        )
        return self.filter(Q(leerling__school__bestuur_id__in=fg_boards) | Q(gebruiker_id__in=board_staff))
