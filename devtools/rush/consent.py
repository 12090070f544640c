"""The consent rush: a bounded load run of the parent portal's consent submissions (issue 11).

Thousands of parents submit a decision at the same moment to the application served by gunicorn
on 127.0.0.1, against the database this process is pointed at. Afterwards every submission is
checked in the database: exactly one new current decision, as sent, with its history row naming
the parent's account; none lost, none doubled, nothing else written.

- Parents: existing parents with a portal account and gezag over a child under 16 at a school
  with this year's published form are used first (demo or generated data; never an account that
  has logged in, so never a real parent); the rest are made here, in a board and school labelled
  ``LABEL``. Each parent flips their current answer to one
  question (or gives a first answer), so every submission must write exactly one new row.
- Log-in: one session per parent, made server-side with Django's session engine (no password
  hashing in the run; it ends by itself a few minutes after the run's time limit), and a CSRF
  token per parent that the decide view checks as for any browser; a probe with a wrong token
  must be refused (403) before the run starts.
- Load: a small stdlib asyncio client, ``concurrency`` connections started together, each
  submission sent once (no retries: a retry would hide a loss), bounded by count and by time.
  The sessions are deleted afterwards; gunicorn is stopped on every exit.

``manage.py consent_rush`` prints the figures; tests/bench/test_consent_rush.py asserts the counts.
"""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date
from importlib import import_module
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.db import connection, transaction
from django.http import HttpRequest
from django.http.request import validate_host
from django.middleware.csrf import CSRF_SESSION_KEY, get_token
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string

from simple_history.utils import bulk_create_with_history

from core.sessions import REFRESHED_KEY
from leerlingen.custody import sixteen_cutoff
from leerlingen.models import Bestuur, Gezagsrelatie, Groep, Leerling, Ouder, Relatie, School
from leerlingen.schooljaar import current_schooljaar
from toestemming.models import Formulier, FormulierTekst, Kanaal, Toestemming
from toestemming.services import current_form, ensure_default_doelen, publish_form

LABEL = "Consent rush (load test)"
BACKEND = "leerlingen.accounts.AccountBackend"
ROOT = Path(settings.BASE_DIR)
BATCH = 1000
DB_SESSIONS = "django.contrib.sessions.backends.db"


@dataclass
class Submission:
    """One parent's decision on one question of one child, and the log-in it is sent with."""

    ouder_id: int
    user_id: int
    leerling_id: int
    doel_id: int
    gegeven: bool
    previous_id: int | None = None  # the parent's current row for this question before the run
    session_key: str = ""
    csrf_secret: str = ""
    csrf_token: str = ""

    @property
    def path(self) -> str:
        return reverse("portaal:besluit", args=[self.leerling_id, self.doel_id])

    @property
    def done_location(self) -> str:
        """Where the decide view sends the parent back to: the child's page, at the question."""
        return f"{reverse('portaal:kind', args=[self.leerling_id])}#doel-{self.doel_id}"


@dataclass
class Plan:
    submissions: list[Submission]
    reused: int  # parents that were already in the database
    made: int  # parents made for this run (in the LABEL board)
    before_pk: int  # the highest Toestemming id before the run


# --- preparing parents, log-ins and CSRF tokens --------------------------------------------


def _form_doelen(schooljaar: str) -> dict[int, list[int]]:
    """School id -> the active purposes on the school's latest published form of the year."""
    forms: dict[int, Formulier] = {}
    for form in (
        Formulier.objects.gepubliceerd()
        .filter(schooljaar=schooljaar)
        .order_by("school_id", "-versie")
    ):
        forms.setdefault(form.school_id, form)
    by_form = defaultdict(list)
    teksten = FormulierTekst.objects.filter(formulier__in=forms.values(), doel__actief=True)
    for formulier_id, doel_id in teksten.order_by("doel__volgorde", "doel_id").values_list(
        "formulier_id", "doel_id"
    ):
        by_form[formulier_id].append(doel_id)
    return {school_id: by_form[form.id] for school_id, form in forms.items() if by_form[form.id]}


