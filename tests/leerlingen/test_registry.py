"""The feature apps plug into the register from their AppConfig.ready() (leerlingen/registry.py,
roles.py, restriction.py): what the register used to import from them still happens."""

from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured

import pytest

from leerlingen.models import Rol
from leerlingen.registry import Slot
from leerlingen.roles import grant_role, group_name

from .factories import SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_grant_role_after_a_flush_restores_the_permissions_of_every_app():
    """A flushed database has no role groups: grant_role makes them again with the permissions
    of the register and of each feature app that registered its table."""
    Group.objects.all().delete()
    user = UserFactory()
    grant_role(user=user, rol=Rol.DIRECTEUR, container=SchoolFactory())
    perms = {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(
            name=group_name(Rol.DIRECTEUR)
        ).permissions.values_list("content_type__app_label", "codename")
    }
    assert {
        "leerlingen.change_leerling",
        "toestemming.change_formulier",
        "verzoeken.approve_verzoek",
        "delen.add_vordering",
    } <= perms


def test_a_plug_point_nobody_provides_says_so():
    slot = Slot("nothing_here", "nothing_here() -> never answered")
    with pytest.raises(ImproperlyConfigured, match="nothing_here"):
        slot()
    slot.provide(lambda: 42)
    assert slot() == 42
