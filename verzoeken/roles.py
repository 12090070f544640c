"""The model permissions of the requests app per role (where they apply is verzoeken/access.py).

Added to the role groups of ``leerlingen.roles`` by a data migration. Added, never set: the
groups also hold the permissions of the other apps. The work itself happens on the staff pages
(/staf/verzoeken/); the admin shows the requests read-only, with their history.
"""

from leerlingen.models import Rol
from leerlingen.roles import sync_app_permissions

VERZOEKEN_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Rol.DIRECTEUR: {
        "verzoek": ("view", "approve"),
        "beperking": ("view",),
        "rectificatiemelding": ("view",),
        "kopie": ("view",),
        "termijnsignaal": ("view",),
        "verzoekinstellingen": ("view", "change"),
    },
    Rol.IB: {
        "verzoek": ("view",),
        "beperking": ("view",),
        "rectificatiemelding": ("view",),
        "kopie": ("view",),
    },
    Rol.ADMINISTRATIE: {
        "verzoek": ("view",),
        "beperking": ("view",),
        "rectificatiemelding": ("view",),
        "kopie": ("view",),
    },
    Rol.LEERKRACHT: {},
    Rol.FG: {
        "verzoek": ("view",),
        "beperking": ("view",),
        "rectificatiemelding": ("view",),
        "kopie": ("view",),
        "termijnsignaal": ("view",),
        "verzoekinstellingen": ("view",),
    },
    Rol.BESTUUR: {},
}


def sync_verzoeken_permissions(apps=None) -> None:
    sync_app_permissions("verzoeken", VERZOEKEN_PERMISSIONS, apps)