def _deciding_parents(
    n: int, *, schooljaar: str, bestuur: Bestuur | None = None
) -> list[tuple[int, int, int, int]]:
    """Up to n (ouder, account, child, school): parents who may decide today, with an active
    account that has never logged in. A real parent's account is made at the first log-in (see
    ``portal_auth.account_for``), so only made-up parents qualify: the demo's, generate_scale's and
    this module's own. The rush records decisions for the parents it uses."""
    doelen = _form_doelen(schooljaar)
    relaties = Gezagsrelatie.objects.filter(
        heeft_gezag=True,
        ouder__account__isnull=False,
        ouder__account__is_active=True,
        ouder__account__last_login__isnull=True,
        leerling__school_id__in=list(doelen),
        leerling__geboortedatum__gt=sixteen_cutoff(),
    )
    if bestuur is not None:
        relaties = relaties.filter(ouder__bestuur=bestuur)
    rows = (
        relaties.order_by("ouder_id", "leerling_id")
        .distinct("ouder_id")
        .values_list("ouder_id", "ouder__account_id", "leerling_id", "leerling__school_id")
    )
    return list(rows[:n])


def _free_brin() -> str:
    taken = set(School.objects.filter(brin__endswith="RZ").values_list("brin", flat=True))
    return next(f"{i:02d}RZ" for i in range(100) if f"{i:02d}RZ" not in taken)


@transaction.atomic
def make_families(count: int) -> Bestuur:
    """``count`` families (a parent with a portal account and gezag over one child of 8) in the
    LABEL board's school, with this year's form; made with the history-aware bulk helpers."""
    today = timezone.localdate()
    schooljaar = current_schooljaar(today)
    bestuur = Bestuur.objects.filter(naam=LABEL).first() or Bestuur.objects.create(naam=LABEL)
    school = bestuur.scholen.first() or School.objects.create(
        bestuur=bestuur, naam=LABEL, brin=_free_brin()
    )
    ensure_default_doelen(school=school)
    if current_form(school=school, schooljaar=schooljaar) is None:
        publish_form(school=school, schooljaar=schooljaar)
    groep, _ = Groep.objects.get_or_create(
        school=school, schooljaar=schooljaar, naam="Rush", defaults={"jaargroep": 5}
    )
    start = Leerling.objects.filter(school=school).count()
    tag = f"{school.pk}-{int(time.time())}"
    for offset in range(0, count, BATCH):
        numbers = range(start + offset, start + min(offset + BATCH, count))
        users = bulk_create_with_history(
            [User(username=f"rush-ouder-{tag}-{k}", password=make_password(None)) for k in numbers],
            User,
        )
        pupils = bulk_create_with_history(
            [
                Leerling(
                    school=school,
                    groep=groep,
                    leerlingnummer=f"RUSH{k:07d}",
                    voornamen="Rush",
                    roepnaam="Rush",
                    achternaam=f"Rush {k}",
                    geboortedatum=today.replace(year=today.year - 8, day=1),
                    datum_inschrijving=date(today.year - 4, 8, 20),
                    bsn="",
                )
                for k in numbers
            ],
            Leerling,
        )
        ouders = bulk_create_with_history(
            [
                Ouder(bestuur=bestuur, achternaam=f"Rush {k}", account=u)
                for k, u in zip(numbers, users, strict=True)
            ],
            Ouder,
        )
        bulk_create_with_history(
            [
                Gezagsrelatie(ouder=o, leerling=p, relatie=Relatie.MOEDER)
                for o, p in zip(ouders, pupils, strict=True)
            ],
            Gezagsrelatie,
        )
    return bestuur


def analyze(*models) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE " + ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
        )


