"""The one authority for access (DESIGN.md §3).

Every model that holds pupil data has a ``visible_to(user)`` queryset method. The user's role
grants (guardian object permissions with direct foreign keys on Bestuur, School and Groep) are
read once per request into a ``Scope`` (one query, kept on the user object); every
``visible_to`` is then one SQL query filtering on those ids, which indexes answer at any number
of pupils (DESIGN.md §9, docs/scale.md). Admin, views, exports, PDFs and tasks all go through
these methods; nothing else decides who sees what.

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

from dataclasses import dataclass, field
from functools import cache

from django.db import connection, models
from django.db.models import Q

from core.access import RuleQuerySet, any_of as _any_of, history_rule, is_anonymous as _is_anonymous, visible_history, within as _in

SCHOOL_ROLES = ("rol_directeur", "rol_ib", "rol_administratie")
BESTUUR_ROLES = ("rol_fg", "rol_bestuur")


@dataclass(frozen=True)
class Scope:
    """What a user's grants reach, read once per request (DESIGN.md §9).

    The containers come back as literal id lists, so every ``visible_to`` below is a plain
    ``school_id IN (...)`` that PostgreSQL answers from an index, in index order, whatever the
    number of pupils in the country. (Subqueries OR-ed together force a scan of the whole table.)
    """

    schools: dict[str, frozenset[int]] = field(default_factory=dict)  # granted directly, per role
    groepen: dict[str, frozenset[int]] = field(default_factory=dict)
    besturen: dict[str, frozenset[int]] = field(default_factory=dict)
    board_schools: dict[str, frozenset[int]] = field(default_factory=dict)  # schools of granted boards
    children: frozenset[int] = frozenset()  # pupils in the user's custody (parent portal)
    own_pupil: frozenset[int] = frozenset()  # the user's own record, once 16
    own_ouder: frozenset[int] = frozenset()


def _union(by_role: dict[str, frozenset[int]], codenames) -> frozenset[int]:
    return frozenset().union(*(by_role.get(c, frozenset()) for c in codenames))


SCOPE_CACHE = "_access_scope"


@cache
def _scope_sql() -> str:
    """One statement for the whole scope, written once: the ORM would rebuild this UNION on every
    request, at several milliseconds of CPU each time (measured by the consent rush)."""
    from django.contrib.auth.models import Permission

    from .models import BestuurGrant, Gezagsrelatie, GroepGrant, Leerling, Ouder, School, SchoolGrant

    t = {m.__name__: connection.ops.quote_name(m._meta.db_table) for m in (
        BestuurGrant, Gezagsrelatie, GroepGrant, Leerling, Ouder, School, SchoolGrant, Permission)}

    def grants(kind, table):
        return (f"SELECT '{kind}', g.content_object_id, p.codename FROM {t[table]} g "
                f"JOIN {t['Permission']} p ON p.id = g.permission_id WHERE g.user_id = %s")

    return " UNION ALL ".join([
        grants("s", "SchoolGrant"),
        grants("g", "GroepGrant"),
        grants("b", "BestuurGrant"),
        f"SELECT 'bs', s.id, p.codename FROM {t['BestuurGrant']} g JOIN {t['Permission']} p ON p.id = g.permission_id "
        f"JOIN {t['School']} s ON s.bestuur_id = g.content_object_id WHERE g.user_id = %s",
        f"SELECT 'c', r.leerling_id, '' FROM {t['Gezagsrelatie']} r JOIN {t['Ouder']} o ON o.id = r.ouder_id "
        f"WHERE o.account_id = %s",
        f"SELECT 'o', o.id, '' FROM {t['Ouder']} o WHERE o.account_id = %s",
        f"SELECT 'p', l.id, '' FROM {t['Leerling']} l WHERE l.account_id = %s AND l.geboortedatum <= %s",
    ])


def scope(user) -> Scope:
    """The user's scope, in one query, kept on the user object for the rest of the request."""
    cached = getattr(user, SCOPE_CACHE, None)
    if cached is not None:
        return cached
    from .custody import sixteen_cutoff  # the pupil's own record from 16: the custody rule

    with connection.cursor() as cursor:
        cursor.execute(_scope_sql(), [user.pk] * 7 + [sixteen_cutoff()])
        query = cursor.fetchall()
    found: dict[str, dict[str, set[int]]] = {}
    for kind, pk, codename in query:
        found.setdefault(kind, {}).setdefault(codename, set()).add(pk)

    def by_role(kind):
        return {c: frozenset(ids) for c, ids in found.get(kind, {}).items()}

    result = Scope(
        schools=by_role("s"), groepen=by_role("g"), besturen=by_role("b"), board_schools=by_role("bs"),
        children=_union(by_role("c"), [""]), own_pupil=_union(by_role("p"), [""]), own_ouder=_union(by_role("o"), [""]),
    )
    setattr(user, SCOPE_CACHE, result)
    return result


