"""Model permissions of the consent app per role, added to the role groups of leerlingen/roles.py.

``leerlingen.roles.sync_role_groups`` sets only the register's permissions (and so removes
these); run ``sync_consent_permissions`` after it (the migration and the demo do).
"""

from leerlingen.models import Rol
from leerlingen.roles import group_name

VIEW = ("view",)
CONSENT_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Rol.DIRECTEUR: {
        "doel": ("view", "add", "change"), "formulier": ("view", "change"), "formuliertekst": VIEW,
        "toestemming": VIEW, "overdracht": VIEW, "herinnering": VIEW,
    },
    Rol.IB: {"doel": VIEW, "formulier": VIEW, "formuliertekst": VIEW, "toestemming": VIEW},
    Rol.ADMINISTRATIE: {
        "doel": VIEW, "formulier": VIEW, "formuliertekst": VIEW, "toestemming": VIEW, "overdracht": VIEW,
        "herinnering": VIEW,
    },
    Rol.LEERKRACHT: {"doel": VIEW, "toestemming": VIEW},
    Rol.FG: {
        "doel": VIEW, "formulier": VIEW, "formuliertekst": VIEW, "toestemming": VIEW, "overdracht": VIEW,
        "herinnering": VIEW,
    },
    Rol.BESTUUR: {"doel": VIEW, "formulier": VIEW},
}


def sync_consent_permissions(apps=None) -> None:
    if apps is None:
        from django.contrib.auth.models import Group, Permission
    else:
        Group, Permission = apps.get_model("auth", "Group"), apps.get_model("auth", "Permission")
    for rol, models in CONSENT_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name(rol))
        codenames = [f"{action}_{model}" for model, actions in models.items() for action in actions]
        group.permissions.add(*Permission.objects.filter(content_type__app_label="toestemming", codename__in=codenames))
