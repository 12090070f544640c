"""Roles: a Django group per role for what a role may do (model permissions), and a guardian
object permission on a container for where it may do it (DESIGN.md §3).

The groups are created by a data migration from ``ROLE_PERMISSIONS``; ``grant_role`` is the one
way to give someone a role.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Model

from guardian.shortcuts import assign_perm, remove_perm

from .access import forget_scope
from .models import Bestuur, BestuurGrant, Groep, GroepGrant, Rol, School, SchoolGrant

VIEW = ("view",)
EDIT = ("view", "add", "change", "delete")

# role -> {model name: actions}
ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Rol.DIRECTEUR: {
        "bestuur": VIEW,
        "school": ("view", "change"),
        "groep": EDIT,
        "leerling": EDIT,
        "ouder": EDIT,
        "gezagsrelatie": EDIT,
        "dossieritem": EDIT,
        "dossieritemgrant": EDIT,
    },
    Rol.IB: {
        "bestuur": VIEW,
        "school": VIEW,
        "groep": VIEW,
        "leerling": VIEW,
        "ouder": VIEW,
        "gezagsrelatie": VIEW,
        "dossieritem": ("view", "add", "change"),
    },
    Rol.ADMINISTRATIE: {
        "bestuur": VIEW,
        "school": VIEW,
        "groep": EDIT,
        "leerling": ("view", "add", "change"),
        "ouder": EDIT,
        "gezagsrelatie": EDIT,
        "dossieritem": VIEW,
    },
    # A teacher works in their group (its pupils, the photo list): no school or board pages.
    Rol.LEERKRACHT: {
        "groep": VIEW,
        "leerling": VIEW,
        "ouder": VIEW,
        "gezagsrelatie": VIEW,
        "dossieritem": VIEW,
    },
    Rol.FG: {
        "bestuur": VIEW,
        "school": VIEW,
        "groep": VIEW,
        "leerling": VIEW,
        "ouder": VIEW,
        "gezagsrelatie": VIEW,
        "dossieritem": VIEW,
        "toegangslog": VIEW,
    },
    Rol.BESTUUR: {"bestuur": VIEW, "school": VIEW, "groep": VIEW, "leerling": VIEW},
}

# role -> (container model, object permission codename)
ROLE_CONTAINER = {
    rol: (container, rol.codename)
    for container, roles in (
        (School, (Rol.DIRECTEUR, Rol.IB, Rol.ADMINISTRATIE)),
        (Groep, (Rol.LEERKRACHT,)),
        (Bestuur, (Rol.FG, Rol.BESTUUR)),
    )
    for rol in roles
}
# container model -> the table of its role grants
GRANTS = {School: SchoolGrant, Groep: GroepGrant, Bestuur: BestuurGrant}


def holders_of(rol: str, container):
    """The active accounts holding ``rol`` on ``container`` (a School, Groep or Bestuur of the
    role's kind, or its id): who is told, who is asked. One query when evaluated; also usable
    as a subquery (``pk__in``) and OR-ed with another ``holders_of``."""
    from django.contrib.auth import get_user_model

    container_model, codename = ROLE_CONTAINER[Rol(rol)]
    if isinstance(container, Model) and not isinstance(container, container_model):
        raise ValueError(f"Role {rol} is held on a {container_model.__name__}.")
    grants = GRANTS[container_model].objects.filter(
        content_object_id=getattr(container, "pk", container), permission__codename=codename
    )
    return get_user_model().objects.filter(is_active=True, pk__in=grants.values("user_id"))


def group_name(rol: str) -> str:
    return f"rol:{rol}"


def sync_app_permissions(app_label: str, role_permissions: dict, apps=None) -> None:
    """Give each role's group exactly ``role_permissions``' model permissions of ``app_label``.

    Every app keeps its own table (``toestemming.roles``, ``delen.roles``, ...) and calls this from
    its data migration; permissions of other apps are left alone.
    """
    group_model = apps.get_model("auth", "Group") if apps else Group
    perm_model = apps.get_model("auth", "Permission") if apps else Permission
    own = perm_model.objects.filter(content_type__app_label=app_label)
    for rol, models in role_permissions.items():
        group, _ = group_model.objects.get_or_create(name=group_name(rol))
        codenames = [f"{action}_{model}" for model, actions in models.items() for action in actions]
        group.permissions.remove(*own.exclude(codename__in=codenames))
        group.permissions.add(*own.filter(codename__in=codenames))


def sync_role_groups(apps=None) -> None:
    """Create or update one auth group per role with exactly its pupil-register permissions."""
    sync_app_permissions("leerlingen", ROLE_PERMISSIONS, apps)


# app label -> that app's role permission table; each feature app registers its own table in
# its AppConfig.ready() (the register imports no feature app).
_app_role_permissions: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {}


def register_role_permissions(app_label: str, role_permissions: dict) -> None:
    """Register a feature app's table of model permissions per role (from its ``AppConfig.ready``)."""
    _app_role_permissions[app_label] = role_permissions


def sync_all_role_groups() -> None:
    """Every app's role permissions, as their data migrations set them."""
    sync_role_groups()
    for app_label, role_permissions in _app_role_permissions.items():
        sync_app_permissions(app_label, role_permissions)


@transaction.atomic
def grant_role(*, user, rol: str, container) -> None:
    """Give ``user`` the role ``rol`` on ``container`` (a School, Groep or Bestuur)."""
    container_model, codename = ROLE_CONTAINER[rol]
    if not isinstance(container, container_model):
        raise ValueError(f"Role {rol} is granted on a {container_model.__name__}.")
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    group = Group.objects.filter(name=group_name(rol)).first()
    if group is None:  # a flushed database (tests, `demo --force`): the migrations' groups are gone
        sync_all_role_groups()
        group = Group.objects.get(name=group_name(rol))
    user.groups.add(group)
    assign_perm(f"leerlingen.{codename}", user, container)
    forget_scope(user)


@transaction.atomic
def revoke_role(*, user, rol: str, container) -> None:
    _, codename = ROLE_CONTAINER[rol]
    remove_perm(f"leerlingen.{codename}", user, container)
    forget_scope(user)