def forget_scope(user) -> None:
    """After a grant changes: the next ``visible_to`` reads the grants again."""
    user.__dict__.pop(SCOPE_CACHE, None)


def school_ids(user, codenames=SCHOOL_ROLES) -> frozenset[int]:
    """Schools on which ``user`` holds one of the school roles ``codenames``."""
    return _union(scope(user).schools, codenames)


def groep_ids(user) -> frozenset[int]:
    return _union(scope(user).groepen, ("rol_leerkracht",))


def bestuur_ids(user, codenames=BESTUUR_ROLES) -> frozenset[int]:
    return _union(scope(user).besturen, codenames)


def board_school_ids(user, codenames=BESTUUR_ROLES) -> frozenset[int]:
    """The schools of the boards on which ``user`` holds one of ``codenames``."""
    return _union(scope(user).board_schools, codenames)


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
        condition = _any_of(_in("school_id", school_ids(user) | board_school_ids(user)), _in("id", groep_ids(user)))
        return self.filter(condition) if condition is not None else self.none()


class LeerlingQuerySet(RuleQuerySet):
    def rule(self, user) -> Q | None:
        # On the pupil's school and group: a version from before a move is not the new school's.
        if _is_anonymous(user):
            return None
        if user.is_superuser:
            return Q()
        reach = scope(user)
        return _any_of(
            _in("school_id", school_ids(user) | board_school_ids(user)),
            _in("groep_id", groep_ids(user)),
            _in("id", reach.children | reach.own_pupil),
        )

    def with_bsn_access(self, user):
        """Pupils whose BSN/PGN the user may read: the school's director and administration."""
        if _is_anonymous(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(school_id__in=school_ids(user, BSN_ROLES))


BSN_ROLES = ("rol_directeur", "rol_administratie")


def may_read_bsn(user, leerling=None) -> bool:
    """Whether ``user`` may read the BSN/PGN of ``leerling`` (of any pupil, without one): from the scope."""
    if _is_anonymous(user):
        return False
    if user.is_superuser:
        return True
    schools = school_ids(user, BSN_ROLES)
    return leerling.school_id in schools if leerling is not None else bool(schools)


class OuderQuerySet(models.QuerySet):
    def visible_to(self, user):
        if _is_anonymous(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        from .models import Gezagsrelatie, Leerling

        pupils = _any_of(_in("school_id", school_ids(user)), _in("groep_id", groep_ids(user)))
        condition = _any_of(
            _in("id", scope(user).own_ouder),
            _in("bestuur_id", bestuur_ids(user)),
            Q(id__in=Gezagsrelatie.objects.filter(leerling__in=Leerling.objects.filter(pupils)).values("ouder_id"))
            if pupils is not None else None,
        )
        return self.filter(condition) if condition is not None else self.none()


class DossierItemQuerySet(RuleQuerySet):
    def rule(self, user) -> Q | None:
        # On the category and confidentiality, which change: each past version is judged as it was.
        if _is_anonymous(user):
            return None
        if user.is_superuser:
            return Q()
        from .models import DossierItemGrant, Gegevenscategorie

        normal = Q(zeer_vertrouwelijk=False)
        not_special = ~Q(categorie__in=Gegevenscategorie.bijzonder())
        return (
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
