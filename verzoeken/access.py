"""Who sees which requests (DESIGN.md §3), built on the helpers of ``leerlingen/access.py``.

- The school's director, IB and administrative staff handle the school's requests and see them.
- The FG sees every request of the board (the request register is theirs to oversee).
- A parent sees the requests they filed; a pupil of 16+ the requests they filed themselves.
- Teachers and board staff see none.

Who may *do* what is narrower: ``handler_school_ids`` (record, check identity, prepare),
``director_school_ids`` (review and approve), ``register_filter`` (the register: director and FG).
"""

from django.db.models import Q

from core.access import ScopedQuerySet
from leerlingen.access import _is_anonymous, bestuur_ids, school_ids
from leerlingen.rol import Rol

HANDLER_ROLES = (Rol.DIRECTEUR, Rol.IB, Rol.ADMINISTRATIE)


def handler_school_ids(user):
    return school_ids(user, HANDLER_ROLES)


def director_school_ids(user):
    return school_ids(user, (Rol.DIRECTEUR,))


def fg_bestuur_ids(user):
    return bestuur_ids(user, (Rol.FG,))


def _staff_scope(user, prefix: str = "") -> Q:
    return Q(**{f"{prefix}school_id__in": handler_school_ids(user)}) | Q(
        **{f"{prefix}school__bestuur_id__in": fg_bestuur_ids(user)}
    )


def _own_requests(user, prefix: str = "") -> Q:
    return Q(**{f"{prefix}indiener_ouder__account": user, f"{prefix}indiener_rol": "ouder"}) | Q(
        **{f"{prefix}leerling__account": user, f"{prefix}indiener_rol": "leerling"}
    )


def _register_rule(user) -> Q:
    return Q(school_id__in=director_school_ids(user)) | Q(
        school__bestuur_id__in=fg_bestuur_ids(user)
    )


class VerzoekQuerySet(ScopedQuerySet):
    def rule(self, user) -> Q | None:
        return _staff_scope(user) | _own_requests(user)

    def handled_by(self, user):
        """Requests ``user`` may work on as staff (not as requester)."""
        return self.by_rule(user, lambda u: Q(school_id__in=handler_school_ids(u)))

    def filed_by(self, user):
        """The requests ``user`` filed as a parent or as a pupil of 16+ (the portal)."""
        if _is_anonymous(user):
            return self.none()
        return self.filter(_own_requests(user))

    def register_for(self, user):
        """The request register: the director sees the school's, the FG the board's."""
        return self.by_rule(user, _register_rule)

    def open(self):
        from .models import Status

        return self.filter(status__in=Status.open())


class _ViaVerzoek(ScopedQuerySet):
    def rule(self, user) -> Q | None:
        from .models import Verzoek

        return Q(verzoek__in=Verzoek.objects.visible_to(user).values("id"))


class RectificatiemeldingQuerySet(ScopedQuerySet):
    """A request's follow-ups through the request; one made by a register edit or an import
    (no request) for the school's handlers and the board's FG."""

    def rule(self, user) -> Q | None:
        from .models import Verzoek

        return Q(verzoek__in=Verzoek.objects.visible_to(user).values("id")) | (
            Q(verzoek__isnull=True) & _staff_scope(user)
        )


class TermijnsignaalQuerySet(ScopedQuerySet):
    def rule(self, user) -> Q | None:
        return _staff_scope(user, "verzoek__")


class DocumentQuerySet(_ViaVerzoek):
    pass


class KopieQuerySet(_ViaVerzoek):
    pass


class BeperkingQuerySet(ScopedQuerySet):
    def rule(self, user) -> Q | None:
        return _staff_scope(user, "leerling__")

    def actief(self):
        return self.filter(opgeheven_op__isnull=True)


class InstellingenQuerySet(ScopedQuerySet):
    def rule(self, user) -> Q | None:
        return _register_rule(user)
