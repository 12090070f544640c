"""Who sees which requests (DESIGN.md §3), built on the helpers of ``leerlingen/access.py``.

- The school's director, IB and administrative staff handle the school's requests and see them.
- The FG sees every request of the board (the request register is theirs to oversee).
- A parent sees the requests they filed; a pupil of 16+ the requests they filed themselves.
- Teachers and board staff see none.

Who may *do* what is narrower: ``handler_school_ids`` (record, check identity, prepare),
``director_school_ids`` (review and approve), ``register_filter`` (the register: director and FG).
"""

from django.db import models
from django.db.models import Q

from leerlingen.access import _is_anonymous, bestuur_ids, school_ids

HANDLER_ROLES = ("rol_directeur", "rol_ib", "rol_administratie")


def handler_school_ids(user):
    return school_ids(user, HANDLER_ROLES)


def director_school_ids(user):
    return school_ids(user, ("rol_directeur",))


def fg_bestuur_ids(user):
    return bestuur_ids(user, ("rol_fg",))


def _staff_scope(user, prefix: str = "") -> Q:
    return Q(**{f"{prefix}school_id__in": handler_school_ids(user)}) | Q(
        **{f"{prefix}school__bestuur_id__in": fg_bestuur_ids(user)}
    )


def _own_requests(user, prefix: str = "") -> Q:
    return Q(**{f"{prefix}indiener_ouder__account": user, f"{prefix}indiener_rol": "ouder"}) | Q(
        **{f"{prefix}leerling__account": user, f"{prefix}indiener_rol": "leerling"}
    )


class VerzoekQuerySet(models.QuerySet):
    def visible_to(self, user):
        if _is_anonymous(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(_staff_scope(user) | _own_requests(user))

    def handled_by(self, user):
        """Requests ``user`` may work on as staff (not as requester)."""
        if _is_anonymous(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(school_id__in=handler_school_ids(user))

    def filed_by(self, user):
        """The requests ``user`` filed as a parent or as a pupil of 16+ (the portal)."""
        if _is_anonymous(user):
            return self.none()
        return self.filter(_own_requests(user))

    def register_for(self, user):
        """The request register: the director sees the school's, the FG the board's."""
        if _is_anonymous(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(Q(school_id__in=director_school_ids(user)) | Q(school__bestuur_id__in=fg_bestuur_ids(user)))

    def open(self):
        from .models import Status

        return self.filter(status__in=Status.open())


class _ViaVerzoek(models.QuerySet):
    def visible_to(self, user):
        if _is_anonymous(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        from .models import Verzoek

        return self.filter(verzoek__in=Verzoek.objects.visible_to(user).values("id"))


class RectificatiemeldingQuerySet(_ViaVerzoek):
    pass


class TermijnsignaalQuerySet(models.QuerySet):
    def visible_to(self, user):
        if _is_anonymous(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(_staff_scope(user, "verzoek__"))


class DocumentQuerySet(_ViaVerzoek):
    pass


class KopieQuerySet(_ViaVerzoek):
    pass


class BeperkingQuerySet(models.QuerySet):
    def visible_to(self, user):
        if _is_anonymous(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(_staff_scope(user, "leerling__"))

    def actief(self):
        return self.filter(opgeheven_op__isnull=True)


class InstellingenQuerySet(models.QuerySet):
    def visible_to(self, user):
        if _is_anonymous(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(Q(school_id__in=director_school_ids(user)) | Q(school__bestuur_id__in=fg_bestuur_ids(user)))
