"""The access kernel (core/access.py, DESIGN.md §3, issue 16): one prologue, rules per model.

Every model with a ``visible_to`` has a queryset built on ``ScopedQuerySet``, which decides the
shared part once (no active account: nothing; superuser: everything) and asks the model's
``rule(user)`` for the rest. Roles are named once (``leerlingen.rol.Rol``), and who holds a role
on a container is answered in one place (``leerlingen.roles.holders_of``).
"""

import ast
from pathlib import Path

from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from core.access import RuleQuerySet, ScopedQuerySet, visible_history
from leerlingen.access import SCHOOL_ROLES, bestuur_ids, school_ids
from leerlingen.models import Bestuur, DossierItem, Groep, Leerling, School
from leerlingen.rol import Rol, codenames
from leerlingen.roles import ROLE_CONTAINER, holders_of

from .leerlingen.factories import SchoolFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent
PROJECT_APPS = (
    "core",
    "leerlingen",
    "toestemming",
    "verzoeken",
    "delen",
    "datalekken",
    "trajecten",
    "sso",
)


def _scoped_models():
    for model in apps.get_models():
        queryset = model._default_manager.all()
        if hasattr(queryset, "visible_to"):
            yield model, queryset


def test_every_visible_to_is_the_kernels():
    """No queryset repeats the prologue: ``visible_to`` is the kernel's, each model a ``rule``."""
    found = list(_scoped_models())
    assert len(found) > 25  # the register, consent, requests, disclosures, ...
    own = [
        model.__name__
        for model, queryset in found
        if not isinstance(queryset, ScopedQuerySet)
        or type(queryset).visible_to is not ScopedQuerySet.visible_to
    ]
    assert own == []
    assert all(type(qs).rule is not ScopedQuerySet.rule for _, qs in found)


def test_no_module_defines_its_own_visible_to():
    """Also managers and helpers outside the models: ``def visible_to`` lives in the kernel only."""
    defined = []
    for app in PROJECT_APPS:
        for path in sorted((ROOT / app).rglob("*.py")) if (ROOT / app).is_dir() else ():
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            defined += [
                f"{path.relative_to(ROOT)}:{node.lineno}"
                for node in ast.walk(tree)
                if isinstance(node, ast.FunctionDef) and node.name == "visible_to"
            ]
    assert defined == [f"core/access.py:{_kernel_line()}"]


def _kernel_line():
    tree = ast.parse((ROOT / "core/access.py").read_text(encoding="utf-8"))
    return next(
        n.lineno
        for n in ast.walk(tree)
        if isinstance(n, ast.FunctionDef) and n.name == "visible_to"
    )


@pytest.mark.django_db
def test_prologue_no_account_nothing_superuser_everything(world):
    inactive = world.users["directeur"]
    inactive.is_active = False
    inactive.save()
    for user in (None, AnonymousUser(), inactive):
        for model, _ in _scoped_models():
            assert not model._default_manager.visible_to(user).exists(), (model.__name__, user)
    beheerder = world.users["beheerder"]
    for model in (Bestuur, School, Groep, Leerling, DossierItem):
        assert model.objects.visible_to(beheerder).count() == model.objects.count() > 0


@pytest.mark.django_db
def test_a_rule_without_reach_is_nothing_without_a_query(world):
    """A user holding nothing: the rule is None (or matches nothing) and no row comes back."""
    outsider = world.users["buitenstaander"]
    with CaptureQueriesContext(connection) as queries:
        assert list(Groep.objects.visible_to(outsider)) == []
    assert len(queries) == 1  # the scope only: an empty rule sends no SELECT of groups


@pytest.mark.django_db
def test_history_has_the_same_prologue(world):
    """A model judged per version (RuleQuerySet) gets the prologue before its rule too."""
    assert isinstance(DossierItem.objects.all(), RuleQuerySet)
    assert not visible_history(DossierItem, AnonymousUser()).exists()
    everything = DossierItem.history.count()
    assert visible_history(DossierItem, world.users["beheerder"]).count() == everything > 0


def test_roles_are_named_once():
    """The permission that grants a role is derived from the role; a codename is no role."""
    assert Rol.DIRECTEUR.codename == "rol_directeur"  # the wire value in the database
    assert {codename for _, codename in ROLE_CONTAINER.values()} == {r.codename for r in Rol}
    assert codenames(SCHOOL_ROLES) == ["rol_directeur", "rol_ib", "rol_administratie"]
    with pytest.raises(ValueError):
        codenames(["rol_fg"])
    declared = {c for m in (Bestuur, School, Groep) for c, _ in m._meta.permissions}
    assert declared == {r.codename for r in Rol}


@pytest.mark.django_db
def test_scope_by_role(world):
    assert school_ids(world.users["directeur"], [Rol.DIRECTEUR]) == {world.schools["a1"].pk}
    assert school_ids(world.users["directeur"], [Rol.IB]) == frozenset()
    assert bestuur_ids(world.users["fg"], [Rol.FG]) == {world.besturen["a"].pk}
    with pytest.raises(ValueError):
        school_ids(world.users["directeur"], ["rol_directeur"])


@pytest.mark.django_db
def test_holders_of(world):
    a1, a2 = world.schools["a1"], world.schools["a2"]
    directeur = world.users["directeur"]
    assert list(holders_of(Rol.DIRECTEUR, a1)) == [directeur]
    assert list(holders_of(Rol.DIRECTEUR, a1.pk)) == [directeur]  # an id will do: no extra query
    assert list(holders_of(Rol.DIRECTEUR, a2)) == []
    assert list(holders_of(Rol.IB, a1)) == [world.users["ib"]]
    assert list(holders_of(Rol.LEERKRACHT, world.groepen["g5"])) == [world.users["leerkracht"]]
    assert list(holders_of(Rol.FG, world.besturen["a"])) == [world.users["fg"]]
    assert list(holders_of(Rol.FG, world.besturen["b"])) == []

    # A second director of the same school, an inactive one, and OR-ing two roles: one query.
    second = UserFactory(username="tweede")
    from leerlingen.roles import grant_role

    grant_role(user=second, rol=Rol.DIRECTEUR, container=a1)
    gone = UserFactory(username="vertrokken", is_active=False)
    grant_role(user=gone, rol=Rol.DIRECTEUR, container=a1)
    with CaptureQueriesContext(connection) as queries:
        told = set(holders_of(Rol.DIRECTEUR, a1) | holders_of(Rol.FG, world.besturen["a"].pk))
    assert told == {directeur, second, world.users["fg"]}
    assert len(queries) == 1


@pytest.mark.django_db
def test_holders_of_refuses_the_wrong_container(world):
    with pytest.raises(ValueError):
        holders_of(Rol.DIRECTEUR, world.besturen["a"])
    with pytest.raises(ValueError):
        holders_of("rol_directeur", world.schools["a1"])
    assert (
        list(holders_of(Rol.DIRECTEUR, SchoolFactory(bestuur=world.besturen["a"], brin="44DD")))
        == []
    )
