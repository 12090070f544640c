"""Professional-development trajectories (seeds 000, 001; issue 17): recordings on private
storage, streamed only to those who may see them, wiped by the retention sweep and the erasure
when the trajectory ends; recordings kept elsewhere wait for the teacher's confirmation."""

import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

import pytest

from leerlingen.models import VernietigdRecord, Vernietigingslijst, VernietigingslijstItem
from leerlingen.retention.destruction import approve_list, carry_out_list, confirm_deletion
from leerlingen.retention.rules import ensure_default_terms
from leerlingen.retention.sweep import run_sweep
from trajecten.demo import DEMO_MP4
from trajecten.models import Opname, Opslag, Traject

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)
APPROVED = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
AFTER_WAIT = APPROVED + timedelta(days=8)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path, client):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


def traject(world, *, einddatum=date(2026, 6, 30), opslag=Opslag.PRODUCT, **extra):
    t = Traject.objects.create(
        school=world.schools["a1"],
        leerkracht=world.users["leerkracht"],
        omschrijving="Beeldcoaching",
        begindatum=date(2026, 1, 10),
        einddatum=einddatum,
        opslag=opslag,
        opslag_omschrijving="Schoolserver, map Beeldcoaching" if opslag == Opslag.EXTERN else "",
        **extra,
    )
    t.groepen.set([world.groepen["g5"]])
    return t


def recording(t) -> Opname:
    return Opname.objects.create(traject=t, bestand=ContentFile(DEMO_MP4, name="les.mp4"))


def stored(opname) -> Path:
    return Path(opname.bestand.path)


# --- who sees a recording ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("leerkracht", 200),
        ("directeur", 200),
        ("ib", 200),
        ("administratie", 404),
        ("fg", 404),
        ("bestuur", 404),
        ("buitenstaander", 404),
    ],
)
def test_a_recording_is_streamed_only_to_those_who_may_see_it(client, world, name, status):
    opname = recording(traject(world))
    client.force_login(world.users[name])
    response = client.get(reverse("trajecten:opname_bestand", args=[opname.pk]))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "video/mp4" and "no-store" in response["Cache-Control"]
        assert b"".join(response.streaming_content) == DEMO_MP4
    assert client.get(reverse("trajecten:traject", args=[opname.traject_id])).status_code == status


def test_recordings_are_not_served_by_url(client, world, settings):
    opname = recording(traject(world))
    client.force_login(world.users["beheerder"])
    assert settings.MEDIA_URL in ("", "/")  # no media route: the files are not public
    assert client.get("/" + opname.bestand.name).status_code == 404
    assert client.get("/media/" + opname.bestand.name).status_code == 404
    assert "les" not in opname.bestand.name  # a random name on disk, not the uploaded one


def test_the_compose_file_keeps_media_on_a_named_volume_not_in_the_proxy():
    text = (Path(__file__).resolve().parents[2] / "docker-compose.yml").read_text()
    app = text.split("services:")[0]  # the x-app block that web, worker and beat share
    assert "- media:/app/var/media" in app
    assert "\n  media:\n" in text.split("\nvolumes:")[-1] + "\n"
    proxy = text.split("  proxy:")[1].split("\n  web:")[0].split("\n  worker:")[0]
    assert "media" not in proxy


# --- upload ----------------------------------------------------------------------------------


def test_upload_is_checked_by_content_and_size(client, world, settings):
    t = traject(world)
    url = reverse("trajecten:traject", args=[t.pk])
    client.force_login(world.users["ib"])
    fake = SimpleUploadedFile("les.mp4", b"MZ\x90\x00 not a video" * 10, content_type="video/mp4")
    response = client.post(url, {"bestand": fake, "opgenomen_op": "2026-03-01"})
    assert (
        response.status_code == 200
        and "not a video or audio recording" in response.content.decode()
    )
    settings.RECORDING_MAX_MB = 0
    big = SimpleUploadedFile("les.mp4", DEMO_MP4, content_type="video/mp4")
    response = client.post(url, {"bestand": big, "opgenomen_op": "2026-03-01"})
    assert "larger than 0 MB" in response.content.decode()
    assert not Opname.objects.exists()
    settings.RECORDING_MAX_MB = 5
    good = SimpleUploadedFile("les.mp4", DEMO_MP4, content_type="video/mp4")
    response = client.post(url, {"bestand": good, "opgenomen_op": "2026-03-01"})
    assert response.status_code == 302
    opname = Opname.objects.get()
    assert stored(opname).read_bytes() == DEMO_MP4 and opname.geupload_door == world.users["ib"]


def test_a_teacher_only_views_and_others_cannot_upload(client, world):
    t = traject(world)
    client.force_login(world.users["leerkracht"])
    good = SimpleUploadedFile("les.mp4", DEMO_MP4, content_type="video/mp4")
    assert (
        client.post(reverse("trajecten:traject", args=[t.pk]), {"bestand": good}).status_code == 403
    )
    client.force_login(world.users["administratie"])
    assert (
        client.post(reverse("trajecten:traject", args=[t.pk]), {"bestand": good}).status_code == 404
    )
    assert not Opname.objects.exists()


# --- retention -------------------------------------------------------------------------------


