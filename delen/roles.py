"""The model permissions of the disclosure register per role (where they apply is delen/access.py).

Added to the role groups of ``leerlingen.roles`` by a data migration and by the demo. Added,
never set: the groups also hold the permissions of the other apps.
"""

from leerlingen.models import Rol
from leerlingen.roles import sync_app_permissions

VIEW = ("view",)
EDIT = ("view", "add", "change", "delete")

DELEN_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Rol.DIRECTEUR: {
        "ontvanger": ("view", "add", "change"),
        "vordering": EDIT,
        "verstrekking": VIEW,
        "verwerker": EDIT,
        "verwerkersovereenkomst": EDIT,
        "verloopwaarschuwing": VIEW,
        "registerversie": VIEW,
    },
    Rol.IB: {
        "ontvanger": VIEW,
        "vordering": ("view", "add", "change"),
        "verstrekking": VIEW,
        "verwerker": VIEW,
        "verwerkersovereenkomst": VIEW,
    },
    Rol.ADMINISTRATIE: {
        "ontvanger": VIEW,
        "verstrekking": VIEW,
        "verwerker": VIEW,
        "verwerkersovereenkomst": VIEW,
    },
    Rol.LEERKRACHT: {},
    Rol.FG: {
        "ontvanger": VIEW,
        "vordering": VIEW,
        "verstrekking": VIEW,
        "verwerker": VIEW,
        "verwerkersovereenkomst": VIEW,
        "verloopwaarschuwing": VIEW,
        "registerversie": VIEW,
    },
    Rol.BESTUUR: {
        "ontvanger": VIEW,
        "verwerker": VIEW,
        "verwerkersovereenkomst": VIEW,
        "registerversie": VIEW,
    },
}


def sync_delen_permissions(apps=None) -> None:
    sync_app_permissions("delen", DELEN_PERMISSIONS, apps)
