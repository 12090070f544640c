"""Benchmark: sweep and destruction throughput for N expired pupils with their dependants,
compared in the same run with a raw SQL delete of the same rows (and their history rows).

N from BENCH_PUPILS (default 300 in the suite; the figures in the note used 2000). Figures are printed (run with -s); only correctness is asserted.
With BENCH_JSON=FILE the figures of the run (counts, times, queries, the raw baseline of the same
run) are also written to FILE as JSON (docs/scale.md keeps these in docs/bench/).
"""

import json
import os
import platform
import time
from contextlib import contextmanager
from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

import pytest
from simple_history.utils import bulk_create_with_history

from leerlingen.models import (
    DossierItem,
    Gegevenscategorie,
    Gezagsrelatie,
    Leerling,
    Ouder,
    VernietigdRecord,
)
from leerlingen.retention.destruction import approve_list, carry_out_list
from leerlingen.retention.rules import ensure_default_terms
from leerlingen.retention.sweep import run_sweep
from leerlingen.roles import grant_role
from tests.leerlingen.factories import BestuurFactory, SchoolFactory, UserFactory

pytestmark = [pytest.mark.bench, pytest.mark.django_db]

N = int(os.environ.get("BENCH_PUPILS", "300"))
BATCH = 2000


def _make_pupils(school, n: int, prefix: str) -> list[int]:
    """n pupils who left in 2018, each with a guardian, a custody relation and two dossier items,
    all with their history rows (as the history-aware bulk helpers write them)."""
    ids = []
    for start in range(0, n, BATCH):
        count = min(BATCH, n - start)
        pupils = [
            Leerling(
                school=school,
                leerlingnummer=f"{prefix}{start + i}",
                voornamen="Bench",
                roepnaam="Bench",
                achternaam=f"{prefix}{start + i:06d}",
                geboortedatum=date(2005, 1, 1),
                bsn="",
                datum_inschrijving=date(2010, 8, 20),
                datum_uitschrijving=date(2018, 7, 15),
            )
            for i in range(count)
        ]
        pupils = bulk_create_with_history(pupils, Leerling, batch_size=1000)
        if pupils[0].pk is None:
            pupils = list(
                Leerling.objects.filter(
                    school=school, leerlingnummer__in=[p.leerlingnummer for p in pupils]
                )
            )
        ouders = bulk_create_with_history(
            [
                Ouder(
                    bestuur=school.bestuur,
                    achternaam=p.achternaam,
                    email=f"{p.achternaam}@example.test",
                )
                for p in pupils
            ],
            Ouder,
            batch_size=1000,
        )
        bulk_create_with_history(
            [
                Gezagsrelatie(ouder=o, leerling=p, relatie="moeder")
                for o, p in zip(ouders, pupils, strict=True)
            ],
            Gezagsrelatie,
            batch_size=1000,
        )
        bulk_create_with_history(
            [
                DossierItem(
                    leerling=p, categorie=c, titel="Bench", inhoud="Bench", datum=date(2017, 1, 1)
                )
                for p in pupils
                for c in (Gegevenscategorie.STUDIEVOORTGANG, Gegevenscategorie.MEDISCH)
            ],
            DossierItem,
            batch_size=2000,
        )
        ids.extend(p.pk for p in pupils)
    return ids


def _raw_delete(pupil_ids: list[int]) -> None:
    """What a hand-written purge would do: delete the rows and their history rows by id."""
    with transaction.atomic(), connection.cursor() as c:
        c.execute("create temporary table bench_ids (id bigint primary key) on commit drop")
        c.execute("insert into bench_ids select unnest(%s::bigint[])", [pupil_ids])
        c.execute(
            "create temporary table bench_ouders on commit drop as select distinct ouder_id as id from leerlingen_gezagsrelatie where leerling_id in (select id from bench_ids)"
        )
        c.execute(
            "delete from leerlingen_historicaldossieritem where leerling_id in (select id from bench_ids)"
        )
        c.execute(
            "delete from leerlingen_dossieritem where leerling_id in (select id from bench_ids)"
        )
        c.execute(
            "delete from leerlingen_historicalgezagsrelatie where leerling_id in (select id from bench_ids)"
        )
        c.execute(
            "delete from leerlingen_gezagsrelatie where leerling_id in (select id from bench_ids)"
        )
        c.execute(
            "delete from leerlingen_historicalouder where id in (select id from bench_ouders)"
        )
        c.execute("delete from leerlingen_ouder where id in (select id from bench_ouders)")
        c.execute(
            "delete from leerlingen_historicalleerling where id in (select id from bench_ids)"
        )
        c.execute("delete from leerlingen_leerling where id in (select id from bench_ids)")


