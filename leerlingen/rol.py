"""The staff roles, named once (DOMAIN.md; DESIGN.md §3).

A role is granted as a guardian object permission on its container; that permission's codename
is ``Rol.X.codename`` and nothing else spells it. This module imports no models, so the scope
(``leerlingen.access``, which ``leerlingen.models`` imports) can name roles too; ``Rol`` is
re-exported by ``leerlingen.models`` and ``leerlingen.roles``.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Rol(models.TextChoices):
    """The roles of DOMAIN.md. Staff roles are granted on a container (DESIGN.md §3)."""

    DIRECTEUR = "directeur", _("Director")
    IB = "ib", _("Internal care coordinator (IB)")
    ADMINISTRATIE = "administratie", _("Administrative staff")
    LEERKRACHT = "leerkracht", _("Teacher")
    FG = "fg", _("Data protection officer (FG)")
    BESTUUR = "bestuur", _("Board staff")

    @property
    def codename(self) -> str:
        """The object permission that grants this role on its container (``rol_directeur``)."""
        return f"rol_{self.value}"


def codenames(roles) -> list[str]:
    """The permission codenames of ``roles``; a string that is no role (such as a codename
    itself) raises ValueError instead of silently matching nothing."""
    return [Rol(r).codename for r in roles]