def test_recordings_are_wiped_with_their_files_when_the_trajectory_ended(
    world, django_capture_on_commit_callbacks
):
    school = world.schools["a1"]
    ensure_default_terms(school=school)
    ended, running = traject(world), traject(world, einddatum=date(2027, 6, 30))
    files = [stored(recording(ended)), stored(recording(ended))]
    kept = stored(recording(running))
    assert run_sweep(today=date(2026, 6, 29), school=school).lists == []
    [lijst] = run_sweep(today=TODAY, school=school).lists
    [item] = lijst.items.all()
    assert (item.content_type.model, item.object_id, item.categorie, item.extern) == (
        "traject",
        ended.pk,
        "professionalisering",
        False,
    )
    assert item.vervaldatum == date(2026, 6, 30)

    approve_list(lijst=lijst, user=world.users["directeur"], bevestiging=lijst.naam, now=APPROVED)
    with django_capture_on_commit_callbacks(execute=True):  # the files go once the erasure commits
        carry_out_list(lijst_id=lijst.pk, now=AFTER_WAIT)
    lijst.refresh_from_db()
    assert lijst.status == Vernietigingslijst.Status.UITGEVOERD
    assert (
        not Traject.objects.filter(pk=ended.pk).exists()
        and not Traject.history.filter(id=ended.pk).exists()
    )
    assert (
        not Opname.objects.filter(traject_id=ended.pk).exists()
        and not Opname.history.filter(traject_id=ended.pk).exists()
    )
    assert not any(f.exists() for f in files)
    assert kept.exists() and Traject.objects.filter(pk=running.pk).exists()
    assert VernietigdRecord.objects.filter(
        soort="trajecten.Traject", object_id=str(ended.pk)
    ).exists()


def test_a_rolled_back_erasure_leaves_the_file(world):
    from django.db import transaction

    from leerlingen.erasure import erase_record

    opname = recording(traject(world))
    path = stored(opname)
    with pytest.raises(RuntimeError), transaction.atomic():
        erase_record(obj=opname.traject, grond=VernietigdRecord.Grond.BEWAARTERMIJN)
        raise RuntimeError
    assert path.exists() and Opname.objects.filter(pk=opname.pk).exists()


def test_recordings_kept_elsewhere_wait_for_the_teachers_confirmation(client, world):
    school = world.schools["a1"]
    ensure_default_terms(school=school)
    t = traject(world, opslag=Opslag.EXTERN)
    [lijst] = run_sweep(today=TODAY, school=school).lists
    [item] = lijst.items.all()
    assert item.extern
    approve_list(lijst=lijst, user=world.users["directeur"], bevestiging=lijst.naam, now=APPROVED)
    carry_out_list(lijst_id=lijst.pk, now=AFTER_WAIT)
    lijst.refresh_from_db()
    item.refresh_from_db()
    # Not done: the list says so, and the trajectory is still there.
    assert (
        lijst.status == Vernietigingslijst.Status.WACHT_OP_BEVESTIGING and lijst.voltooid_op is None
    )
    assert (
        item.status == VernietigingslijstItem.Status.TE_BEVESTIGEN
        and Traject.objects.filter(pk=t.pk).exists()
    )

    # Only the teacher is asked, on the trajectories page; the director cannot confirm for them.
    client.force_login(world.users["directeur"])
    assert (
        "Schoolserver"
        not in client.get(reverse("trajecten:index")).content.decode().split("<h2>")[0]
    )
    assert client.post(reverse("trajecten:bevestig", args=[item.pk])).status_code == 404
    with pytest.raises(Exception, match="owner"):
        confirm_deletion(item=item, user=world.users["directeur"])
    client.force_login(world.users["leerkracht"])
    page = client.get(reverse("trajecten:index")).content.decode()
    assert (
        "Recordings to delete in another system" in page
        and "Schoolserver, map Beeldcoaching" in page
    )
    assert client.post(reverse("trajecten:bevestig", args=[item.pk])).status_code == 302

    lijst.refresh_from_db()
    item.refresh_from_db()
    assert lijst.status == Vernietigingslijst.Status.UITGEVOERD and lijst.voltooid_op is not None
    assert (
        item.status == VernietigingslijstItem.Status.VERNIETIGD
        and item.bevestigd_door == world.users["leerkracht"]
    )
    assert not Traject.objects.filter(pk=t.pk).exists()
    # The director sees on the list who confirmed.
    client.force_login(world.users["directeur"])
    page = client.get(
        reverse("admin:leerlingen_vernietigingslijst_change", args=[lijst.pk])
    ).content.decode()
    assert "Deletion confirmed by" in page


def test_the_dry_run_shows_a_trajectory_kept_elsewhere(world):
    from django.core.management import call_command

    ensure_default_terms(school=world.schools["a1"])
    t = traject(world, opslag=Opslag.EXTERN)
    out = io.StringIO()
    call_command(
        "retention_sweep",
        "--dry-run",
        "--today",
        "2026-11-23",
        "--school",
        "11AA",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert (
        f"11AA trajecten.Traject #{t.pk}: term ran out on 2026-06-30 (kept in another system"
        in out.getvalue()
    )
