"""The model permissions of the requests app per role (where they apply is verzoeken/access.py).

Added to the role groups of ``leerlingen.roles`` by a data migration. Added, never set: the
groups also hold the permissions of the other apps. The work itself happens on the staff pages
(/staf/verzoeken/); the admin shows the requests read-only, with their history.
"""

from leerlingen.models import Rol
from leerlingen.roles import group_name

VERZOEKEN_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Rol.DIRECTEUR: {
        "verzoek": ("view", "approve"), "beperking": ("view",), "rectificatiemelding": ("view",),
        "kopie": ("view",), "termijnsignaal": ("view",), "verzoekinstellingen": ("view", "change"),
    },
    Rol.IB: {"verzoek": ("view",), "beperking": ("view",), "rectificatiemelding": ("view",), "kopie": ("view",)},
    Rol.ADMINISTRATIE: {"verzoek": ("view",), "beperking": ("view",), "rectificatiemelding": ("view",), "kopie": ("view",)},
    Rol.LEERKRACHT: {},
    Rol.FG: {
        "verzoek": ("view",), "beperking": ("view",), "rectificatiemelding": ("view",), "kopie": ("view",),
        "termijnsignaal": ("view",), "verzoekinstellingen": ("view",),
    },
    Rol.BESTUUR: {},
}


def sync_verzoeken_permissions(apps=None) -> None:
    from django.contrib.auth.models import Group, Permission

    group_model = apps.get_model("auth", "Group") if apps else Group
    perm_model = apps.get_model("auth", "Permission") if apps else Permission
    for rol, models in VERZOEKEN_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=group_name(rol))
        codenames = [f"{action}_{model}" for model, actions in models.items() for action in actions]
        group.permissions.add(*perm_model.objects.filter(content_type__app_label="verzoeken", codename__in=codenames))
