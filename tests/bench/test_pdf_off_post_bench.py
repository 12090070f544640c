"""Benchmark (issue 21, "no PDF inside a POST a person waits on"): the director's approval POST of
an access request, and the privacy statement's "new version" POST, through the Django test client.
Each POST is timed RUNS times (a fresh request, or a changed register, each time); the medians are
printed and, with ``BENCH_JSON=path``, written with every run. Only correctness is asserted.

    BENCH_JSON=docs/bench/pdf-off-post-2026-11-29.json pytest tests/bench/test_pdf_off_post_bench.py -m bench -s
"""

import json
import os
import statistics
import time

import pytest

from core import pdf as core_pdf
from core.models import Opdracht
from verzoeken import services
from verzoeken.models import IdDocument, Soort, Uitkomst

pytestmark = [pytest.mark.bench, pytest.mark.django_db]
RUNS = 10
RESULTS: dict = {}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def renders(monkeypatch):
    """Counts WeasyPrint renders (``core.pdf.render_pdf``) in this process."""
    calls = []
    real = core_pdf.render_pdf

    def counting(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(core_pdf, "render_pdf", counting)
    return calls


def _work_off():
    from core import outbox

    for pk in Opdracht.objects.filter(status=Opdracht.Status.WACHT).values_list("pk", flat=True):
        outbox.run(pk)


def _write(key, value):
    RESULTS[key] = value
    path = os.environ.get("BENCH_JSON")
    if path:
        with open(path, "w") as out:
            json.dump(RESULTS, out, indent=2)


def _load() -> list[float]:
    return list(os.getloadavg())


def test_approval_post(client, world, renders):
    staff, director = world.users["administratie"], world.users["directeur"]
    client.force_login(director)
    times, rendered, jobs = [], [], []
    for _n in range(RUNS):
        v = services.file_request(
            leerling=world.pupils["g5"],
            soort=Soort.INZAGE,
            kanaal="brief",
            ouder=world.ouders["gezag"],
            vastgelegd_door=staff,
        )
        services.record_identity(verzoek=v, document_soort=IdDocument.PASPOORT, user=staff)
        services.submit(verzoek=v, uitkomst=Uitkomst.TOEGEWEZEN, motivering="Alles", user=staff)
        _work_off()  # the preview export, when it is a job
        renders.clear()
        started = time.perf_counter()
        response = client.post(
            f"/staf/verzoeken/{v.pk}/beoordeling/",
            {"uitkomst": "toegewezen", "motivering": "Alles"},
        )
        times.append((time.perf_counter() - started) * 1000)
        rendered.append(len(renders))
        assert response.status_code == 302
        v.refresh_from_db()
        assert v.status == "besloten"
        started = time.perf_counter()
        _work_off()  # the documents, in the worker after the change
        jobs.append((time.perf_counter() - started) * 1000)
        assert v.documenten.filter(soort="besluit").exists()
        services.answer(verzoek=v, user=director)  # closes the request (and lifts the hold)
    result = {
        "runs_ms": [round(t, 1) for t in times],
        "median_ms": round(statistics.median(times), 1),
        "pdf_renders_in_post": rendered,
        "outbox_work_after_ms": [round(t, 1) for t in jobs],
        "outbox_work_after_median_ms": round(statistics.median(jobs), 1),
        "load_average": _load(),
    }
    print("approval POST", result)
    _write("approval_post", result)


def test_statement_post(client, world, renders):
    from delen.models import Privacyverklaring
    from tests.leerlingen.factories import DossierItemFactory

    school = world.pupils["g5"].school
    client.force_login(world.users["directeur"])
    times, rendered, jobs = [], [], []
    for n in range(RUNS):
        DossierItemFactory(leerling=world.pupils["g5"], titel=f"stuk {n}")  # not in the statement
        school.naam = f"School A1 ({n})"  # the register changed: a new version is stored
        school.save()
        renders.clear()
        started = time.perf_counter()
        response = client.post(
            f"/staf/privacyverklaring/school/{school.pk}/genereren/", {"taal": "nl"}
        )
        times.append((time.perf_counter() - started) * 1000)
        rendered.append(len(renders))
        assert response.status_code in (200, 302)
        started = time.perf_counter()
        _work_off()
        jobs.append((time.perf_counter() - started) * 1000)
    assert Privacyverklaring.objects.filter(school=school).count() == RUNS
    result = {
        "runs_ms": [round(t, 1) for t in times],
        "median_ms": round(statistics.median(times), 1),
        "pdf_renders_in_post": rendered,
        "outbox_work_after_ms": [round(t, 1) for t in jobs],
        "outbox_work_after_median_ms": round(statistics.median(jobs), 1),
        "load_average": _load(),
    }
    print("statement POST", result)
    _write("statement_post", result)
