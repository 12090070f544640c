"""The model permissions of the disclosure register per role (where they apply is delen/access.py).

Added to the role groups of ``leerlingen.roles`` by a data migration and by the demo. Added,
never set: the groups also hold the permissions of the other apps.
"""

from leerlingen.models import Rol
from leerlingen.roles import group_name

VIEW = ("view",)
EDIT = ("view", "add", "change", "delete")

DELEN_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Rol.DIRECTEUR: {
        "ontvanger": ("view", "add", "change"), "vordering": EDIT, "verstrekking": VIEW, "verwerker": EDIT,
        "verwerkersovereenkomst": EDIT, "verloopwaarschuwing": VIEW, "registerversie": VIEW,
    },
    Rol.IB: {
        "ontvanger": VIEW, "vordering": ("view", "add", "change"), "verstrekking": VIEW, "verwerker": VIEW,
        "verwerkersovereenkomst": VIEW,
    },
    Rol.ADMINISTRATIE: {"ontvanger": VIEW, "verstrekking": VIEW, "verwerker": VIEW, "verwerkersovereenkomst": VIEW},
    Rol.LEERKRACHT: {},
    Rol.FG: {
        "ontvanger": VIEW, "vordering": VIEW, "verstrekking": VIEW, "verwerker": VIEW, "verwerkersovereenkomst": VIEW,
        "verloopwaarschuwing": VIEW, "registerversie": VIEW,
    },
    Rol.BESTUUR: {"ontvanger": VIEW, "verwerker": VIEW, "verwerkersovereenkomst": VIEW, "registerversie": VIEW},
}


def sync_delen_permissions(apps=None) -> None:
    from django.contrib.auth.models import Group, Permission

    group_model = apps.get_model("auth", "Group") if apps else Group
    perm_model = apps.get_model("auth", "Permission") if apps else Permission
    for rol, models in DELEN_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=group_name(rol))
        codenames = [f"{action}_{model}" for model, actions in models.items() for action in actions]
        group.permissions.add(*perm_model.objects.filter(content_type__app_label="delen", codename__in=codenames))