def plan_submissions(n: int, *, own_families: bool = False) -> Plan:
    """Pick (and if needed make) n deciding parents, each with one question and the answer to send."""
    schooljaar = current_schooljaar()
    bestuur = Bestuur.objects.filter(naam=LABEL).first() if own_families else None
    rows = (
        _deciding_parents(n, schooljaar=schooljaar, bestuur=bestuur)
        if (bestuur or not own_families)
        else []
    )
    reused = len(rows)
    if len(rows) < n:
        bestuur = make_families(n - len(rows))
        analyze(
            User, Leerling, Ouder, Gezagsrelatie
        )  # thousands of new rows: fresh statistics for the planner
        known = {r[0] for r in rows}
        more = [
            r
            for r in _deciding_parents(n + len(known), schooljaar=schooljaar, bestuur=bestuur)
            if r[0] not in known
        ]
        rows += more[: n - len(rows)]
    if len(rows) < n:
        raise RuntimeError(f"only {len(rows)} deciding parents could be prepared, {n} asked")
    doelen = _form_doelen(schooljaar)
    picked = [(o, u, p, doelen[s][i % len(doelen[s])]) for i, (o, u, p, s) in enumerate(rows)]
    current = {}
    ouder_ids = [r[0] for r in picked]
    for chunk in range(0, len(ouder_ids), BATCH):
        for row in (
            Toestemming.objects.huidige(schooljaar)
            .filter(ouder_id__in=ouder_ids[chunk : chunk + BATCH])
            .values("id", "ouder_id", "leerling_id", "doel_id", "gegeven")
        ):
            current[(row["ouder_id"], row["leerling_id"], row["doel_id"])] = row
    submissions = []
    for i, (ouder_id, user_id, leerling_id, doel_id) in enumerate(picked):
        previous = current.get((ouder_id, leerling_id, doel_id))
        gegeven = (not previous["gegeven"]) if previous else (i % 2 == 0)
        submissions.append(
            Submission(
                ouder_id, user_id, leerling_id, doel_id, gegeven, previous and previous["id"]
            )
        )
    before_pk = Toestemming.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return Plan(submissions=submissions, reused=reused, made=n - reused, before_pk=before_pk)


def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def open_sessions(submissions: list[Submission], *, lifetime: int) -> None:
    """A logged-in portal session and a CSRF token per parent, as ``login()`` and a page would make them.

    The sessions end after ``lifetime`` seconds, should the run be killed before it deletes them.
    """
    store_cls = _session_store()
    users = {}
    ids = [s.user_id for s in submissions]
    for chunk in range(0, len(ids), BATCH):
        users.update(User.objects.in_bulk(ids[chunk : chunk + BATCH]))
    bulk = settings.SESSION_ENGINE == DB_SESSIONS
    rows = []
    for s in submissions:
        user = users[s.user_id]
        request = HttpRequest()
        s.csrf_token = get_token(request)
        s.csrf_secret = request.META["CSRF_COOKIE"]
        data = {
            SESSION_KEY: user._meta.pk.value_to_string(user),
            BACKEND_SESSION_KEY: BACKEND,
            HASH_SESSION_KEY: user.get_session_auth_hash(),
            REFRESHED_KEY: int(time.time()),  # written by the log-in's response (core/sessions.py)
        }
        if settings.CSRF_USE_SESSIONS:
            data[CSRF_SESSION_KEY] = s.csrf_secret
        store = store_cls()
        store.set_expiry(lifetime)
        data.update(store)
        if bulk:  # the database engine's rows, written a thousand at a time
            s.session_key = get_random_string(32, VALID_KEY_CHARS)
            rows.append(
                store_cls.get_model_class()(
                    session_key=s.session_key,
                    session_data=store.encode(data),
                    expire_date=store.get_expiry_date(),
                )
            )
        else:
            store.update(data)
            store.create()
            s.session_key = store.session_key
    if rows:
        store_cls.get_model_class().objects.bulk_create(rows, batch_size=BATCH)


def close_sessions(submissions: list[Submission]) -> None:
    """Delete the run's sessions: no valid log-in of a (possibly real) parent is left behind."""
    keys = [s.session_key for s in submissions if s.session_key]
    store_cls = _session_store()
    if settings.SESSION_ENGINE == DB_SESSIONS:
        model = store_cls.get_model_class()
        for chunk in range(0, len(keys), BATCH):
            model.objects.filter(session_key__in=keys[chunk : chunk + BATCH]).delete()
    else:
        for key in keys:
            store_cls(key).delete()


# --- the server --------------------------------------------------------------------------


def database_url() -> str:
    """This process's database as a DATABASE_URL for the server (in tests: the test database)."""
    db = connection.settings_dict
    if "postgresql" not in db["ENGINE"]:
        raise RuntimeError("the consent rush needs PostgreSQL (set DATABASE_URL)")
    auth = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{quote(db['NAME'], safe='')}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def default_workers() -> tuple[int, int]:
    """(workers, threads): a process per core, two threads each for the database waits. On two
    cores this cost 7.5 ms of CPU per submission against 8.9 ms with three processes of four
    threads (fewer processes and connections competing for the cores; docs/scale.md, issue 21)."""
    return (os.cpu_count() or 1), 2


