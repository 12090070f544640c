import pytest

from toestemming.models import Doel
from toestemming.services import ensure_default_doelen, publish_form


@pytest.fixture
def consent(world):
    """The shared world with the default purposes and a published form for this school year."""
    for school in world.schools.values():
        ensure_default_doelen(school=school)
        publish_form(school=school)
    return world


@pytest.fixture
def doel():
    def get(school, code="website"):
        return Doel.objects.get(school=school, code=code)

    return get


@pytest.fixture
def eager_tasks():
    """Run Celery tasks in-process (the tests do not start a worker); on_commit still applies."""
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
