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

from django.db import connection
from django.db.models import Q

from core.access import RuleQuerySet, ScopedQuerySet
from core.access import any_of as _any_of
from core.access import history_rule as history_rule  # re-exported: the register's callers
from core.access import is_anonymous as _is_anonymous
from core.access import visible_history as visible_history
from core.access import within as _in

from .rol import Rol, codenames

SCHOOL_ROLES = (Rol.DIRECTEUR, Rol.IB, Rol.ADMINISTRATIE)
BESTUUR_ROLES = (Rol.FG, Rol.BESTUUR)


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
    board_schools: dict[str, frozenset[int]] = field(
        default_factory=dict
    )  # schools of granted boards
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

    from .models import (
        BestuurGrant,
        Gezagsrelatie,
        GroepGrant,
        Leerling,
        Ouder,
        Ouderinzage,
        School,
        SchoolGrant,
    )

    t = {
        m.__name__: connection.ops.quote_name(m._meta.db_table)
        for m in (
            BestuurGrant,
            Gezagsrelatie,
            GroepGrant,
            Leerling,
            Ouder,
            Ouderinzage,
            School,
            SchoolGrant,
            Permission,
        )
    }

    def grants(kind, table):
        return (
            f"SELECT '{kind}', g.content_object_id, p.codename FROM {t[table]} g "
            f"JOIN {t['Permission']} p ON p.id = g.permission_id WHERE g.user_id = %s"
        )

    return " UNION ALL ".join(
        [
            grants("s", "SchoolGrant"),
            grants("g", "GroepGrant"),
            grants("b", "BestuurGrant"),
            f"SELECT 'bs', s.id, p.codename FROM {t['BestuurGrant']} g JOIN {t['Permission']} p ON p.id = g.permission_id "
            f"JOIN {t['School']} s ON s.bestuur_id = g.content_object_id WHERE g.user_id = %s",
            # A parent's view ends on the pupil's 18th birthday unless the pupil let them keep it (custody).
            f"SELECT 'c', r.leerling_id, '' FROM {t['Gezagsrelatie']} r JOIN {t['Ouder']} o ON o.id = r.ouder_id "
            f"JOIN {t['Leerling']} l ON l.id = r.leerling_id WHERE o.account_id = %s AND (l.geboortedatum > %s "
            f"OR EXISTS (SELECT 1 FROM {t['Ouderinzage']} i WHERE i.leerling_id = r.leerling_id "
            f"AND i.ouder_id = r.ouder_id AND i.toegestaan))",
            f"SELECT 'o', o.id, '' FROM {t['Ouder']} o WHERE o.account_id = %s",
            f"SELECT 'p', l.id, '' FROM {t['Leerling']} l WHERE l.account_id = %s AND l.geboortedatum <= %s",
        ]
    )


def scope(user) -> Scope:
    """The user's scope, in one query, kept on the user object for the rest of the request."""
    cached = getattr(user, SCOPE_CACHE, None)
    if cached is not None:
        return cached
    from .custody import (  # own record from 16, parents' view to 18: custody
        adult_cutoff,
        sixteen_cutoff,
    )

    with connection.cursor() as cursor:
        cursor.execute(
            _scope_sql(), [user.pk] * 5 + [adult_cutoff()] + [user.pk] * 2 + [sixteen_cutoff()]
        )
        query = cursor.fetchall()
    found: dict[str, dict[str, set[int]]] = {}
    for kind, pk, codename in query:
        found.setdefault(kind, {}).setdefault(codename, set()).add(pk)

    def by_role(kind):
        return {c: frozenset(ids) for c, ids in found.get(kind, {}).items()}

    result = Scope(
        schools=by_role("s"),
        groepen=by_role("g"),
        besturen=by_role("b"),
        board_schools=by_role("bs"),
        children=_union(by_role("c"), [""]),
        own_pupil=_union(by_role("p"), [""]),
        own_ouder=_union(by_role("o"), [""]),
    )
    setattr(user, SCOPE_CACHE, result)
    return result


def forget_scope(user) -> None:
    """After a grant changes: the next ``visible_to`` reads the grants again."""
    user.__dict__.pop(SCOPE_CACHE, None)


def school_ids(user, roles=SCHOOL_ROLES) -> frozenset[int]:
    """Schools on which ``user`` holds one of the school roles ``roles``."""
    return _union(scope(user).schools, codenames(roles))


def groep_ids(user) -> frozenset[int]:
    return _union(scope(user).groepen, codenames([Rol.LEERKRACHT]))


def family_ids(user) -> frozenset[int]:
    """The pupils a portal user reaches as family: the children in their custody whose view they
    keep, and their own record from 16 (``LeerlingQuerySet.rule``; the portal reads a child by id
    when it is one of these)."""
    reach = scope(user)
    return reach.children | reach.own_pupil


def bestuur_ids(user, roles=BESTUUR_ROLES) -> frozenset[int]:
    return _union(scope(user).besturen, codenames(roles))


def board_school_ids(user, roles=BESTUUR_ROLES) -> frozenset[int]:
    """The schools of the boards on which ``user`` holds one of ``roles``."""
    return _union(scope(user).board_schools, codenames(roles))


