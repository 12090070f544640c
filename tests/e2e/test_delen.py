"""The export flow in a real browser: a director discloses a group to the GGD/JGZ."""

import csv
import io

import pytest

from delen.models import Verstrekking
from delen.services import ensure_default_register

from .conftest import axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def login(page, live_server, user):
    """A session made server-side: this test is about the export flow, not the log-in page."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def test_director_exports_a_group_to_jgz(page, live_server, world):
    ensure_default_register(world.schools["a1"])
    login(page, live_server, world.users["directeur"])
    page.goto(f"{live_server.url}/delen/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="GGD").first.click()
    page.select_option("#groep-select", str(world.groepen["g5"].pk))
    page.get_by_role("button", name="Show pupils").or_(
        page.get_by_role("button", name="Toon leerlingen")
    ).first.click()
    assert page.locator("input[name=leerlingen]").count() == 1
    # The BSN is listed, unticked and marked with the rule that forbids it (issue 17).
    bsn = page.locator("input[name=velden][value=bsn]")
    assert not bsn.is_checked()
    assert page.locator(".veld-verboden input[value=bsn]").count() == 1
    page.uncheck("input[name=velden][value=onderwijssoort]")
    page.fill("input[name=doel]", "Oproep gezondheidsonderzoek")
    assert axe_violations(page) == []
    page.locator("#disclosure-form button[type=submit]").click()
    assert world.pupils["g5"].achternaam in page.locator("table").inner_text()
    assert axe_violations(page) == []
    with page.expect_download() as download_info:
        page.locator("#confirm-form button[type=submit]").click()
    content = open(download_info.value.path(), encoding="utf-8-sig").read()
    header, *rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert "bsn" not in header and "onderwijssoort" not in header and len(rows) == 1
    v = Verstrekking.objects.get()
    assert v.velden == header and v.opgesteld_door == world.users["directeur"]
    page.goto(f"{live_server.url}/delen/verstrekkingen/{v.pk}/")
    assert v.kenmerk in page.locator("h1").inner_text()
    assert axe_violations(page) == []


@pytest.fixture(autouse=True)
def _english_interface(page, live_server):
    """This walk-through reads the English texts (the language a user can choose)."""
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
