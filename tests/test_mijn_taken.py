""" "Mijn taken" (/staf/, issue 18): the landing page of every staff role, with what needs that
person now, each line from the app that owns it (leerlingen/werk.py), only what the role sees,
at a fixed number of queries; and the one staff navigation."""

import re
from datetime import timedelta
from html import unescape

from django.core.paginator import Page
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from leerlingen.imports.models import Leerlingimport
from leerlingen.models import Gezagsrelatie, Toegangslog, Vernietigingslijst
from verzoeken.models import Status, Verzoek

from .conftest import PASSWORD
from .delen.factories import VerwerkerFactory, VerwerkersovereenkomstFactory, VorderingFactory
from .leerlingen.factories import GezagsrelatieFactory, LeerlingFactory, OuderFactory
from .toestemming.conftest import consent  # noqa: F401  (fixture: default purposes, published forms)
from .verzoeken.factories import file as file_request

URL = "/staf/"


@pytest.fixture(autouse=True)
def _english(client):
    from django.utils import translation

    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


def file(pupil, *, ontvangen_op):
    """A request by a parent with custody (one is made when the pupil has none)."""
    relatie = (
        Gezagsrelatie.objects.filter(leerling=pupil, heeft_gezag=True)
        .select_related("ouder")
        .first()
    )
    if relatie is None:
        relatie = GezagsrelatieFactory(
            ouder=OuderFactory(bestuur=pupil.school.bestuur), leerling=pupil
        )
    return file_request(pupil, ouder=relatie.ouder, ontvangen_op=ontvangen_op)


def _work(world, today):
    """Something to do in every app, at school A1 (board A), and the same at school B1 (board B),
    which no one of board A may see."""
    for school, pupil in (
        (world.schools["a1"], world.pupils["g5"]),
        (world.schools["b1"], world.pupils["b1"]),
    ):
        file(pupil, ontvangen_op=today - timedelta(weeks=6))  # overdue
        file(pupil, ontvangen_op=today - timedelta(weeks=3, days=2))  # due within the week
        review = file(pupil, ontvangen_op=today)
        Verzoek.objects.filter(pk=review.pk).update(status=Status.TER_BEOORDELING)
        Vernietigingslijst.objects.create(
            school=school, naam=f"Lijst {school.brin}", peildatum=today
        )
        Leerlingimport.objects.create(school=school, bestandsnaam="export.csv", bestandstype="csv")
        VerwerkersovereenkomstFactory(
            verwerker=VerwerkerFactory(school=school), bijna_verlopen=True
        )
        VorderingFactory(leerling=pupil, termijn=today + timedelta(days=3))


def _tasks(client, world, name) -> str:
    client.force_login(world.users[name])
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