class Gunicorn:
    """gunicorn serving the project on a free 127.0.0.1 port; stopped (its whole process group) on exit."""

    def __init__(self, *, workers: int, threads: int, log_path: Path):
        self.workers, self.threads, self.log_path = workers, threads, log_path
        self.port = 0
        self.proc: subprocess.Popen | None = None

    def __enter__(self):
        self.port = free_port()
        env = dict(
            os.environ, DATABASE_URL=database_url(), DJANGO_SETTINGS_MODULE="privacyschool.settings"
        )
        cmd = [
            sys.executable,
            "-m",
            "gunicorn",
            "privacyschool.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--threads",
            str(self.threads),
            "--worker-class",
            "gthread" if self.threads > 1 else "sync",
            "--preload",
            "--no-control-socket",
            "--backlog",
            "4096",
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
            "--keep-alive",
            "10",
            "--log-level",
            "warning",
        ]
        if Path("/dev/shm").is_dir():
            cmd += ["--worker-tmp-dir", "/dev/shm"]
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen(
                cmd,
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        try:
            self._wait_until_up(timeout=60)
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def _wait_until_up(self, *, timeout: float) -> None:
        import http.client

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.proc.returncode}); see {self.log_path}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/health/", headers={"Host": request_host(self.port)})
                conn.getresponse().read()
                conn.close()
                if len(self.worker_pids()) >= self.workers:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not come up within {timeout:.0f} s; see {self.log_path}")

    def worker_pids(self) -> list[int]:
        try:
            children = (
                Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
            )
        except OSError:
            return []
        return [int(pid) for pid in children]

    def stop(self) -> None:
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        except ProcessLookupError:
            pass


def _die_with_parent() -> None:
    """In the child before gunicorn starts: even if this process is killed outright (SIGKILL), the
    kernel sends gunicorn's master SIGTERM (Linux PR_SET_PDEATHSIG; elsewhere nothing happens)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _cpu_of(pids) -> float | None:
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    try:
        for pid in pids:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    except (OSError, IndexError, ValueError):
        return None
    return total / tick


def _postgres_pids(database: str) -> list[int]:
    """The PostgreSQL backends serving ``database`` (on this machine, Linux /proc)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                words = (
                    (entry / "cmdline")
                    .read_bytes()
                    .replace(b"\0", b" ")
                    .decode(errors="replace")
                    .split()
                )
            except OSError:
                continue
            if words[:1] == ["postgres:"] and database in words:
                pids.append(int(entry.name))
    return pids


def _machine_ticks() -> tuple[int, int] | None:
    """(busy, total) jiffies of all CPUs since boot, or None."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError):
        return None
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return sum(values) - idle, sum(values)


class CpuSampler(threading.Thread):
    """CPU seconds used during the run by gunicorn (master and workers) and by the PostgreSQL
    backends of this database, from /proc (Linux; empty elsewhere). Sampled twice a second, so a
    database connection that is closed mid-run (CONN_MAX_AGE) still counts, up to its last sample."""

    def __init__(self, server: Gunicorn, database: str):
        super().__init__(daemon=True)
        self.server, self.database = server, database
        self.done = threading.Event()
        self.first: dict[str, dict[int, float]] = {"gunicorn": {}, "postgres": {}}
        self.last: dict[str, dict[int, float]] = {"gunicorn": {}, "postgres": {}}

    def sample(self, *, initial: bool = False) -> None:
        groups = {
            "gunicorn": [self.server.proc.pid, *self.server.worker_pids()],
            "postgres": _postgres_pids(self.database),
        }
        for name, pids in groups.items():
            for pid in pids:
                used = _cpu_of([pid])
                if used is not None:
                    self.first[name].setdefault(
                        pid, used if initial else 0.0
                    )  # a new process starts at 0
                    self.last[name][pid] = used

    def run(self):
        while not self.done.wait(0.5):
            self.sample()

    def __enter__(self):
        self.sample(initial=True)
        self.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.join()
        self.sample()

    def totals(self) -> dict[str, float]:
        return {
            name: round(sum(used - self.first[name][pid] for pid, used in last.items()), 2)
            for name, last in self.last.items()
            if last
        }


# --- the client --------------------------------------------------------------------------


def request_host(port: int) -> str:
    """A Host header the application accepts: 127.0.0.1 if allowed, else the first named host."""
    if validate_host("127.0.0.1", settings.ALLOWED_HOSTS):
        return f"127.0.0.1:{port}"
    named = [h for h in settings.ALLOWED_HOSTS if h and h[0] not in ".*"]
    if not named:
        raise RuntimeError("ALLOWED_HOSTS names no host the load client can send")
    return named[0]


def build_request(s: Submission, *, host: str) -> bytes:
    """The browser's POST of the consent form: session and CSRF cookies, token in the body, Origin.

    Behind the production proxy the scheme is https (SECURE_PROXY_SSL_HEADER), as the proxy says.
    """
    proxy = settings.SECURE_PROXY_SSL_HEADER
    scheme = "https" if proxy else "http"
    proxy_line = (
        f"{proxy[0].removeprefix('HTTP_').replace('_', '-').title()}: {proxy[1]}\r\n"
        if proxy
        else ""
    )
    body = urlencode(
        {"csrfmiddlewaretoken": s.csrf_token, "antwoord": "ja" if s.gegeven else "nee"}
    ).encode()
    head = (
        f"POST {s.path} HTTP/1.1\r\nHost: {host}\r\nOrigin: {scheme}://{host}\r\n{proxy_line}"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n"
        f"Cookie: {settings.SESSION_COOKIE_NAME}={s.session_key}; {settings.CSRF_COOKIE_NAME}={s.csrf_secret}\r\n"
        "User-Agent: consent-rush\r\nAccept: text/html\r\n\r\n"
    )
    return head.encode("latin-1") + body


@dataclass
class Outcome:
    status: int = 0  # 0: no response
    latency: float = 0.0
    location: str = ""
    error: str = ""  # timeout / connection, when there was no response


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, dict[str, str], bool]:
    """(status, headers, keep the connection open)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    version, status = lines[0].split(" ", 2)[:2]
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    keep = version == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        await reader.read()
        keep = False
    return int(status), headers, keep


