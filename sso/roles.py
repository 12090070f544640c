"""The model permissions of single sign-on per role: board staff configure, the FG reviews."""

from leerlingen.models import Rol
from leerlingen.roles import sync_app_permissions

VIEW = ("view",)

SSO_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Rol.DIRECTEUR: {},
    Rol.IB: {},
    Rol.ADMINISTRATIE: {},
    Rol.LEERKRACHT: {},
    Rol.FG: {"identiteitsprovider": VIEW, "koppeling": VIEW, "aanmelding": VIEW},
    Rol.BESTUUR: {
        "identiteitsprovider": ("view", "add", "change"),
        "koppeling": ("view", "delete"),
        "aanmelding": VIEW,
    },
}


def sync_sso_permissions(apps=None) -> None:
    sync_app_permissions("sso", SSO_PERMISSIONS, apps)