class BestuurQuerySet(ScopedQuerySet):
    def rule(self, user) -> Q | None:
        from .models import Groep, School

        return (
            Q(id__in=bestuur_ids(user))
            | Q(id__in=School.objects.filter(id__in=school_ids(user)).values("bestuur_id"))
            | Q(id__in=Groep.objects.filter(id__in=groep_ids(user)).values("school__bestuur_id"))
        )


class SchoolQuerySet(ScopedQuerySet):
    def rule(self, user) -> Q | None:
        from .models import Groep

        return (
            Q(id__in=school_ids(user))
            | Q(bestuur_id__in=bestuur_ids(user))
            | Q(id__in=Groep.objects.filter(id__in=groep_ids(user)).values("school_id"))
        )


class GroepQuerySet(ScopedQuerySet):
    def rule(self, user) -> Q | None:
        condition = _any_of(
            _in("school_id", school_ids(user) | board_school_ids(user)), _in("id", groep_ids(user))
        )
        return condition


class LeerlingQuerySet(RuleQuerySet):
    def rule(self, user) -> Q | None:
        # On the pupil's school and group: a version from before a move is not the new school's.
        return _any_of(
            _in("school_id", school_ids(user) | board_school_ids(user)),
            _in("groep_id", groep_ids(user)),
            _in("id", family_ids(user)),
        )

    def with_bsn_access(self, user):
        """Pupils whose BSN/PGN the user may read: the school's director and administration."""
        return self.by_rule(user, lambda u: Q(school_id__in=school_ids(u, BSN_ROLES)))


BSN_ROLES = (Rol.DIRECTEUR, Rol.ADMINISTRATIE)


def may_read_bsn(user, leerling=None) -> bool:
    """Whether ``user`` may read the BSN/PGN of ``leerling`` (of any pupil, without one): from the scope."""
    if _is_anonymous(user):
        return False
    if user.is_superuser:
        return True
    schools = school_ids(user, BSN_ROLES)
    return leerling.school_id in schools if leerling is not None else bool(schools)


class OuderQuerySet(ScopedQuerySet):
    def rule(self, user) -> Q | None:
        from .models import Gezagsrelatie, Leerling

        pupils = _any_of(_in("school_id", school_ids(user)), _in("groep_id", groep_ids(user)))
        condition = _any_of(
            _in("id", scope(user).own_ouder),
            _in("bestuur_id", bestuur_ids(user)),
            Q(
                id__in=Gezagsrelatie.objects.filter(
                    leerling__in=Leerling.objects.filter(pupils)
                ).values("ouder_id")
            )
            if pupils is not None
            else None,
        )
        return condition


class DossierItemQuerySet(RuleQuerySet):
    def rule(self, user) -> Q | None:
        # On the category and confidentiality, which change: each past version is judged as it was.
        from .models import DossierItemGrant, Gegevenscategorie

        normal = Q(zeer_vertrouwelijk=False)
        not_special = ~Q(categorie__in=Gegevenscategorie.bijzonder())
        return (
            Q(leerling__school_id__in=school_ids(user, [Rol.DIRECTEUR]))
            | (Q(leerling__school_id__in=school_ids(user, [Rol.IB])) & normal)
            | (
                Q(leerling__school_id__in=school_ids(user, [Rol.ADMINISTRATIE]))
                & normal
                & Q(categorie__in=Gegevenscategorie.administratief())
            )
            | (
                Q(leerling__groep_id__in=groep_ids(user))
                & normal
                & Q(categorie__in=Gegevenscategorie.onderwijs())
            )
            | (
                Q(leerling__school__bestuur_id__in=bestuur_ids(user, [Rol.FG]))
                & normal
                & not_special
            )
            | Q(
                id__in=DossierItemGrant.objects.filter(
                    user=user, permission__codename="view_dossieritem"
                ).values("content_object_id")
            )
        )


class LeerlingChildQuerySet(RuleQuerySet):
    """A record about one pupil that the pupil's parents may not read (an adult pupil's decisions):
    the staff who see the pupil, and the pupil themself."""

    def rule(self, user) -> Q | None:
        return _any_of(
            _in("leerling__school_id", school_ids(user) | board_school_ids(user)),
            _in("leerling__groep_id", groep_ids(user)),
            _in("leerling_id", scope(user).own_pupil),
        )


class ToegangslogQuerySet(ScopedQuerySet):
    """The access log: the FG of a board sees the entries about its pupils and its staff."""

    def rule(self, user) -> Q | None:
        from .models import GroepGrant, SchoolGrant

        fg_boards = bestuur_ids(user, [Rol.FG])
        board_staff = (
            SchoolGrant.objects.filter(content_object__bestuur_id__in=fg_boards)
            .values("user_id")
            .union(
                GroepGrant.objects.filter(content_object__school__bestuur_id__in=fg_boards).values(
                    "user_id"
                )
            )
        )
        return Q(leerling__school__bestuur_id__in=fg_boards) | Q(gebruiker_id__in=board_staff)