async def fire(
    requests: list[bytes], *, port: int, concurrency: int, timeout: float, seconds: float
):
    """Send every request once over ``concurrency`` connections that start together; stop sending
    after ``seconds``. Returns (outcomes, wall time from the start to the last answer)."""
    outcomes: list[Outcome | None] = [None] * len(requests)
    start = asyncio.Event()
    next_index = 0
    began = 0.0

    async def connection_loop():
        nonlocal next_index
        conn = None
        await start.wait()
        deadline = began + seconds
        while next_index < len(requests) and time.perf_counter() < deadline:
            i = next_index
            next_index += 1
            outcome = outcomes[i] = Outcome()
            t0 = time.perf_counter()
            try:
                if conn is None:
                    conn = await asyncio.wait_for(
                        asyncio.open_connection("127.0.0.1", port), timeout
                    )
                reader, writer = conn
                writer.write(requests[i])
                outcome.status, headers, keep = await asyncio.wait_for(
                    _read_response(reader), timeout
                )
                outcome.location = headers.get("location", "")
            except TimeoutError:
                outcome.error, keep = "timeout", False
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
                outcome.error, keep = "connection", False
            outcome.latency = time.perf_counter() - t0
            if not keep and conn is not None:
                conn[1].close()
                conn = None
        if conn is not None:
            conn[1].close()

    tasks = [
        asyncio.create_task(connection_loop())
        for _ in range(max(1, min(concurrency, len(requests))))
    ]
    await asyncio.sleep(0)
    began = time.perf_counter()
    start.set()
    await asyncio.gather(*tasks)
    return outcomes, time.perf_counter() - began


def classify(outcome: Outcome | None, s: Submission) -> str:
    if outcome is None:
        return "not_sent"
    if outcome.error:
        return outcome.error
    if outcome.status == 302:
        parts = urlsplit(outcome.location)
        location = parts.path + (f"#{parts.fragment}" if parts.fragment else "")
        if location == s.done_location:
            return "ok"
        return "login" if "/inloggen/" in location else "other_redirect"
    if outcome.status == 403:
        return "forbidden"
    return f"http_{outcome.status}"


def csrf_probe(s: Submission, *, port: int, host: str) -> int:
    """POST the first submission with a wrong CSRF token: the status the server answers."""
    probe = Submission(**{**asdict(s), "csrf_token": "x" * 64})
    outcomes, _ = asyncio.run(
        fire([build_request(probe, host=host)], port=port, concurrency=1, timeout=20, seconds=20)
    )
    return outcomes[0].status


# --- verification ------------------------------------------------------------------------


