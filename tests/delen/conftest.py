import pytest

from delen.models import Soort
from delen.rules import Aanvraag
from delen.services import ensure_default_register


@pytest.fixture
def register(world):
    """The standard register of school A1 (and A2), by kind."""
    ensure_default_register(world.schools["a1"])
    ensure_default_register(world.schools["a2"])
    return {o.soort: o for o in world.schools["a1"].ontvangers.all()}


@pytest.fixture
def aanvraag(register, world):
    def make(soort=Soort.DUO, leerlingen=None, velden=None, **extra):
        ontvanger = register[soort] if isinstance(soort, str) else soort
        return Aanvraag(
            ontvanger=ontvanger,
            leerlingen=leerlingen
            if leerlingen is not None
            else [world.pupils["g5"], world.pupils["g6"]],
            velden=list(velden if velden is not None else ontvanger.velden),
            doel=extra.pop("doel", "test"),
            **extra,
        )

    return make


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in their English source text (the Dutch comes from locale/)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _english_interface(client, request):
    """These tests read the English source texts; Dutch, the default, is checked in tests/leerlingen
    and tests/delen/test_privacyverklaring.py and by scripts/check_translations.py."""
    from django.utils import translation

    if request.module.__name__.endswith("test_privacyverklaring"):  # the statement is read in Dutch
        yield
        return
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield
