"""Pupil import in a real browser: the director uploads an export, sees the preview, confirms, re-syncs."""

from pathlib import Path

import pytest

from leerlingen.imports.models import Leerlingimport
from leerlingen.models import Leerling
from tests.leerlingen.factories import GroepFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FILES = Path(__file__).parent.parent / "leerlingen" / "files"


def counts(page, row: int) -> dict[str, str]:
    cells = page.locator("#import-counts tbody tr").nth(row).locator("td")
    return {
        cells.nth(i).get_attribute("data-count"): cells.nth(i).inner_text()
        for i in range(cells.count())
    }


def upload(page, live_server, name):
    page.goto(f"{live_server.url}/admin/leerlingen/leerlingimport/")
    page.click("a[href$='/leerlingimport/upload/']")
    page.set_input_files("#id_bestand", str(FILES / name))
    page.click("#content-main input.default[type=submit]")
    page.wait_for_url("**/voorbeeld/")


def test_director_imports_previews_confirms_and_resyncs(page, live_server, admin_login, world):
    school = world.schools["a1"]
    for j in (3, 4, 7, 8):
        GroepFactory(school=school, naam=f"Groep {j}", jaargroep=j)
    admin_login(page, "directeur")

    upload(page, live_server, "parnassys.csv")
    assert counts(page, 0) == {"new": "8", "changed": "0", "unchanged": "0", "left": "0"}
    assert counts(page, 1)["new"] == "12"
    assert "Zoë" in page.locator("#new-pupils + .table-wrap").inner_text()
    assert Leerling.objects.filter(school=school).count() == 2  # the preview wrote nothing
    page.click(".import-confirm input[type=submit]")
    page.wait_for_url("**/change/")
    assert page.locator(".messagelist .success").count() == 1
    assert (
        Leerling.objects.filter(
            school=school, leerlingnummer__in=[str(n) for n in range(2301, 2309)]
        ).count()
        == 8
    )

    # A few weeks later: one pupil moved, one changed group, one left, one is new.
    upload(page, live_server, "parnassys_gewijzigd.csv")
    assert counts(page, 0) == {"new": "1", "changed": "2", "unchanged": "5", "left": "1"}
    changed = page.locator("#changed-pupils ~ .import-record").first.inner_text()
    assert "Papesteeg" in changed and "Tielseweg" in changed
    assert "2306" in page.locator("#leavers ~ .table-wrap").first.inner_text()
    page.click(".import-confirm input[type=submit]")
    page.wait_for_url("**/change/")
    assert (
        Leerling.objects.get(school=school, leerlingnummer="2306").datum_uitschrijving is not None
    )
    assert Leerlingimport.objects.filter(status=Leerlingimport.Status.INGELEZEN).count() == 2


def test_a_file_with_errors_is_explained_and_not_imported(page, live_server, admin_login, world):
    school = world.schools["a1"]
    for j in (3, 4, 7, 8):
        GroepFactory(school=school, naam=f"Groep {j}", jaargroep=j)
    admin_login(page, "directeur")
    upload(page, live_server, "fout_datum.csv")
    errors = page.locator("#import-errors tbody tr")
    assert errors.count() == 1
    assert errors.first.inner_text().split("\t")[:2] == ["3", "Geboortedatum (G)"]
    # Import without ticking "skip the rows with errors": the browser asks for the tick box.
    page.click(".import-confirm input[type=submit]")
    assert "/voorbeeld/" in page.url
    assert Leerling.objects.filter(school=school).count() == 2
