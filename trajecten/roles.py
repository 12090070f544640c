"""Model permissions of professional development per role (where they apply: ``access.py``)."""

from leerlingen.models import Rol
from leerlingen.roles import sync_app_permissions

VIEW = ("view",)
EDIT = ("view", "add", "change", "delete")

TRAJECT_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Rol.DIRECTEUR: {"traject": EDIT, "opname": EDIT},
    Rol.IB: {"traject": ("view", "add", "change"), "opname": ("view", "add", "change")},
    Rol.LEERKRACHT: {"traject": VIEW, "opname": VIEW},
    Rol.ADMINISTRATIE: {},
    Rol.FG: {},
    Rol.BESTUUR: {},
}


def sync_traject_permissions(apps=None) -> None:
    sync_app_permissions("trajecten", TRAJECT_PERMISSIONS, apps)