@dataclass
class Verification:
    sent: int = 0  # submissions sent (a run stopped by its time limit leaves the rest unsent)
    present: int = (
        0  # exactly one new row, as sent, current, with one creation history row by the parent
    )
    lost: int = 0  # answered OK by the server, yet no new row
    failed: int = 0  # no new row after an error answer or no answer (reported, not silently lost)
    doubled: int = 0  # more than one new row for the question
    wrong: int = 0  # one new row, but not the answer sent, not current, or not through the portal
    history_missing: int = (
        0  # the new row has no (or more than one) creation history row by the parent
    )
    previous_still_current: int = 0  # a new row, yet the parent's earlier answer is still current
    stray: int = (
        0  # new rows of these parents on questions nobody submitted (or that were not sent)
    )

    @property
    def clean(self) -> bool:
        return self.present == self.sent and not (
            self.lost
            or self.failed
            or self.doubled
            or self.wrong
            or self.history_missing
            or self.previous_still_current
            or self.stray
        )


def verify(plan: Plan, kinds: list[str] | None = None) -> Verification:
    """Check every submission in the database (a fixed number of queries per thousand parents).

    ``kinds``: per submission what the client saw (``classify``); by default every one was sent
    and answered OK.
    """
    subs = plan.submissions
    kinds = kinds or ["ok"] * len(subs)
    result = Verification(sent=sum(1 for k in kinds if k != "not_sent"))
    history = Toestemming.history.model
    new = defaultdict(list)
    ouder_ids = sorted({s.ouder_id for s in subs})
    fields = (
        "id",
        "ouder_id",
        "leerling_id",
        "doel_id",
        "gegeven",
        "huidig",
        "kanaal",
        "vastgelegd_door_id",
    )
    for chunk in range(0, len(ouder_ids), BATCH):
        rows = Toestemming.objects.filter(
            pk__gt=plan.before_pk, ouder_id__in=ouder_ids[chunk : chunk + BATCH]
        )
        for row in rows.values(*fields):
            new[(row["ouder_id"], row["leerling_id"], row["doel_id"])].append(row)
    creations, creators = Counter(), {}
    new_ids = [row["id"] for rows in new.values() for row in rows]
    for chunk in range(0, len(new_ids), BATCH):
        made = history.objects.filter(id__in=new_ids[chunk : chunk + BATCH], history_type="+")
        for row_id, user_id in made.values_list("id", "history_user_id"):
            creations[row_id] += 1
            creators[row_id] = user_id
    previous_ids = [s.previous_id for s in subs if s.previous_id]
    still_current = set()
    for chunk in range(0, len(previous_ids), BATCH):
        still_current.update(
            Toestemming.objects.filter(
                pk__in=previous_ids[chunk : chunk + BATCH], huidig=True
            ).values_list("pk", flat=True)
        )
    for s, kind in zip(subs, kinds, strict=True):
        if kind == "not_sent":
            continue  # any row for it stays in ``new`` and counts as stray
        rows = new.pop((s.ouder_id, s.leerling_id, s.doel_id), [])
        if not rows:
            if kind == "ok":
                result.lost += 1
            else:
                result.failed += 1
            continue
        if len(rows) > 1:
            result.doubled += 1
            continue
        row = rows[0]
        if s.previous_id in still_current:
            result.previous_still_current += 1
        if not (
            row["gegeven"] == s.gegeven
            and row["huidig"]
            and row["kanaal"] == Kanaal.PORTAAL
            and row["vastgelegd_door_id"] == s.user_id
        ):
            result.wrong += 1
        elif creations[row["id"]] != 1 or creators[row["id"]] != s.user_id:
            result.history_missing += 1
        else:
            result.present += 1
    result.stray = sum(len(rows) for rows in new.values())
    return result


# --- the whole run -----------------------------------------------------------------------


def _percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, int(round(q * (len(sorted_values) - 1))))]


@dataclass
class Report:
    parents: int
    reused_parents: int
    made_parents: int
    gunicorn: dict
    concurrency: int
    sent: int
    ok: int
    outcomes: dict
    seconds: float
    submissions_per_second: float
    latency_ms: dict
    cpu_seconds: dict
    cost: dict
    verification: dict
    clean: bool
    database: str
    started_at: str
    setup_seconds: dict = field(default_factory=dict)


