"""Benchmark: a board-sized pupil import (issue 9). Reported, not asserted on time.

    BENCH_PUPILS=40000 .venv/bin/python -m pytest tests/bench/test_import_bench.py -m bench -s

Imports a ParnasSys-style CSV of N pupils with two guardians each (siblings share them), then
re-imports the same file (must change nothing) and a re-sync with 5% moved, 2% left and 2% new.
"""

import csv
import io
import os
import time

from django.utils import timezone

import pytest

from leerlingen.demo import bsn_from
from leerlingen.imports import reading, services
from leerlingen.imports.apply import apply_plan
from leerlingen.imports.formats import FORMATS
from leerlingen.imports.plan import build_plan
from leerlingen.models import Gezagsrelatie, Leerling, Ouder
from tests.leerlingen.factories import GroepFactory, SchoolFactory, UserFactory

pytestmark = [pytest.mark.bench, pytest.mark.django_db]

N = int(os.environ.get("BENCH_PUPILS", "2000"))
STREETS = [
    "Kerkstraat",
    "Molenweg",
    "Dorpsstraat",
    "Stationsweg",
    "Waalkade",
    "Lingedijk",
    "Schoolstraat",
    "Bleekveld",
]
SURNAMES = [
    "Jansen",
    "de Vries",
    "van den Berg",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "Yilmaz",
    "El Amrani",
    "Nguyen",
]
FIRST = [
    "Daan",
    "Emma",
    "Sem",
    "Julia",
    "Noah",
    "Mila",
    "Liam",
    "Tess",
    "Finn",
    "Zoë",
    "Levi",
    "Sara",
]


def export(n: int, *, moved=(), left=(), extra=0) -> bytes:
    mapping = FORMATS["parnassys"]
    keys = list(mapping)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([mapping[k] for k in keys])
    for i in range(n + extra):
        if i in left:
            continue
        family = i // 2 if i % 5 < 2 else i  # two in five pupils have a sibling in the file
        surname = SURNAMES[family % len(SURNAMES)]
        tussenvoegsel, _, achternaam = surname.rpartition(" ")
        street = STREETS[(family + (1 if i in moved else 0)) % len(STREETS)]
        row = {
            "leerlingnummer": str(100_000 + i),
            "achternaam": achternaam,
            "tussenvoegsel": tussenvoegsel,
            "roepnaam": FIRST[i % len(FIRST)],
            "voornamen": f"{FIRST[i % len(FIRST)]} Maria",
            "geslacht": "MV"[i % 2],
            "geboortedatum": f"{1 + i % 28:02d}-{1 + i % 12:02d}-{2014 + i % 8}",
            "geboorteplaats": "Tiel",
            "bsn": bsn_from(50_000_000 + 3 * i),
            "straat": street,
            "huisnummer": str(1 + family % 300),
            "postcode": f"{4000 + family % 900} AB",
            "woonplaats": "Tiel",
            "groep": f"Groep {1 + i % 8}",
            "datum_inschrijving": "24-08-2020",
        }
        for slot, (voornaam, relatie) in enumerate(
            (("Anna", "Moeder"), ("Peter", "Vader")), start=1
        ):
            row |= {
                f"ouder{slot}_voorletters": voornaam[0] + ".",
                f"ouder{slot}_voornaam": voornaam,
                f"ouder{slot}_tussenvoegsel": tussenvoegsel,
                f"ouder{slot}_achternaam": achternaam,
                f"ouder{slot}_relatie": relatie,
                f"ouder{slot}_heeft_gezag": "Ja",
                f"ouder{slot}_email": f"{voornaam.lower()}.{family}@voorbeeld.nl",
                f"ouder{slot}_telefoon": f"06{family:08d}",
            }
        writer.writerow([row.get(k, "") for k in keys])
    return buffer.getvalue().encode("cp1252")


def timed(label, school, user, content, n):
    """The command's path (services.import_file), step by step to report where the time goes."""
    start = time.perf_counter()
    kind = reading.check_upload(content)
    table = reading.read_table(content, kind)
    bron, mapping = services.choose_mapping(table.headers)
    read = time.perf_counter()
    plan = build_plan(school=school, table=table, mapping=mapping)
    planned = time.perf_counter()
    assert plan.ok
    run = services._record_run(
        school=school,
        user=user,
        data=content,
        filename="bench.csv",
        kind=kind,
        table=table,
        bron=bron,
        mapping=mapping,
        profiel=None,
        keep_file=False,
    )
    apply_plan(plan=plan, run=run, user=user)
    end = time.perf_counter()
    seconds = end - start
    print(
        f"\n{label}: {n} pupils in {seconds:.1f} s = {n / seconds:,.0f} pupils/s "
        f"(read {read - start:.1f} s, check and compare {planned - read:.1f} s, write {end - planned:.1f} s)\n  {plan.counts()}"
    )
    return plan


def test_board_sized_import():
    school = SchoolFactory(naam="Brede school", brin="99ZZ")
    for j in range(1, 9):
        GroepFactory(school=school, naam=f"Groep {j}", jaargroep=j)
    user = UserFactory(username="bench")
    content = export(N)
    print(f"\nfile: {len(content) / 1e6:.1f} MB, {N} pupils")

    plan = timed("first import", school, user, content, N)
    assert plan.counts()["leerlingen_nieuw"] == N
    assert Leerling.history.count() == N
    families = len({i // 2 if i % 5 < 2 else i for i in range(N)})
    assert Ouder.objects.count() == 2 * families and Gezagsrelatie.objects.count() == 2 * N

    history = Leerling.history.count() + Ouder.history.count() + Gezagsrelatie.history.count()
    plan = timed("same file again", school, user, content, N)
    assert plan.counts()["leerlingen_ongewijzigd"] == N
    assert (
        Leerling.history.count() + Ouder.history.count() + Gezagsrelatie.history.count() == history
    )

    step = 20
    moved, left = set(range(0, N, step)), set(range(1, N, 50))
    changed = export(N, moved=moved, left=left, extra=N // 50)
    plan = timed("re-sync (5% moved, 2% left, 2% new)", school, user, changed, N)
    assert plan.counts()["leerlingen_vertrokken"] == len(left)
    assert Leerling.objects.filter(datum_uitschrijving=timezone.localdate()).count() == len(left)
