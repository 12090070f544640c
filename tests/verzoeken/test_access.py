"""Who sees requests: handlers of the school, the FG of the board, the requester; never a teacher."""

import pytest

from verzoeken.models import Verzoek
from verzoeken.selectors import staff_requests

pytestmark = pytest.mark.django_db


@pytest.fixture
def requests_(world, make_request):
    return {"a1": make_request("g5"), "a2": make_request("a2_16", door_leerling=True)}


def test_visible_to(world, requests_):
    a1, a2 = requests_["a1"], requests_["a2"]
    vis = lambda name: set(Verzoek.objects.visible_to(world.users[name]))  # noqa: E731
    assert vis("directeur") == {a1} and vis("administratie") == {a1} and vis("ib") == {a1}
    assert vis("fg") == {a1, a2}  # the board's requests
    assert vis("leerkracht") == set() and vis("bestuur") == set() and vis("buitenstaander") == set()
    assert vis("ouder_gezag") == {a1}
    assert vis("ouder_zonder_gezag") == set() and vis("ouder_ander") == set()
    assert vis("leerling_a2_16") == {a2} and vis("leerling_a2_15") == set()
    assert set(Verzoek.objects.register_for(world.users["fg"])) == {a1, a2}
    assert set(Verzoek.objects.register_for(world.users["administratie"])) == set()
    assert set(staff_requests(world.users["leerkracht"])) == set()


def test_pages_answer_404_outside_reach(client, world, requests_):
    a1 = requests_["a1"]
    for name, status in (
        ("leerkracht", 404),
        ("bestuur", 404),
        ("fg", 200),
        ("directeur", 200),
        ("administratie", 200),
    ):
        client.force_login(world.users[name])
        assert client.get(f"/staf/verzoeken/{a1.pk}/").status_code == status, name
    client.force_login(world.users["leerkracht"])
    page = client.get("/staf/verzoeken/")
    assert page.status_code == 200 and a1.kenmerk not in page.content.decode()
    assert client.get("/staf/verzoeken/register/").status_code == 404
    assert client.get("/staf/verzoeken/register.csv").status_code == 404


def test_fg_sees_the_board_register_and_exports_it(client, world, requests_):
    client.force_login(world.users["fg"])
    page = client.get("/staf/verzoeken/register/").content.decode()
    assert requests_["a1"].kenmerk in page and requests_["a2"].kenmerk in page
    assert world.pupils["g5"].achternaam not in page  # no pupil names in the register
    csv_response = client.get("/staf/verzoeken/register.csv")
    assert csv_response.status_code == 200
    text = csv_response.content.decode("utf-8-sig")
    assert requests_["a1"].kenmerk in text and "22BB" in text
    # The FG oversees but does not handle.
    assert (
        client.post(
            f"/staf/verzoeken/{requests_['a1'].pk}/identiteit/",
            {"document_soort": "paspoort", "bevestiging": "on"},
        ).status_code
        == 302
    )
    requests_["a1"].refresh_from_db()
    assert requests_["a1"].id_gecontroleerd_op is None


def test_register_csv_neutralises_formulas():
    from core.spreadsheet import csv_bytes

    out = csv_bytes(["a"], [["=1+1"], ["+31"], ["-x"], ["@SUM"], ["ok"]]).decode("utf-8-sig")
    assert out.splitlines()[1:] == ["'=1+1", "'+31", "'-x", "'@SUM", "ok"]
