"""Issue 19 in a real browser: the FG records an incident, sees the hours left, records the AP
decision and the letters; an 18-year-old decides which parent may still see their data."""

from datetime import date, timedelta

from django.utils import timezone

import pytest

from datalekken.models import APBesluit, Bericht, Datalek
from leerlingen.access import forget_scope
from leerlingen.models import Leerling

from ..leerlingen.factories import GezagsrelatieFactory, LeerlingFactory, OuderFactory, UserFactory
from .conftest import axe_violations
from .test_delen import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = "/tmp/g_shots"


@pytest.fixture(autouse=True)
def _english_interface(page, live_server):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])


def _shot(page, name):
    import os

    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_fg_records_an_incident_decides_and_tells_the_families(page, live_server, world):
    login(page, live_server, world.users["fg"])
    page.goto(f"{live_server.url}/staf/datalekken/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Record an incident").click()
    page.select_option("#id_school", str(world.schools["a1"].pk))
    page.fill("#id_titel", "Lijst met allergieën op de gang gevonden")
    aware = timezone.localtime() - timedelta(hours=30)
    page.fill("#id_ontdekt_op", aware.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_omschrijving", "Een lijst met allergieën van groep 5 lag op de gang.")
    page.check("#id_vertrouwelijkheid")
    page.check("input[name=categorieen][value=medisch]")
    page.select_option("#id_leerlingen", str(world.pupils["g5"].pk))
    page.fill("#id_gevolgen", "Anderen kunnen medische gegevens hebben gezien.")
    page.fill("#id_maatregelen_genomen", "Lijst opgeborgen; lijsten alleen nog in de map.")
    page.select_option("#id_risico", "hoog")
    assert axe_violations(page) == []
    _shot(page, "incident_form")
    page.get_by_role("button", name="Save").click()
    d = Datalek.objects.get()
    page.wait_for_url(f"{live_server.url}/staf/datalekken/{d.pk}/")
    assert "41 hours left to notify the AP" in page.locator(".deadline").inner_text()
    assert axe_violations(page) == []
    _shot(page, "incident_detail")
    # notified, with the AP's reference
    page.check("input[name=besluit][value=gemeld]")
    page.fill("#id_gemeld_op", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_kenmerk", "AP-2026-12345")
    page.locator("#ap-form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/staf/datalekken/{d.pk}/")
    assert "AP-2026-12345" in page.content()
    # the families are told
    page.locator("#people-form input[name=besluit][value=informeren]").check()
    page.locator("#people-form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/staf/datalekken/{d.pk}/")
    assert Bericht.objects.filter(datalek=d).count() == 2
    assert axe_violations(page) == []
    _shot(page, "incident_decided")
    d.refresh_from_db()
    assert d.ap_besluit == APBesluit.GEMELD and d.ap_kenmerk == "AP-2026-12345"
    page.goto(f"{live_server.url}/staf/datalekken/{d.pk}/ap-formulier/")
    assert "Number of people concerned" in page.content()
    assert axe_violations(page) == []


def test_adult_pupil_lets_one_parent_keep_access(page, live_server, world):
    born = date.today().replace(year=date.today().year - 18) - timedelta(days=3)
    pupil = LeerlingFactory(
        groep=world.groepen["k5"], geboortedatum=born, account=UserFactory(username="noor")
    )
    mum = OuderFactory(
        bestuur=world.besturen["a"], voornaam="Els", achternaam="Hendriks", account=UserFactory()
    )
    dad = OuderFactory(
        bestuur=world.besturen["a"], voornaam="Mark", achternaam="Hendriks", account=UserFactory()
    )
    GezagsrelatieFactory(ouder=mum, leerling=pupil)
    GezagsrelatieFactory(ouder=dad, leerling=pupil)
    login(page, live_server, pupil.account)
    page.goto(f"{live_server.url}/portaal/18-plus/")
    assert axe_violations(page) == []
    page.get_by_role("group", name=str(mum)).get_by_label("may see my data in the portal").check()
    _shot(page, "adult_choice")
    page.get_by_role("button", name="Save my choice").click()
    assert "Your choice is saved" in page.content()
    assert axe_violations(page) == []
    for ouder, expected in ((mum, True), (dad, False)):
        forget_scope(ouder.account)
        assert Leerling.objects.visible_to(ouder.account).filter(pk=pupil.pk).exists() is expected