# role -> (lines it sees, lines it must not see)
EXPECTED = {
    "directeur": (
        [
            "Requests past their deadline",
            "Requests due within 7 days",
            "Requests waiting for your review",
            "Approve destruction list Lijst 11AA",
            "Imports waiting for confirmation",
            "Processor agreements ending",
            "Police demands not answered yet",
            "Consent forms open in Groep 5",
            "Consent forms open in Groep 6",
        ],
        ["Lijst 33CC", "Unusual volume", "the director&#x27;s review"],
    ),
    "ib": (
        [
            "Requests past their deadline",
            "Requests waiting for the director&#x27;s review",
            "Processor agreements ending",
            "Police demands not answered yet",
        ],
        ["Lijst 11AA", "Imports waiting", "Consent forms open", "your review", "Unusual volume"],
    ),
    "administratie": (
        [
            "Requests past their deadline",
            "Imports waiting for confirmation",
            "Processor agreements ending",
        ],
        ["Lijst 11AA", "Consent forms open", "Police demands", "your review", "Unusual volume"],
    ),
    "leerkracht": (
        ["Consent forms open in Groep 5"],
        ["Groep 6", "Requests past", "Lijst", "Imports", "Processor", "Police", "Unusual volume"],
    ),
    "fg": (
        [
            "Requests past their deadline",
            "Requests waiting for the director&#x27;s review",
            "Destruction list Lijst 11AA awaits the director&#x27;s approval",
            "Imports waiting for confirmation",
            "Processor agreements ending",
            "Police demands not answered yet",
            "Unusual volume",
        ],
        ["Approve destruction list", "Lijst 33CC", "Consent forms open", "your review"],
    ),
    "bestuur": (
        ["Processor agreements ending"],
        ["Requests past", "Lijst", "Imports", "Police", "Consent forms open", "Unusual volume"],
    ),
    "buitenstaander": (
        [],
        ["Requests past", "Lijst", "Imports", "Processor", "Police", "Consent forms", "Unusual"],
    ),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_role_sees_its_own_work_and_nothing_else(client, consent, settings, name):  # noqa: F811
    world = consent
    today = timezone.localdate()
    _work(world, today)
    settings.ACCESS_REVIEW_THRESHOLD = 1
    for pupil in (world.pupils["g5"], world.pupils["g6"]):
        Toegangslog.objects.create(
            gebruiker=world.users["ib"],
            soort=Toegangslog.Soort.INZAGE,
            leerling=pupil,
            object_type="dossieritem",
            categorieen="medisch",
            reden="test",
        )
    html = _tasks(client, world, name)
    sees, not_sees = EXPECTED[name]
    for text in sees:
        assert text in html, f"{name} should see {text!r}"
    for text in not_sees:
        assert text not in html, f"{name} should not see {text!r}"


def test_counts_are_of_the_roles_own_rows(client, world):
    today = timezone.localdate()
    _work(world, today)
    file(world.pupils["g6"], ontvangen_op=today - timedelta(weeks=7))  # a second overdue one at A1
    html = _tasks(client, world, "directeur")
    overdue = html.index("Requests past their deadline")
    assert '<span class="count">2</span>' in html[overdue - 200 : overdue]  # A1's two, not B1's
    assert (today - timedelta(weeks=7) + timedelta(weeks=4)).strftime("%Y") in html


def test_a_list_in_its_waiting_period_shows_when_destruction_starts(client, world):
    starts = timezone.now() + timedelta(days=3)
    Vernietigingslijst.objects.create(
        school=world.schools["a1"],
        naam="Lijst juni",
        peildatum=timezone.localdate(),
        status=Vernietigingslijst.Status.GOEDGEKEURD,
        uitvoeren_vanaf=starts,
    )
    for name in ("directeur", "fg"):
        html = _tasks(client, world, name)
        assert "Destruction list Lijst juni: waiting period" in html
        assert f"destruction starts on {timezone.localdate(starts).day} " in html
    assert "Lijst juni" not in _tasks(client, world, "ib")


def test_nothing_to_do(client, world):
    assert "Nothing needs you right now." in _tasks(client, world, "bestuur")


def test_parents_pupils_and_strangers_do_not_get_in(client, world):
    for name in ("ouder_gezag", "leerling_a2_16"):
        client.force_login(world.users[name])
        assert client.get(URL).status_code == 404
        assert client.get("/").url == "/portaal/"
    client.logout()
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith("/admin/login/")


def test_staff_land_on_their_tasks(client, world):
    assert client.get("/").url == "/admin/"  # anonymous: the staff log-in (through the admin)
    form = client.get("/admin/login/").content.decode()
    assert f'name="next" value="{URL}"' in form  # the log-in form sends staff to their tasks
    response = client.post(
        "/admin/login/", {"username": "directeur", "password": PASSWORD, "next": URL}
    )
    assert response.status_code == 302 and response.url == URL
    assert client.get("/").url == URL
    client.logout()
    # A given ``next`` still wins.
    response = client.post(
        "/admin/login/?next=/staf/verzoeken/", {"username": "ib", "password": PASSWORD}
    )
    assert response.url == "/staf/verzoeken/"


@pytest.mark.parametrize(
    "path", [URL, "/staf/verzoeken/", "/staf/toestemming/", "/delen/", "/admin/"]
)
def test_one_staff_navigation_everywhere(client, world, path):
    world.users["directeur"].first_name, world.users["directeur"].last_name = "Dirk", "de Directeur"
    world.users["directeur"].save()
    html = _tasks(client, world, "directeur") if path == URL else None
    if html is None:
        client.force_login(world.users["directeur"])
        html = client.get(path).content.decode()
    assert "Dirk de Directeur" in html and "Director" in html
    for link in (
        'href="/staf/"',
        'href="/staf/verzoeken/"',
        'href="/staf/toestemming/"',
        'href="/delen/"',
        'href="/admin/"',
        'action="/admin/logout/"',
    ):
        assert link in html, f"{link} missing on {path}"
    assert 'href="/staf/toegangscontrole/"' not in html  # the FG's page, not the director's


def test_teacher_navigation_has_only_the_teachers_pages(client, world):
    client.force_login(world.users["leerkracht"])
    html = client.get(URL).content.decode()
    assert 'href="/staf/toestemming/"' in html
    assert 'href="/staf/verzoeken/"' not in html and 'href="/delen/"' not in html
    assert "Teacher" in html


# --- a fixed number of queries -------------------------------------------------------------


def _queries(client, user) -> list[str]:
    client.force_login(user)
    client.get(URL)  # warm the per-process caches (content types), as in a running server
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL).status_code == 200
    return [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]


def _more_work(world, today, n):
    for i in range(n):
        pupil = LeerlingFactory(groep=world.groepen["g5" if i % 2 else "g6"])
        file(pupil, ontvangen_op=today - timedelta(weeks=i % 7))
        VerwerkersovereenkomstFactory(
            verwerker=VerwerkerFactory(school=world.schools["a1"]), bijna_verlopen=True
        )
        VorderingFactory(leerling=pupil)
        Leerlingimport.objects.create(
            school=world.schools["a1"], bestandsnaam=f"{i}.csv", bestandstype="csv"
        )
        Toegangslog.objects.create(
            gebruiker=world.users["ib"],
            soort=Toegangslog.Soort.INZAGE,
            leerling=pupil,
            object_type="dossieritem",
            categorieen="medisch",
            reden="test",
        )


@pytest.mark.parametrize("name", ["directeur", "fg", "leerkracht", "ib", "beheerder"])
def test_fixed_number_of_queries(client, consent, settings, name):  # noqa: F811
    world = consent
    settings.ACCESS_REVIEW_THRESHOLD = 1
    today = timezone.localdate()
    _work(world, today)
    counts = {}
    for size in (2, 12):
        with transaction.atomic():  # each size from the same world: rolled back afterwards
            _more_work(world, today, size)
            counts[size] = _queries(client, world.users[name])
            transaction.set_rollback(True)
    assert len(counts[12]) == len(counts[2]), "\n".join(counts[12])
    assert len(counts[2]) <= 25, "\n".join(counts[2])


# --- each line links to exactly the rows it counts -------------------------------------------

_LINE = re.compile(r'class="count">(\d+)</span>.*?<a href="([^"]+)">([^<]*)</a>', re.S)


def _lines(html) -> list[tuple[int, str, str]]:
    """(count, url, label) of every line on the page that links to a list."""
    lines = []
    for item in html.split("<li")[1:]:
        found = _LINE.search(item.split("</li>")[0])
        if found:
            count, url, label = found.groups()
            lines.append((int(count), unescape(url), unescape(label)))
    return lines


def _listed(response) -> int | None:
    """How many rows the list behind a link shows (an admin changelist or a paginated page);
    None for a page that is not a list (one incident, one destruction list, a group)."""
    if response.resolver_match.url_name.endswith("_changelist"):
        return response.context["cl"].result_count
    page = response.context.get("page")
    if response.resolver_match.url_name == "index" and isinstance(page, Page):
        return page.paginator.count
    return None


@pytest.mark.parametrize("name", ["directeur", "ib", "administratie", "fg", "bestuur"])
def test_each_line_links_to_exactly_the_rows_it_counts(client, world, name):
    today = timezone.localdate()
    _work(world, today)
    for school in (world.schools["a1"], world.schools["b1"]):
        # Rows the lines do not count, in the same lists: a request with weeks to go, an
        # agreement that runs on, one replaced by a successor, a refused police demand.
        file(world.pupils["g6" if school.brin == "11AA" else "b1"], ontvangen_op=today)
        VerwerkersovereenkomstFactory(verwerker=VerwerkerFactory(school=school))
        replaced = VerwerkersovereenkomstFactory(
            verwerker=VerwerkerFactory(school=school), bijna_verlopen=True
        )
        VerwerkersovereenkomstFactory(verwerker=replaced.verwerker, datum=replaced.einddatum)
        VorderingFactory(leerling=world.pupils["g6"], geweigerd=True)
    lines = _lines(_tasks(client, world, name))
    assert lines, f"{name} has no lines"
    followed = 0
    for count, url, label in lines:
        response = client.get(url)
        assert response.status_code == 200, f"{label}: {url} answers {response.status_code}"
        listed = _listed(response)
        if listed is None:
            continue
        followed += 1
        assert listed == count, f"{name}: {label!r} counts {count}, {url} lists {listed}"
    assert followed, f"{name}: no line links to a list"
