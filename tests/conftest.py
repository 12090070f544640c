"""A small world shared by the tests: two boards, three schools, users in every role.

Board A: school A1 (groups 5 and 6) and school A2 (a secondary school); board B: school B1.
"""

from dataclasses import dataclass, field
from datetime import date

import pytest

from leerlingen.models import Rol
from leerlingen.roles import grant_role

from .leerlingen.factories import (
    BestuurFactory,
    DossierItemFactory,
    GezagsrelatieFactory,
    GroepFactory,
    LeerlingFactory,
    OuderFactory,
    SchoolFactory,
    UserFactory,
)

PASSWORD = "correct-horse-battery"


@dataclass
class World:
    users: dict = field(default_factory=dict)
    pupils: dict = field(default_factory=dict)
    items: dict = field(default_factory=dict)
    ouders: dict = field(default_factory=dict)
    schools: dict = field(default_factory=dict)
    groepen: dict = field(default_factory=dict)
    besturen: dict = field(default_factory=dict)


@pytest.fixture
def world(db) -> World:
    w = World()
    a, b = BestuurFactory(naam="Bestuur A"), BestuurFactory(naam="Bestuur B")
    a1 = SchoolFactory(bestuur=a, naam="School A1", brin="11AA")
    a2 = SchoolFactory(bestuur=a, naam="School A2", brin="22BB", onderwijssoort="vo")
    b1 = SchoolFactory(bestuur=b, naam="School B1", brin="33CC")
    g5, g6 = (
        GroepFactory(school=a1, naam="Groep 5", jaargroep=5),
        GroepFactory(school=a1, naam="Groep 6", jaargroep=6),
    )
    k5, gb = (
        GroepFactory(school=a2, naam="Klas 5", jaargroep=5),
        GroepFactory(school=b1, naam="Groep B"),
    )
    w.besturen.update(a=a, b=b)
    w.schools.update(a1=a1, a2=a2, b1=b1)
    w.groepen.update(g5=g5, g6=g6, k5=k5, gb=gb)

    today = date.today()
    w.pupils["g5"] = LeerlingFactory(groep=g5, achternaam="Aalbers")
    w.pupils["g6"] = LeerlingFactory(groep=g6, achternaam="Bosman")
    w.pupils["a2_16"] = LeerlingFactory(
        groep=k5, achternaam="Claassen", geboortedatum=date(today.year - 17, 1, 1)
    )
    w.pupils["a2_15"] = LeerlingFactory(
        groep=k5, achternaam="Dijkstra", geboortedatum=date(today.year - 15, 1, 1)
    )
    w.pupils["b1"] = LeerlingFactory(groep=gb, achternaam="Evers")

    w.ouders["gezag"] = OuderFactory(bestuur=a, achternaam="Aalbers")
    w.ouders["zonder_gezag"] = OuderFactory(bestuur=a, achternaam="Aalbers-Vader")
    w.ouders["ander"] = OuderFactory(bestuur=a, achternaam="Bosman")
    GezagsrelatieFactory(ouder=w.ouders["gezag"], leerling=w.pupils["g5"])
    GezagsrelatieFactory(ouder=w.ouders["zonder_gezag"], leerling=w.pupils["g5"], zonder_gezag=True)
    GezagsrelatieFactory(ouder=w.ouders["ander"], leerling=w.pupils["g6"])
    ouder_b = OuderFactory(bestuur=b, achternaam="Evers")
    GezagsrelatieFactory(ouder=ouder_b, leerling=w.pupils["b1"])

    p = w.pupils["g5"]
    w.items["studie"] = DossierItemFactory(leerling=p, titel="Toetsen")
    w.items["medisch"] = DossierItemFactory(leerling=p, medisch=True)
    w.items["religie"] = DossierItemFactory(leerling=p, religie=True)
    w.items["geheim"] = DossierItemFactory(leerling=p, zeer_vertrouwelijk_item=True)
    w.items["financieel"] = DossierItemFactory(
        leerling=p, categorie="financieel", titel="Ouderbijdrage"
    )
    w.items["medisch_b1"] = DossierItemFactory(leerling=w.pupils["b1"], medisch=True)

    def staff(name, rol, container):
        user = UserFactory(username=name)
        grant_role(user=user, rol=rol, container=container)
        w.users[name] = user

    staff("directeur", Rol.DIRECTEUR, a1)
    staff("ib", Rol.IB, a1)
    staff("administratie", Rol.ADMINISTRATIE, a1)
    staff("leerkracht", Rol.LEERKRACHT, g5)
    staff("fg", Rol.FG, a)
    staff("bestuur", Rol.BESTUUR, a)
    w.users["buitenstaander"] = UserFactory(username="buitenstaander", is_staff=True)
    w.users["beheerder"] = UserFactory(username="beheerder", is_staff=True, is_superuser=True)
    for key in ("gezag", "zonder_gezag", "ander"):
        w.ouders[key].account = UserFactory(username=f"ouder_{key}")
        w.ouders[key].save()
        w.users[f"ouder_{key}"] = w.ouders[key].account
    for key in ("a2_16", "a2_15"):
        w.pupils[key].account = UserFactory(username=f"leerling_{key}")
        w.pupils[key].save()
        w.users[f"leerling_{key}"] = w.pupils[key].account
    return w


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is what production uses (tested in its own test); the rest of the suite hashes fast."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _mfa_off_unless_tested(settings, request):
    """Two-step log-in has its own tests (tests/test_mfa.py); elsewhere staff log in directly."""
    if "mfa" not in request.keywords:
        settings.MFA_REQUIRED = False


@pytest.fixture(autouse=True)
def _empty_cache():
    """The cache (Redis when REDIS_URL is set) holds the portal's log-in failure counters: each test
    starts without any."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def devtools(settings):
    """The tool commands (generate_scale, bench, bench_compare, consent_rush) exist only with
    DEVTOOLS=true, as scripts/test sets it."""
    if "devtools" not in settings.INSTALLED_APPS:
        pytest.fail(
            "these tests need the development tools: run them with DEVTOOLS=true", pytrace=False
        )