def run_rush(
    *,
    parents: int,
    workers: int | None = None,
    threads: int | None = None,
    concurrency: int = 64,
    seconds: float = 90.0,
    own_families: bool = False,
    log=print,
) -> Report:
    """Prepare, serve, fire, verify; the sessions are deleted and gunicorn stopped whatever happens."""
    default_w, default_t = default_workers()
    workers, threads = workers or default_w, threads or default_t
    database_url()  # PostgreSQL only: fail before making anything
    started_at = timezone.now()
    t0 = time.perf_counter()
    plan = plan_submissions(parents, own_families=own_families)
    t_plan = time.perf_counter() - t0
    log(
        f"parents: {len(plan.submissions)} ({plan.reused} already in the database, {plan.made} made "
        f"in '{LABEL}') in {t_plan:.1f} s"
    )
    try:
        t0 = time.perf_counter()
        open_sessions(plan.submissions, lifetime=int(seconds) + 300)
        t_sessions = time.perf_counter() - t0
        log(f"sessions and CSRF tokens: {t_sessions:.1f} s")
        log_path = ROOT / "var" / "consent-rush-gunicorn.log"
        with Gunicorn(workers=workers, threads=threads, log_path=log_path) as server:
            host, port = request_host(server.port), server.port
            status = csrf_probe(plan.submissions[0], port=server.port, host=host)
            if status != 403 or Toestemming.objects.filter(pk__gt=plan.before_pk).exists():
                raise RuntimeError(
                    f"a POST with a wrong CSRF token was not refused (status {status})"
                )
            requests = [build_request(s, host=host) for s in plan.submissions]
            log(
                f"gunicorn on 127.0.0.1:{server.port}: {workers} workers x {threads} threads; CSRF probe refused "
                f"(403); firing {len(requests)} submissions over {concurrency} connections"
            )
            ticks, cpu_client = _machine_ticks(), time.process_time()
            with CpuSampler(server, connection.settings_dict["NAME"]) as sampler:
                outcomes, wall = asyncio.run(
                    fire(
                        requests,
                        port=server.port,
                        concurrency=concurrency,
                        timeout=30.0,
                        seconds=seconds,
                    )
                )
            cpu = {"client": round(time.process_time() - cpu_client, 2), **sampler.totals()}
            after_ticks = _machine_ticks()
            if ticks and after_ticks and after_ticks[1] > ticks[1]:
                cpu["machine_busy_share"] = round(
                    (after_ticks[0] - ticks[0]) / (after_ticks[1] - ticks[1]), 3
                )
        kinds = [classify(o, s) for o, s in zip(outcomes, plan.submissions, strict=True)]
        verification = verify(plan, kinds)
    finally:
        close_sessions(plan.submissions)
    kinds = Counter(kinds)
    ok = kinds.get("ok", 0)
    cost = {}
    if ok and "gunicorn" in cpu:
        # What one submission costs the machine, whatever else runs on it, and the rate that allows.
        cost["cpu_ms_per_submission"] = round(
            (cpu["gunicorn"] + cpu.get("postgres", 0) + cpu["client"]) * 1000 / ok, 1
        )
        cost["ceiling_per_second_on_all_cores"] = round(
            (os.cpu_count() or 1) * 1000 / cost["cpu_ms_per_submission"]
        )
    latencies = sorted(o.latency for o in outcomes if o is not None and not o.error)
    return Report(
        parents=len(plan.submissions),
        reused_parents=plan.reused,
        made_parents=plan.made,
        gunicorn={
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread" if threads > 1 else "sync",
            "port": port,
        },
        concurrency=concurrency,
        sent=sum(1 for o in outcomes if o is not None),
        ok=ok,
        outcomes=dict(kinds),
        seconds=round(wall, 3),
        submissions_per_second=round(ok / wall, 1) if wall else 0.0,
        latency_ms={
            "p50": round(_percentile(latencies, 0.50) * 1000, 1),
            "p95": round(_percentile(latencies, 0.95) * 1000, 1),
            "p99": round(_percentile(latencies, 0.99) * 1000, 1),
            "max": round((latencies[-1] if latencies else 0) * 1000, 1),
        },
        cpu_seconds=cpu,
        cost=cost,
        verification=asdict(verification),
        clean=verification.clean,
        database=connection.settings_dict["NAME"],
        started_at=started_at.isoformat(timespec="seconds"),
        setup_seconds={"parents": round(t_plan, 1), "sessions": round(t_sessions, 1)},
    )
