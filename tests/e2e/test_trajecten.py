"""Professional development and the honest destruction list in a real browser: the trajectory
list, a trajectory with its upload form, the teacher's confirmation of a deletion elsewhere, and
the director's list that waits for it or shows what could not be destroyed. Every page passes
axe (WCAG 2.1 AA)."""

import os
from datetime import date, timedelta

from django.utils import timezone, translation

import pytest

from leerlingen.models import Vernietigingslijst, VernietigingslijstItem
from leerlingen.retention.destruction import approve_list, carry_out_list
from leerlingen.retention.rules import ensure_default_terms
from leerlingen.retention.sweep import run_sweep
from tests.leerlingen.test_retention_terms import _failing_list
from trajecten.models import Opname, Opslag, Traject

from .conftest import axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("E2E_SCREENSHOTS")  # a folder: save a screenshot of each page there


@pytest.fixture(autouse=True)
def _english_and_private_media(page, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])


def _check(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"trajecten-{name}.png"), full_page=True)
    # Every description a field points to is on the page (help text, error).
    dangling = page.evaluate("""() => [...document.querySelectorAll('[aria-describedby]')].flatMap(
        el => el.getAttribute('aria-describedby').split(/\\s+/).filter(id => id && !document.getElementById(id)))""")
    assert dangling == [], f"{name}: aria-describedby points to missing ids {dangling}"
    violations = axe_violations(page)
    assert violations == [], f"{name}: " + "; ".join(
        f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']][:3]}" for v in violations
    )


def _en(label) -> str:
    with translation.override("en"):
        return str(label)


def _tiny_mp4() -> bytes:
    """The smallest file the upload recognises as MP4 video: an ``ftyp`` box and an empty ``mdat``."""
    ftyp = b"ftyp" + b"isom" + (512).to_bytes(4, "big") + b"isomiso2mp41"
    box = len(ftyp) + 4
    return box.to_bytes(4, "big") + ftyp + (8).to_bytes(4, "big") + b"mdat"


def _traject(world, *, opslag=Opslag.PRODUCT, ended=False):
    today = date.today()
    end = today - timedelta(days=30) if ended else today + timedelta(days=200)
    t = Traject.objects.create(
        school=world.schools["a1"],
        leerkracht=world.users["leerkracht"],
        omschrijving="Beeldcoaching ronde 1",
        begindatum=end - timedelta(days=150),
        einddatum=end,
        opslag=opslag,
        opslag_omschrijving="Schoolserver, map Beeldcoaching" if opslag == Opslag.EXTERN else "",
    )
    t.groepen.set([world.groepen["g5"]])
    return t


def test_the_coach_uploads_a_recording_and_the_teacher_sees_it(
    page, live_server, admin_login, world
):
    t = _traject(world)
    # The coach (IB) uploads: teachers only view (trajecten/roles.py).
    admin_login(page, "ib")
    page.goto(f"{live_server.url}/staf/trajecten/")
    assert page.locator("h1").inner_text() == "Professional development"
    _check(page, "index")
    page.click(f"text={t.omschrijving}")
    assert page.locator("h1").inner_text() == t.omschrijving
    assert (
        "No recordings in this product." in page.locator("main, #content, body").first.inner_text()
    )
    _check(page, "traject-empty")

    page.set_input_files(
        "#id_bestand", {"name": "les.mp4", "mimeType": "video/mp4", "buffer": b"not a video"}
    )
    page.click("button:has-text('Upload')")
    assert "not a video or audio recording" in page.locator("#id_bestand_error").inner_text()
    assert page.locator("#id_bestand").get_attribute("aria-invalid") == "true"
    _check(page, "traject-invalid")
    assert not Opname.objects.exists()

    page.set_input_files(
        "#id_bestand", {"name": "les.mp4", "mimeType": "video/mp4", "buffer": _tiny_mp4()}
    )
    page.fill("#id_opgenomen_op", date.today().isoformat())
    page.fill("#id_toelichting", "Rekenles")
    page.click("button:has-text('Upload')")
    assert "The recording is stored." in page.content()
    opname = Opname.objects.get(traject=t)
    assert opname.geupload_door == world.users["ib"]
    _check(page, "traject-uploaded")

    # The teacher sees the recording, without an upload form, and it streams as video.
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    admin_login(page, "leerkracht")
    page.goto(f"{live_server.url}/staf/trajecten/{t.pk}/")
    assert (
        page.locator(".staff-nav a[aria-current=page]").inner_text() == "Professional development"
    )
    link = page.locator(f"a[href='/staf/trajecten/opnamen/{opname.pk}/bestand/']")
    assert link.count() == 1 and "Rekenles" in page.content()
    assert page.locator("#id_bestand").count() == 0
    _check(page, "traject-teacher")
    response = page.request.get(f"{live_server.url}/staf/trajecten/opnamen/{opname.pk}/bestand/")
    assert response.status == 200 and response.headers["content-type"] == "video/mp4"
    assert response.body() == _tiny_mp4()


def test_a_deletion_elsewhere_waits_for_the_teacher_and_then_the_list_is_done(
    page, live_server, admin_login, world
):
    school = world.schools["a1"]
    ensure_default_terms(school=school)
    t = _traject(world, opslag=Opslag.EXTERN, ended=True)
    [lijst] = run_sweep(school=school).lists
    approved = timezone.now() - timedelta(days=30)  # its waiting period is over
    approve_list(lijst=lijst, user=world.users["directeur"], bevestiging=lijst.naam, now=approved)
    carry_out_list(lijst_id=lijst.pk)
    lijst.refresh_from_db()
    assert lijst.status == Vernietigingslijst.Status.WACHT_OP_BEVESTIGING
    list_url = f"{live_server.url}/admin/leerlingen/vernietigingslijst/{lijst.pk}/change/"

    admin_login(page, "directeur")
    page.goto(list_url)
    status = page.locator("dd.retention-status").inner_text()
    assert status == _en(Vernietigingslijst.Status.WACHT_OP_BEVESTIGING.label)
    assert (
        _en(VernietigingslijstItem.Status.TE_BEVESTIGEN.label)
        in page.locator("#result_list").inner_text()
    )
    _check(page, "list-waiting")
    # The director is not asked to confirm for the teacher.
    page.goto(f"{live_server.url}/staf/trajecten/")
    assert page.locator("#confirm-heading").count() == 0

    page.context.clear_cookies()
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    admin_login(page, "leerkracht")
    page.goto(f"{live_server.url}/staf/trajecten/")
    assert (
        "Schoolserver, map Beeldcoaching"
        in page.locator("section[aria-labelledby=confirm-heading]").inner_text()
    )
    _check(page, "index-to-confirm")
    page.click(f"button:has-text('I have deleted the recordings of “{t.omschrijving}”')")
    assert "the deletion is confirmed" in page.content()
    assert page.locator("#confirm-heading").count() == 0
    _check(page, "index-confirmed")

    page.context.clear_cookies()
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    admin_login(page, "directeur")
    page.goto(list_url)
    assert page.locator("dd.retention-status").inner_text() == _en(
        Vernietigingslijst.Status.UITGEVOERD.label
    )
    assert "Deletion confirmed by" in page.locator("#result_list").inner_text()
    _check(page, "list-done")
    assert not Traject.objects.filter(pk=t.pk).exists()


def test_the_director_takes_a_failed_record_off_with_a_reason(
    page, live_server, admin_login, world
):
    lijst, _vordering, _verstrekking = _failing_list(world)
    assert lijst.status == Vernietigingslijst.Status.ONVOLLEDIG
    list_url = f"{live_server.url}/admin/leerlingen/vernietigingslijst/{lijst.pk}/change/"

    admin_login(page, "directeur")
    page.goto(list_url)
    failed = page.locator("section[aria-labelledby=failed-heading]")
    # The kind of record that must be kept, by its name, in the reader's language.
    assert "disclosures" in failed.inner_text() and "delen.Verstrekking" not in failed.inner_text()
    assert page.locator("button[name=retry]").is_visible()
    _check(page, "list-failed")

    page.click("#result_list a:has-text('Take off the list')")
    _check(page, "takeoff-form")
    page.click("button:has-text('Save')")
    assert page.locator("[role=alert]").count() >= 1
    _check(page, "takeoff-no-reason")
    page.fill("#id_reden", "De vordering is gebruikt voor een verstrekking")
    page.click("button:has-text('Save')")
    assert page.url == list_url
    assert page.locator("dd.retention-status").inner_text() == _en(
        Vernietigingslijst.Status.UITGEVOERD.label
    )
    _check(page, "list-failed-taken-off")
