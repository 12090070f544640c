import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from leerlingen.models import Gezagsrelatie, Leerling

pytestmark = pytest.mark.django_db


def test_demo_loads_a_realistic_board_and_refuses_a_second_time(capsys):
    call_command("demo")
    out = capsys.readouterr().out
    for username in ("directeur", "ib", "administratie", "leerkracht", "fg", "bestuur", "ouder", "leerling"):
        assert f"  {username} " in out
    assert 250 <= Leerling.objects.count() <= 500
    assert Gezagsrelatie.objects.filter(heeft_gezag=False).exists()
    two_with_gezag = Leerling.objects.filter(relaties__heeft_gezag=True).values("pk")
    assert two_with_gezag.count() > Leerling.objects.count()  # several pupils have two parents with gezag
    code = re.search(r"(\S{4}-\S{4}-\S{4}) +ouder-code", out).group(1)  # an invitation that works
    response = Client().post("/portaal/inloggen/", {"methode": "code", "code": code})
    assert response["Location"] == "/portaal/"
    with pytest.raises(CommandError, match="not empty"):
        call_command("demo")
