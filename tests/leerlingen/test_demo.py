import re
from io import StringIO

from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone

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


def test_the_demo_command_refuses_a_database_that_holds_other_data():
    """First in this file: the module's demo board is not loaded yet."""
    User.objects.create_user("someone", "someone@school.example", "x")
    with pytest.raises(CommandError, match="not the demo"):
        call_command("demo", stdout=StringIO())
    assert not Leerling.objects.exists()


def test_demo_loads_a_realistic_board_and_keeps_it_on_a_second_run(demo_board):
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
    again = StringIO()
    call_command("demo", stdout=again)  # a second run keeps the demo and prints the log-ins again
    assert "loaded already" in again.getvalue()
    table = out[out.index("Demo log-ins") :].splitlines()
    assert table[:-1] == again.getvalue()[again.getvalue().index("Demo log-ins") :].splitlines()
    assert "ouder-code" in table[-1]  # the invitation code is shown once: only its hash is kept


STAFF = ("directeur", "ib", "administratie", "leerkracht", "fg", "bestuur", "directeur-vo")


@pytest.mark.parametrize("username", STAFF)
def test_every_staff_role_has_something_on_mijn_taken(demo_board, username):
    """A newcomer who logs in with any staff role lands on "Mijn taken" with work to do."""
    client = Client()
    client.force_login(User.objects.get(username=username))
    response = client.get("/staf/", headers={"accept-language": "nl"})
    assert response.status_code == 200
    lines = re.findall(r'<span class="count">(\d+)</span>', response.content.decode())
    assert lines and all(int(n) > 0 for n in lines), username


def test_the_demo_shows_each_kind_of_work(demo_board):
    """A parent with two children in two groups, both forms of this year open; requests in each
    state; a destruction list awaiting the director; an open breach; an import to confirm."""
    from datalekken.models import APBesluit, Datalek
    from leerlingen.imports.models import Leerlingimport
    from leerlingen.models import Ouder, Vernietigingslijst
    from toestemming.models import Toestemming
    from verzoeken.models import Status, Verzoek

    ouder = Ouder.objects.get(account__username="ouder")
    children = [r.leerling for r in ouder.relaties.filter(heeft_gezag=True)]
    assert len({c.groep_id for c in children}) == 2
    assert not Toestemming.objects.filter(leerling__in=children).exists()
    states = set(Verzoek.objects.values_list("status", flat=True))
    assert {
        Status.ONTVANGEN,
        Status.ID_GECONTROLEERD,
        Status.TER_BEOORDELING,
        Status.BESLOTEN,
        Status.AFGEHANDELD,
    } <= states
    today = timezone.localdate()
    assert Verzoek.objects.open().filter(uiterste_datum__lt=today).exists()  # overdue
    assert Vernietigingslijst.objects.filter(status=Vernietigingslijst.Status.OPEN).exists()
    assert Datalek.objects.filter(ap_besluit=APBesluit.OPEN).exists()
    assert Leerlingimport.objects.filter(status=Leerlingimport.Status.VOORBEELD).exists()


def test_every_page_of_the_demo_is_dutch(demo_board):
    """Each demo user clicks through the staff pages and the portal in Dutch: no text on them is
    an English msgid of the catalogue or English words only (``tests/dutch_pages.py``)."""
    report, pages = english_on_pages()
    assert pages > 50, pages  # the sweep reached the pages
    assert report == {}, "\n".join(
        f"{text!r}: {where[:2]}" for text, where in sorted(report.items())
    )
