import pytest

from verzoeken.models import Soort

from .factories import file


@pytest.fixture
def inzage(world):
    """An access request of the parent with gezag for the Groep 5 pupil, received today."""
    return file(world.pupils["g5"], ouder=world.ouders["gezag"], by=world.users["administratie"])


@pytest.fixture
def make_request(world):
    def make(key="g5", *, soort=Soort.INZAGE, ouder="gezag", **kwargs):
        leerling = world.pupils[key]
        if kwargs.pop("door_leerling", False):
            return file(leerling, soort=soort, door_leerling=True, **kwargs)
        return file(leerling, soort=soort, ouder=world.ouders[ouder], **kwargs)

    return make


@pytest.fixture
def eager_tasks():
    from privacyschool.celery import app

    old = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = old


@pytest.fixture(autouse=True)
def _english_interface(client):
    """These tests read the English source texts; Dutch, the default, is checked in tests/leerlingen
    and tests/delen/test_privacyverklaring.py and by scripts/check_translations.py."""
    from django.utils import translation

    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield
