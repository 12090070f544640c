"""An incident caused by a processor is linked to the processor and its agreement in the register
of processing (issue 19), chosen among those of the incident's school or board by the processors'
own access rule; the names stay in the register when a processor is removed."""

import importlib

from django.apps import apps
from django.utils import timezone

import pytest

from core.pdf import render_pdf
from core.spreadsheet import parse_csv
from datalekken import exports, services
from datalekken.models import Bron, Datalek, Meldlink, Risico
from tests.delen.factories import VerwerkerFactory, VerwerkersovereenkomstFactory

from .conftest import run_jobs

pytestmark = pytest.mark.django_db


@pytest.fixture
def processors(world):
    """ParnasSys at A1 with its agreement, Magister at A2, and one at a school of another board."""
    a1 = VerwerkerFactory(school=world.schools["a1"], naam="Topicus", product="ParnasSys")
    a2 = VerwerkerFactory(school=world.schools["a2"], naam="Iddink", product="Magister")
    b1 = VerwerkerFactory(school=world.schools["b1"], naam="Heutink", product="Elders")
    return {
        "a1": a1,
        "a2": a2,
        "b1": b1,
        "a1_agreement": VerwerkersovereenkomstFactory(verwerker=a1),
        "a2_agreement": VerwerkersovereenkomstFactory(verwerker=a2),
        "b1_agreement": VerwerkersovereenkomstFactory(verwerker=b1),
    }


def _facts(school, **extra):
    data = {
        "school": school.pk,
        "titel": "Koppeling lekte lijsten",
        "ontdekt_op": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "omschrijving": "Een koppeling gaf lijsten aan de verkeerde school.",
        "risico": Risico.RISICO,
        "door_verwerker": "on",
    }
    data.update(extra)
    return data


def _options(html: str, name: str) -> str:
    start = html.index(f'name="{name}"')
    return html[start : html.index("</select>", start)]


def test_the_choices_are_the_processors_of_the_users_register(client, world, processors):
    client.force_login(world.users["directeur"])  # director of A1
    html = client.get("/staf/datalekken/nieuw/").content.decode()
    offered = _options(html, "verwerker")
    assert "ParnasSys" in offered and "Magister" not in offered and "Elders" not in offered
    agreements = _options(html, "overeenkomst")
    assert "ParnasSys" in agreements and "Magister" not in agreements

    client.force_login(world.users["fg"])  # FG of board A
    offered = _options(client.get("/staf/datalekken/nieuw/").content.decode(), "verwerker")
    assert "ParnasSys" in offered and "Magister" in offered and "Elders" not in offered


def test_an_incident_is_linked_to_the_processor_and_its_agreement(client, world, processors):
    client.force_login(world.users["directeur"])
    response = client.post(
        "/staf/datalekken/nieuw/",
        _facts(
            world.schools["a1"],
            verwerker=processors["a1"].pk,
            overeenkomst=processors["a1_agreement"].pk,
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    d = Datalek.objects.get()
    assert d.verwerker == processors["a1"] and d.overeenkomst == processors["a1_agreement"]
    assert d.door_verwerker and d.verwerker_naam == "ParnasSys (Topicus)"
    assert d.overeenkomst_omschrijving == f"{processors['a1_agreement'].datum:%Y-%m-%d}"

    page = client.get(f"/staf/datalekken/{d.pk}/").content.decode()
    assert f'href="/admin/delen/verwerker/{processors["a1"].pk}/change/"' in page
    assert f"/admin/delen/verwerkersovereenkomst/{processors['a1_agreement'].pk}/change/" in page
    # the processor's page answers the director (the link is not a dead end)
    assert client.get(f"/admin/delen/verwerker/{processors['a1'].pk}/change/").status_code == 200


@pytest.mark.parametrize(
    ("who", "extra", "field"),
    [
        ("directeur", {"verwerker": "a2"}, "verwerker"),  # another school of the board
        ("directeur", {"verwerker": "b1"}, "verwerker"),  # another board
        ("fg", {"verwerker": "b1"}, "verwerker"),  # another board
        ("fg", {"verwerker": "a2"}, "verwerker"),  # visible, but the incident is A1's
        ("fg", {"verwerker": "a1", "overeenkomst": "a2_agreement"}, "overeenkomst"),
        ("directeur", {}, "verwerker"),  # caused by a processor, none chosen
    ],
)
def test_a_processor_outside_the_incidents_school_is_refused(
    client, world, processors, who, extra, field
):
    client.force_login(world.users[who])
    data = _facts(world.schools["a1"], **{k: processors[v].pk for k, v in extra.items()})
    response = client.post("/staf/datalekken/nieuw/", data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Datalek.objects.exists()


def test_the_agreement_alone_links_its_processor(client, world, processors):
    client.force_login(world.users["fg"])
    data = _facts(world.schools["a2"], overeenkomst=processors["a2_agreement"].pk)
    assert client.post("/staf/datalekken/nieuw/", data).status_code == 302
    assert Datalek.objects.get().verwerker == processors["a2"]


def test_the_report_link_is_for_a_processor_of_the_register_and_prelinks_it(
    client, world, processors
):
    client.force_login(world.users["directeur"])
    refused = client.post(
        "/staf/datalekken/meldlink/",
        {"verwerker": processors["a2"].pk, "email": "security@iddink.example"},
    )
    assert refused.status_code == 200 and not Meldlink.objects.exists()
    sent = client.post(
        "/staf/datalekken/meldlink/",
        {"verwerker": processors["a1"].pk, "email": "security@topicus.example"},
    )
    assert sent.status_code == 302
    link = Meldlink.objects.get()
    assert link.verwerker == processors["a1"] and link.school == world.schools["a1"]
    assert link.bestuur == world.besturen["a"] and link.verwerker_naam == "ParnasSys (Topicus)"

    run_jobs("datalekken.meldlink")
    from django.core import mail

    url = next(line for line in mail.outbox[0].body.splitlines() if "/datalek-melden/" in line)
    token = url.rstrip("/").rsplit("/", 1)[1]
    client.logout()
    client.post(
        f"/datalek-melden/{token}/",
        {"titel": "Lek", "omschrijving": "Lijsten zichtbaar voor een andere school."},
    )
    d = Datalek.objects.get(bron=Bron.VERWERKER)
    assert d.verwerker == processors["a1"] and d.overeenkomst == processors["a1_agreement"]


def test_exports_carry_the_processors_name_and_it_outlives_the_processor(client, world, processors):
    d = services.record(
        Datalek(
            school=world.schools["a1"],
            titel="Lek bij leverancier",
            omschrijving="x",
            verwerker=processors["a1"],
            overeenkomst=processors["a1_agreement"],
        ),
        by=world.users["fg"],
    )
    processors["a1"].delete()  # the agreement goes with it (CASCADE in delen)
    d.refresh_from_db()
    assert d.verwerker is None and d.overeenkomst is None
    assert d.verwerker_naam == "ParnasSys (Topicus)" and d.door_verwerker

    client.force_login(world.users["fg"])
    header, rows = parse_csv(client.get("/staf/datalekken/", {"formaat": "csv"}).content)
    assert rows[0][header.index("verwerker")] == "ParnasSys (Topicus)"
    assert rows[0][header.index("verwerkersovereenkomst")] == d.overeenkomst_omschrijving
    _pdf, html = render_pdf("pdf/datalekkenregister.html", {"datalekken": [d], "datum": None})
    assert "ParnasSys (Topicus)" in html
    assert "ParnasSys (Topicus)" in exports.ap_form_text(d)
    page = client.get(f"/staf/datalekken/{d.pk}/").content.decode()
    assert "ParnasSys (Topicus)" in page and "/admin/delen/verwerker/" not in page


def test_the_migration_links_recorded_names_that_match_one_processor(world, processors):
    migration = importlib.import_module("datalekken.migrations.0003_processor_link")
    old = services.record(
        Datalek(school=world.schools["a1"], titel="Oud", omschrijving="x"), by=None
    )
    ambiguous = services.record(
        Datalek(bestuur=world.besturen["a"], titel="Bestuur", omschrijving="x"), by=None
    )
    VerwerkerFactory(school=world.schools["a2"], naam="Topicus", product="Somtoday")
    Datalek.objects.filter(pk=old.pk).update(
        door_verwerker=True, verwerker_naam="topicus", overeenkomst_omschrijving="2024"
    )
    Datalek.objects.filter(pk=ambiguous.pk).update(door_verwerker=True, verwerker_naam="Topicus")
    migration.link_by_name(apps, None)
    old.refresh_from_db()
    ambiguous.refresh_from_db()
    assert old.verwerker == processors["a1"] and old.overeenkomst == processors["a1_agreement"]
    assert old.overeenkomst_omschrijving == "2024"  # the name as recorded is kept
    assert ambiguous.verwerker is None  # Topicus at A1 and at A2: not guessed
