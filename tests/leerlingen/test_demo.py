import re
from io import StringIO

from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client

import pytest

from leerlingen.models import Gezagsrelatie, Leerling

from ..dutch_pages import english_on_pages

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_board(django_db_setup, django_db_blocker):
    """The demo, loaded once for this module's tests and rolled back after them. Returns what the
    command printed."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def test_demo_loads_a_realistic_board_and_refuses_a_second_time(demo_board):
    out = demo_board
    for username in (
        "directeur",
        "ib",
        "administratie",
        "leerkracht",
        "fg",
        "bestuur",
        "ouder",
        "leerling",
    ):
        assert f"  {username} " in out
    assert 250 <= Leerling.objects.count() <= 500
    assert Gezagsrelatie.objects.filter(heeft_gezag=False).exists()
    two_with_gezag = Leerling.objects.filter(relaties__heeft_gezag=True).values("pk")
    assert (
        two_with_gezag.count() > Leerling.objects.count()
    )  # several pupils have two parents with gezag
    code = re.search(r"(\S{4}-\S{4}-\S{4}) +ouder-code", out).group(1)  # an invitation that works
    response = Client().post("/portaal/inloggen/", {"methode": "code", "code": code})
    assert response["Location"] == "/portaal/"
    with pytest.raises(CommandError, match="not empty"):
        call_command("demo")


def test_every_page_of_the_demo_is_dutch(demo_board):
    """Each demo user clicks through the staff pages and the portal in Dutch: no text on them is
    an English msgid of the catalogue or English words only (``tests/dutch_pages.py``)."""
    report, pages = english_on_pages()
    assert pages > 50, pages  # the sweep reached the pages
    assert report == {}, "\n".join(
        f"{text!r}: {where[:2]}" for text, where in sorted(report.items())
    )
