"""Benchmark: the photo list PDF of a class of 28, first request (WeasyPrint renders) and second
request (the stored PDF, ``core.pdf.cached_pdf``), against the floor view of ``manage.py bench``
(one row by primary key through the same middleware), alternated in the same run. Figures are
printed (run with -s) and written as JSON to $BENCH_JSON when set; only correctness is asserted.

    BENCH_JSON=docs/bench/photo-list-pdf-after-DATE.json pytest tests/bench/test_photo_list_bench.py -m bench -s
"""

import json
import os
import statistics
import time

from django.test import override_settings
from django.urls import reverse

import pytest

from tests.leerlingen.factories import GezagsrelatieFactory, LeerlingFactory, OuderFactory
from toestemming.models import Doel
from toestemming.services import ensure_default_doelen, give_consent, publish_form

pytestmark = [pytest.mark.bench, pytest.mark.django_db]

RUNS = 40
PUPILS = 28


def _ms(client, url) -> float:
    t0 = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - t0) * 1000
    assert response.status_code == 200
    return elapsed


@override_settings(ROOT_URLCONF="devtools.bench.urls")
def test_photo_list_second_request_against_the_floor(client, world):
    consent = world
    for school in world.schools.values():
        ensure_default_doelen(school=school)
        publish_form(school=school)
    school, groep = consent.schools["a1"], consent.groepen["g5"]
    doelen = list(Doel.objects.filter(school=school, actief=True).order_by("volgorde", "id"))
    for i in range(PUPILS):
        leerling = LeerlingFactory(groep=groep)
        ouder = OuderFactory(bestuur=school.bestuur)
        GezagsrelatieFactory(leerling=leerling, ouder=ouder)
        for j, doel in enumerate(doelen[:3]):
            give_consent(leerling=leerling, doel=doel, gegeven=(i + j) % 3 != 0, ouder=ouder)
    client.force_login(consent.users["leerkracht"])
    url = reverse("toestemming_staf:fotolijst", args=[groep.pk])
    floor_url = reverse("bench-floor", args=[consent.pupils["g5"].pk])

    first = _ms(client, url)  # renders
    for _ in range(3):
        _ms(client, floor_url)
        _ms(client, url)
    floor, second = [], []
    for _ in range(RUNS):
        floor.append(_ms(client, floor_url))
        second.append(_ms(client, url))
    # A change of the data: the next request renders again.
    give_consent(
        leerling=consent.pupils["g5"], doel=doelen[0], gegeven=True, ouder=consent.ouders["gezag"]
    )
    changed = _ms(client, url)

    result = {
        "what": f"photo list PDF, class of {PUPILS + 1}, teacher; test client in-process; {RUNS} alternated runs",
        "floor_ms": {
            "p50": round(statistics.median(floor), 2),
            "p95": round(sorted(floor)[int(0.95 * (RUNS - 1))], 2),
        },
        "second_request_ms": {
            "p50": round(statistics.median(second), 2),
            "p95": round(sorted(second)[int(0.95 * (RUNS - 1))], 2),
        },
        "first_request_ms": round(first, 1),
        "after_a_change_ms": round(changed, 1),
    }
    result["second_over_floor_p50"] = round(
        result["second_request_ms"]["p50"] / result["floor_ms"]["p50"], 2
    )
    # Before the cache every request rendered: what a render costs, as a multiple of the floor.
    result["render_over_floor_p50"] = round(changed / result["floor_ms"]["p50"], 1)
    print("\n" + json.dumps(result, indent=2))
    if os.environ.get("BENCH_JSON"):
        with open(os.environ["BENCH_JSON"], "w") as f:
            json.dump(result, f, indent=2)
    assert first > 0 and changed > 0
