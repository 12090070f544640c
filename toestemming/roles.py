"""Model permissions of the consent app per role, added to the role groups of leerlingen/roles.py.

Each app sets its own permissions on the role groups through ``leerlingen.roles.sync_app_permissions``
(this app's data migration and the demo call ``sync_consent_permissions``).
"""

from leerlingen.models import Rol
from leerlingen.roles import sync_app_permissions

VIEW = ("view",)
CONSENT_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Rol.DIRECTEUR: {
        "doel": ("view", "add", "change"),
        "formulier": ("view", "change"),
        "formuliertekst": VIEW,
        "toestemming": VIEW,
        "overdracht": VIEW,
        "herinnering": VIEW,
    },
    Rol.IB: {"doel": VIEW, "formulier": VIEW, "formuliertekst": VIEW, "toestemming": VIEW},
    Rol.ADMINISTRATIE: {
        "doel": VIEW,
        "formulier": VIEW,
        "formuliertekst": VIEW,
        "toestemming": VIEW,
        "overdracht": VIEW,
        "herinnering": VIEW,
    },
    Rol.LEERKRACHT: {"doel": VIEW, "toestemming": VIEW},
    Rol.FG: {
        "doel": VIEW,
        "formulier": VIEW,
        "formuliertekst": VIEW,
        "toestemming": VIEW,
        "overdracht": VIEW,
        "herinnering": VIEW,
    },
    Rol.BESTUUR: {"doel": VIEW, "formulier": VIEW},
}


def sync_consent_permissions(apps=None) -> None:
    sync_app_permissions("toestemming", CONSENT_PERMISSIONS, apps)
