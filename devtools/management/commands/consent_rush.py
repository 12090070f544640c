"""``manage.py consent_rush --parents N``: the consent rush load run (logic in devtools/rush/consent.py)."""

import json
import signal

from django.core.management import BaseCommand, CommandError

from devtools.rush.consent import LABEL, default_workers, run_rush

TARGET = 200  # submissions per second on a 2-core machine (issue 11)


class Command(BaseCommand):
    help = (
        "Consent rush: N parents submit a consent decision at once to the app served by gunicorn on "
        "127.0.0.1, against this database; then every submission is checked (one new current row with "
        f"its history row, none lost, none doubled). Reuses made-up parents with a portal account that "
        f"never logged in (demo, generate_scale); makes the rest in a board named '{LABEL}'. It records "
        "consent decisions: run it on a demo or test database. PostgreSQL only."
    )

    def add_arguments(self, parser):
        workers, threads = default_workers()
        parser.add_argument(
            "--parents",
            type=int,
            required=True,
            help="How many parents submit (one decision each).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=workers,
            help=f"gunicorn worker processes (default {workers}).",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=threads,
            help=f"Threads per worker (default {threads}; 1 = sync workers).",
        )
        parser.add_argument(
            "--concurrency", type=int, default=64, help="Client connections at once (default 64)."
        )
        parser.add_argument(
            "--seconds",
            type=float,
            default=90.0,
            help="Stop sending after this many seconds (default 90); unsent ones are reported.",
        )
        parser.add_argument(
            "--own-families",
            action="store_true",
            help=f"Use only (and make) the families of the '{LABEL}' board.",
        )
        parser.add_argument(
            "--json",
            dest="json_path",
            metavar="FILE",
            help="Also write the figures as JSON to FILE.",
        )

    def handle(
        self,
        *args,
        parents,
        workers,
        threads,
        concurrency,
        seconds,
        own_families,
        json_path: str | None,
        **options,
    ):
        if parents < 1 or workers < 1 or threads < 1 or concurrency < 1 or seconds <= 0:
            raise CommandError(
                "--parents, --workers, --threads, --concurrency and --seconds must be positive."
            )
        # A plain kill must still stop gunicorn: turn SIGTERM/SIGHUP into SystemExit, so the run unwinds.
        previous = {sig: signal.signal(sig, _exit) for sig in (signal.SIGTERM, signal.SIGHUP)}
        try:
            report = run_rush(
                parents=parents,
                workers=workers,
                threads=threads,
                concurrency=concurrency,
                seconds=seconds,
                own_families=own_families,
                log=self.stdout.write,
            )
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self._print(report)
        if json_path:
            _write_json(json_path, report)
        v = report.verification
        if not report.clean:
            raise CommandError(
                f"the database does not hold every submission exactly once: {v['lost']} lost, {v['failed']} failed, "
                f"{v['doubled']} doubled, {v['wrong']} wrong, {v['history_missing']} without history, {v['stray']} stray"
            )

    def _print(self, r):
        v, lat = r.verification, r.latency_ms
        others = ", ".join(f"{k} {n}" for k, n in sorted(r.outcomes.items()) if k != "ok") or "none"
        speed = f"{r.submissions_per_second:.0f} submissions/s"
        style = self.style.SUCCESS if r.submissions_per_second >= TARGET else self.style.WARNING
        self.stdout.write(
            f"sent {r.sent} of {r.parents} in {r.seconds:.2f} s: {r.ok} ok; not ok: {others}\n"
            f"latency p50 {lat['p50']:.0f} ms, p95 {lat['p95']:.0f} ms, p99 {lat['p99']:.0f} ms, max {lat['max']:.0f} ms\n"
            f"cpu seconds during the run: {_pairs(r.cpu_seconds)}\n"
            f"cost: {_pairs(r.cost)}\n"
            f"database: {v['present']} of {v['sent']} sent present with their history row; lost {v['lost']}, "
            f"failed {v['failed']}, doubled {v['doubled']}, wrong {v['wrong']}, history missing {v['history_missing']}, "
            f"earlier answer still current {v['previous_still_current']}, stray {v['stray']}"
        )
        self.stdout.write(style(f"{speed} (target {TARGET}/s)"))
        if r.sent < r.parents:
            self.stdout.write(
                self.style.WARNING(
                    f"{r.parents - r.sent} submissions were not sent within the time limit (--seconds); "
                    "they are not counted as lost"
                )
            )


def _pairs(values: dict) -> str:
    return ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in values.items()) or "-"


def _exit(signum, frame):
    raise SystemExit(128 + signum)


def _write_json(path: str, report) -> None:
    from dataclasses import asdict

    with open(path, "w") as f:
        json.dump(asdict(report), f, indent=2)
