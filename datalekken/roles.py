"""The model permissions of the breach register per role (where they apply is datalekken/access.py).
Registered with the register's role groups in ``DatalekkenConfig.ready``."""

from leerlingen.models import Rol

EDIT = ("view", "add", "change")

DATALEKKEN_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Rol.FG: {"datalek": EDIT, "bericht": ("view",), "meldlink": ("view", "add")},
    Rol.DIRECTEUR: {"datalek": EDIT, "bericht": ("view",), "meldlink": ("view", "add")},
    Rol.IB: {},
    Rol.ADMINISTRATIE: {},
    Rol.LEERKRACHT: {},
    Rol.BESTUUR: {},
}