class QueryCounter:
    """Counts the statements sent to the database and times them (an execute wrapper); keeps the
    start of the slowest statements' SQL, never their parameters."""

    def __init__(self):
        self.n = 0
        self.seconds = 0.0
        self.slowest: list[tuple[float, str]] = []

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = time.perf_counter() - t0
            self.seconds += took
            self.slowest = sorted([*self.slowest, (took, sql[:160])], reverse=True)[:8]


@contextmanager
def counting(counter: QueryCounter):
    with connection.execute_wrapper(counter):
        yield counter


def test_sweep_and_destruction_throughput():
    bestuur = BestuurFactory()
    school, raw_school = (
        SchoolFactory(bestuur=bestuur, brin="88BE"),
        SchoolFactory(bestuur=bestuur, brin="99BE"),
    )
    ensure_default_terms(school=school)
    directeur = UserFactory(username="bench-directeur")
    grant_role(user=directeur, rol="directeur", container=school)

    t0 = time.perf_counter()
    ids = _make_pupils(school, N, "B")
    raw_ids = _make_pupils(raw_school, N, "R")
    setup = time.perf_counter() - t0

    t0 = time.perf_counter()
    result = run_sweep(school=school, today=date(2026, 11, 23))
    sweep = time.perf_counter() - t0
    lijst = result.lists[0]
    assert lijst.items.count() == N

    approve_list(
        lijst=lijst, user=directeur, bevestiging=lijst.naam, now=timezone.now() - timedelta(days=8)
    )
    profiler = None
    if os.environ.get("BENCH_PROFILE"):  # write a cProfile of the destruction to BENCH_PROFILE
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    destroy_queries = QueryCounter()
    t0, cpu0 = time.perf_counter(), time.process_time()
    with counting(destroy_queries):
        summary = carry_out_list(lijst_id=lijst.pk)
    destroy, destroy_cpu = time.perf_counter() - t0, time.process_time() - cpu0
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(os.environ["BENCH_PROFILE"])
    assert summary == {"vernietigd": N}

    raw_queries = QueryCounter()
    t0, cpu0 = time.perf_counter(), time.process_time()
    with counting(raw_queries):
        _raw_delete(raw_ids)
    raw, raw_cpu = time.perf_counter() - t0, time.process_time() - cpu0

    assert not Leerling.objects.filter(pk__in=ids + raw_ids).exists()
    assert not Leerling.history.model.objects.filter(id__in=ids + raw_ids).exists()
    assert not DossierItem.history.model.objects.filter(leerling_id__in=ids + raw_ids).exists()
    assert not Ouder.objects.filter(bestuur=bestuur).exists()
    assert VernietigdRecord.objects.filter(soort="leerlingen.Leerling").count() == N

    print(
        f"\nretention bench, N={N} pupils (each: guardian, custody relation, 2 dossier items, history)\n"
        f"  setup (2 x N, bulk)         {setup:8.1f} s\n"
        f"  sweep                       {sweep:8.2f} s  {N / sweep:10.0f} pupils/s\n"
        f"  destruction (erasure svc)   {destroy:8.2f} s  {N / destroy:10.1f} pupils/s\n"
        f"  raw SQL delete, same rows   {raw:8.2f} s  {N / raw:10.0f} pupils/s\n"
        f"  erasure service / raw SQL   {destroy / raw:8.0f} x slower\n"
        f"  queries per pupil (erasure) {destroy_queries.n / N:8.2f}\n"
        f"  CPU here (erasure / raw)    {destroy_cpu:8.2f} s / {raw_cpu:.3f} s"
    )
    if os.environ.get("BENCH_JSON"):
        figures = {
            "bench": "tests/bench/test_retention_bench.py",
            "pupils": N,
            "per_pupil": "guardian, custody relation, 2 dossier items, all with history rows",
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
            "load_average": list(os.getloadavg()),
            "setup_s": round(setup, 3),
            "sweep_s": round(sweep, 4),
            "destruction": {
                "seconds": round(destroy, 4),
                "pupils_per_s": round(N / destroy, 2),
                "queries": destroy_queries.n,
                "queries_per_pupil": round(destroy_queries.n / N, 3),
                "cpu_seconds_this_process": round(destroy_cpu, 4),
                "seconds_in_database_calls": round(destroy_queries.seconds, 4),
                "slowest_statements": [
                    {"seconds": round(t, 4), "sql_start": q} for t, q in destroy_queries.slowest
                ],
                "summary": dict(summary),
                "tombstones": VernietigdRecord.objects.filter(item__lijst=lijst).count(),
            },
            "raw_sql_delete": {
                "seconds": round(raw, 4),
                "pupils_per_s": round(N / raw, 2),
                "queries": raw_queries.n,
                "cpu_seconds_this_process": round(raw_cpu, 4),
                "seconds_in_database_calls": round(raw_queries.seconds, 4),
            },
            "destruction_rate_over_raw_rate": round(raw / destroy, 4),
        }
        with open(os.environ["BENCH_JSON"], "w") as f:
            json.dump(figures, f, indent=2)
            f.write("\n")
