"""The page benchmark behind ``manage.py bench`` (issue 11, DESIGN.md §9).

Measures, against the database Django is pointed at, the key pages as the users who open them,
through the whole Django stack in-process (``django.test.Client``, HTTPS): each page is warmed
up, its SQL queries are counted on one request, then it is timed ``repeat`` times without the
query capture. In the same run it times a floor, before and after the pages: a minimal view that
reads one pupil row by primary key (``devtools.bench.urls.floor``), opened by a logged-in staff
user, so it carries what every request carries (session, user, middleware).

Users and objects come from the data, never from names: the board with the most pupils, its
biggest school with a director, an IB and a teacher of a current group, the board's FG, a parent
with an account and parental authority over a pupil of that group, an open request, a
destruction list, and a recipient the rules allow the group's data to go to. A page that cannot
be found or does not answer 200 is reported as an error; the others are still measured.

What the pages write, the bench writes too: each export records a disclosure (its purpose is
``BENCH_PURPOSE``) and the audited pages log their reads. Users are logged in with a session made
directly (no log-in signal: no last-login update, no lock-out record); the sessions are deleted at
the end. MFA is switched off in-process only (``MFA_REQUIRED=False``), as the tests do; a verified
session in production adds django-otp's one read of the device.
"""

import re
import statistics
import subprocess
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import connection
from django.db.models import Count, Q
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from leerlingen.rol import Rol

BENCH_URLCONF = "devtools.bench.urls"
BENCH_PURPOSE = "Benchmark (manage.py bench)"
BACKEND = "leerlingen.accounts.AccountBackend"
# Recipients tried for the group export, most ordinary first: the first the rules allow is used.
RECIPIENT_ORDER = ("jgz", "duo", "leerplicht", "basispoort", "uitgever", "onderzoek")
SIZE_TABLES = (
    "leerlingen_leerling",
    "leerlingen_ouder",
    "leerlingen_gezagsrelatie",
    "leerlingen_dossieritem",
    "leerlingen_school",
    "leerlingen_groep",
    "leerlingen_toegangslog",
    "auth_user",
)
STAFF_ROLES = (("leerkracht", "teacher"), ("ib", "IB"), ("directeur", "director"), ("fg", "FG"))


@dataclass
class Page:
    """One key page as one user opens it; ``missing`` says why it cannot be measured here."""

    key: str
    label: str
    role: str
    user: object = None
    path: str = ""
    method: str = "GET"
    data: dict | None = None
    missing: str = ""
    # A step of the real flow before each request, neither counted nor timed: (client) -> fields
    # added to ``data`` (a disclosure's preview: its signed confirmation is good for one request).
    before: Callable | None = None


@dataclass
class Result:
    key: str
    label: str
    role: str
    method: str
    path: str
    status: int | None = None
    queries: int | None = None
    sql_ms: float | None = None  # median time spent in the database driver per timed request
    p50_ms: float | None = None
    p95_ms: float | None = None
    x_floor: float | None = None
    samples: int = 0
    error: str = ""
    times_ms: list[float] = field(default_factory=list, repr=False)
    sql_times_ms: list[float] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        return not self.error

    def summarise(self) -> None:
        self.samples = len(self.times_ms)
        if self.times_ms:
            self.p50_ms = round(statistics.median(self.times_ms), 2)
            self.p95_ms = round(percentile(self.times_ms, 95), 2)
            self.sql_ms = round(statistics.median(self.sql_times_ms), 2)

    def as_dict(self) -> dict:
        out = asdict(self)
        del out["times_ms"], out["sql_times_ms"]
        return out


@dataclass
class Report:
    repeat: int
    warmup: int
    floor: Result
    pages: list[Result]
    subjects: dict = field(default_factory=dict)
    database: dict = field(default_factory=dict)
    git: dict = field(default_factory=dict)
    date: str = ""

    @property
    def failed(self) -> list[Result]:
        return [r for r in [self.floor, *self.pages] if not r.ok]

    def as_dict(self) -> dict:
        return {
            "date": self.date,
            "git": self.git,
            "database": self.database,
            "repeat": self.repeat,
            "warmup": self.warmup,
            "subjects": self.subjects,
            "floor": self.floor.as_dict(),
            "pages": [r.as_dict() for r in self.pages],
        }


def percentile(samples: list[float], q: int) -> float:
    """The q-th percentile, interpolated between the nearest samples."""
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1]


# --- Who and what: picked from the data ---------------------------------------------------


def _grants(grant_model, rol: str, **where):
    """Grants of the role ``rol`` to active users, oldest first."""
    return (
        grant_model.objects.filter(
            permission__codename=Rol(rol).codename, user__is_active=True, **where
        )
        .select_related("user")
        .order_by("id")
    )


def _first_user(grant_model, rol: str, **where):
    grant = _grants(grant_model, rol, **where).first()
    return grant.user if grant else None


def _pick_school(schools: list[int]) -> int:
    """The biggest school with a director, an IB and a teacher of a current group (else the
    biggest school)."""
    from leerlingen.models import GroepGrant, SchoolGrant
    from leerlingen.schooljaar import current_schooljaar

    for school_id in schools[:20]:
        roles = set(
            SchoolGrant.objects.filter(
                content_object_id=school_id, user__is_active=True
            ).values_list("permission__codename", flat=True)
        )
        teacher = _grants(
            GroepGrant,
            Rol.LEERKRACHT,
            content_object__school_id=school_id,
            content_object__schooljaar=current_schooljaar(),
        ).exists()
        if {Rol.DIRECTEUR.codename, Rol.IB.codename} <= roles and teacher:
            return school_id
    return schools[0]


def find_subjects(board: int | None = None) -> dict:
    """The users and objects of the bench, chosen from whatever is in the database.

    ``board`` names the board to measure (to compare the same board at two sizes); by default
    the board with the most pupils."""
    from leerlingen.models import (
        Bestuur,
        BestuurGrant,
        Gezagsrelatie,
        GroepGrant,
        Leerling,
        School,
        SchoolGrant,
    )
    from leerlingen.schooljaar import current_schooljaar

    s: dict = {}
    # One grouped scan; the bench is set up once, this is not measured.
    per_school = dict(Leerling.objects.order_by().values_list("school_id").annotate(n=Count("id")))
    if not per_school:
        return s
    board_of = dict(School.objects.filter(id__in=per_school).values_list("id", "bestuur_id"))
    per_board: dict[int, int] = {}
    for school_id, n in per_school.items():
        per_board[board_of[school_id]] = per_board.get(board_of[school_id], 0) + n
    if board is not None and board not in per_board:
        return s
    board_id = board if board is not None else max(per_board, key=lambda b: (per_board[b], -b))
    schools = sorted(
        (i for i in per_school if board_of[i] == board_id), key=lambda i: (-per_school[i], i)
    )
    school_id = _pick_school(schools)
    s.update(
        bestuur=Bestuur.objects.get(pk=board_id),
        bestuur_pupils=per_board[board_id],
        school=School.objects.get(pk=school_id),
        school_pupils=per_school[school_id],
        directeur=_first_user(SchoolGrant, Rol.DIRECTEUR, content_object_id=school_id),
        ib=_first_user(SchoolGrant, Rol.IB, content_object_id=school_id),
        fg=_first_user(BestuurGrant, Rol.FG, content_object_id=board_id),
    )
    grant = (
        _grants(
            GroepGrant,
            Rol.LEERKRACHT,
            content_object__school_id=school_id,
            content_object__schooljaar=current_schooljaar(),
        )
        .annotate(n=Count("content_object__leerlingen"))
        .order_by("-n", "id")
        .select_related("content_object")
        .first()
    )
    if grant is not None:
        s["leerkracht"], s["groep"] = grant.user, grant.content_object
        s["leerling"] = (
            Leerling.objects.filter(groep=grant.content_object, datum_uitschrijving__isnull=True)
            .annotate(n=Count("dossieritems"))
            .order_by("-n", "id")
            .first()
        )
    relaties = Gezagsrelatie.objects.filter(
        heeft_gezag=True, ouder__account__isnull=False, ouder__account__is_active=True
    ).select_related("ouder__account", "leerling")
    scopes = [Q(leerling__school_id=school_id), Q(leerling__school__bestuur_id=board_id)]
    if "groep" in s:
        scopes.insert(0, Q(leerling__groep=s["groep"]))
    for scope in scopes:
        if relatie := relaties.filter(scope).order_by("id").first():
            s["ouder"], s["kind"] = relatie.ouder.account, relatie.leerling
            break
    _pick_request(s, board_id)
    _pick_destruction_list(s, board_id)
    return s


def _pick_request(s: dict, board_id: int) -> None:
    """An open request (of the board if there is one) and a handler of its school."""
    from leerlingen.models import SchoolGrant
    from verzoeken.access import HANDLER_ROLES
    from verzoeken.models import Status, Verzoek

    open_requests = Verzoek.objects.filter(status__in=Status.open()).order_by("id")
    verzoek = open_requests.filter(school__bestuur_id=board_id).first() or open_requests.first()
    if verzoek is None:
        return
    s["verzoek_school"] = verzoek.school
    labels = {Rol.DIRECTEUR: "director", Rol.IB: "IB", Rol.ADMINISTRATIE: "administration"}
    for rol in HANDLER_ROLES:
        if user := _first_user(SchoolGrant, rol, content_object_id=verzoek.school_id):
            s["verzoek_user"], s["verzoek_role"] = user, labels.get(rol, rol)
            return


def _pick_destruction_list(s: dict, board_id: int) -> None:
    """The longest destruction list (of the board if there is one), as its director or the FG."""
    from leerlingen.models import BestuurGrant, SchoolGrant, Vernietigingslijst

    lists = (
        Vernietigingslijst.objects.annotate(n=Count("items"))
        .order_by("-n", "-id")
        .select_related("school")
    )
    lijst = lists.filter(school__bestuur_id=board_id).first() or lists.first()
    if lijst is None:
        return
    s["lijst"] = lijst
    if user := _first_user(SchoolGrant, Rol.DIRECTEUR, content_object_id=lijst.school_id):
        s["lijst_user"], s["lijst_role"] = user, "director"
    elif user := _first_user(BestuurGrant, Rol.FG, content_object_id=lijst.school.bestuur_id):
        s["lijst_user"], s["lijst_role"] = user, "FG"


def export_form(director, groep) -> tuple[dict | None, object, str]:
    """(POST data of a group export the rules allow, its recipient, why there is none).

    The data are what the form sends by default: the whole group ticked, the recipient's fields
    and format; the recipient is the first of ``RECIPIENT_ORDER`` the rules let the group go to.
    """
    from delen.models import Ontvanger
    from delen.rules import Aanvraag, check_disclosure
    from leerlingen.models import Leerling

    pupils = list(
        Leerling.objects.visible_to(director)
        .filter(groep=groep, datum_uitschrijving__isnull=True)
        .order_by("id")
    )
    if not pupils:
        return None, None, "the group has no enrolled pupils the director may see"
    recipients = Ontvanger.objects.disclosable_by(director).filter(school=groep.school, actief=True)
    by_kind = {o.soort: o for o in recipients.order_by("-id")}
    refused = []
    for soort in RECIPIENT_ORDER:
        if (ontvanger := by_kind.get(soort)) is None:
            continue
        velden = list(ontvanger.velden)
        aanvraag = Aanvraag(
            ontvanger=ontvanger,
            leerlingen=pupils,
            velden=velden,
            formaat=ontvanger.formaat,
            doel=BENCH_PURPOSE,
        )
        today = timezone.localdate()
        if not (weigeringen := check_disclosure(user=director, aanvraag=aanvraag, on_date=today)):
            data = {
                "groep": str(groep.pk),
                "leerlingen": [str(p.pk) for p in pupils],
                "velden": velden,
                "formaat": ontvanger.formaat,
                "doel": BENCH_PURPOSE,
            }
            return data, ontvanger, ""
        refused.append(f"{soort}: {', '.join(sorted({w.regel for w in weigeringen}))}")
    if not refused:
        return None, None, f"no active recipient of kind {'/'.join(RECIPIENT_ORDER)} at the school"
    return None, None, "every recipient refuses the group (" + "; ".join(refused) + ")"


def key_pages(s: dict) -> list[Page]:
    """The key pages of issue 11, each with the user who opens it."""
    leerling, groep, kind, lijst = s.get("leerling"), s.get("groep"), s.get("kind"), s.get("lijst")

    def need(*keys) -> str:
        if "school" not in s:
            return "no pupils in the database"
        absent = [k for k in keys if s.get(k) is None]
        return ("not found: " + ", ".join(absent)) if absent else ""

    def url(name, obj=None):
        return reverse(name, args=[obj.pk]) if obj is not None else ""

    pages = [
        Page(
            "admin_pupil_list",
            "admin pupil list",
            role,
            s.get(key),
            reverse("admin:leerlingen_leerling_changelist"),
            missing=need(key),
        )
        for key, role in STAFF_ROLES
    ]
    pages += [
        Page(
            "admin_pupil_detail",
            "admin pupil detail",
            role,
            s.get(key),
            url("admin:leerlingen_leerling_change", leerling),
            missing=need(key, "leerling"),
        )
        for key, role in STAFF_ROLES
    ]
    teacher = s.get("leerkracht")
    pages += [
        Page(
            "portal_consent",
            "portal consent page",
            "parent",
            s.get("ouder"),
            url("portaal:kind", kind),
            missing=need("ouder"),
        ),
        Page(
            "photo_list",
            "photo list (page)",
            "teacher",
            teacher,
            url("toestemming_staf:groep", groep),
            missing=need("leerkracht"),
        ),
        Page(
            "photo_list_pdf",
            "photo list (PDF)",
            "teacher",
            teacher,
            url("toestemming_staf:fotolijst", groep),
            missing=need("leerkracht"),
        ),
        Page(
            "open_requests",
            "open-requests overview",
            s.get("verzoek_role", "handler"),
            s.get("verzoek_user"),
            reverse("verzoeken:index"),
            missing=need("verzoek_school", "verzoek_user"),
        ),
    ]
    export = Page(
        "disclosure_export",
        "disclosure export (group)",
        "director",
        s.get("directeur"),
        method="POST",
        missing=need("directeur", "groep"),
    )
    if not export.missing:
        export.data, s["ontvanger"], export.missing = export_form(s["directeur"], groep)
        export.path = url("delen:bevestig", s["ontvanger"])
        export.before = _previewed(url("delen:controle", s["ontvanger"]), export.data)
    pages.append(export)
    pages.append(
        Page(
            "destruction_list",
            "destruction list",
            s.get("lijst_role", "director"),
            s.get("lijst_user"),
            url("admin:leerlingen_vernietigingslijst_change", lijst),
            missing=need("lijst", "lijst_user"),
        )
    )
    return pages


def describe_subjects(s: dict) -> dict:
    """Ids (never names) of what the bench used, for the JSON."""
    out = {}
    objects = (
        "bestuur",
        "school",
        "groep",
        "leerling",
        "kind",
        "lijst",
        "verzoek_school",
        "ontvanger",
    )
    for key in objects:
        if s.get(key) is not None:
            out[f"{key}_id"] = s[key].pk
    for key in ("directeur", "ib", "leerkracht", "fg", "ouder", "verzoek_user", "lijst_user"):
        if s.get(key) is not None:
            out[f"{key.removesuffix('_user')}_user_id"] = s[key].pk
    if s.get("ontvanger") is not None:
        out["ontvanger_soort"] = s["ontvanger"].soort
    out.update({k: s[k] for k in ("bestuur_pupils", "school_pupils") if k in s})
    return out


# --- Measuring ---------------------------------------------------------------------------


class Sessions:
    """One logged-in client per user, on a session made directly (like ``force_login``, without
    the log-in signal); ``close`` deletes the sessions again."""

    def __init__(self):
        self.clients: dict[int, Client] = {}
        self.store = import_module(settings.SESSION_ENGINE).SessionStore

    def client(self, user) -> Client:
        if user.pk not in self.clients:
            session = self.store()
            session[SESSION_KEY] = user._meta.pk.value_to_string(user)
            session[BACKEND_SESSION_KEY] = BACKEND
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.save()
            client = Client()
            client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
            self.clients[user.pk] = client
        return self.clients[user.pk]

    def close(self) -> None:
        for client in self.clients.values():
            cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
            if cookie is not None and cookie.value:
                self.store(session_key=cookie.value).delete()
        self.clients.clear()


class SqlTimer:
    """An execute wrapper adding up the time spent in the driver (cheap: no query capture)."""

    def __init__(self):
        self.total = 0.0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.total += time.perf_counter() - start


def _where(exc: BaseException) -> str:
    """The innermost project frame of an exception (file:line); never its message (data)."""
    root = Path(settings.BASE_DIR)
    own = [
        f
        for f in traceback.extract_tb(exc.__traceback__)
        if f.filename.startswith(str(root)) and ".venv" not in f.filename
    ]
    return f" at {Path(own[-1].filename).relative_to(root)}:{own[-1].lineno}" if own else ""


def _previewed(preview_path: str, data: dict | None) -> Callable:
    """The step before a disclosure's confirmation: its preview, for the signed confirmation."""

    def before(client: Client) -> dict:
        page = client.post(preview_path, data or {}, secure=True).content.decode()
        token = re.search(r'name="bevestiging" value="([^"]+)"', page)
        return {"bevestiging": token.group(1) if token else ""}

    return before


def _data(client: Client, page: Page) -> dict:
    """The data of one request, after the page's ``before`` step."""
    return {**(page.data or {}), **(page.before(client) if page.before else {})}


def _request(client: Client, page: Page, data: dict | None = None):
    if page.method == "POST":
        return client.post(page.path, data if data is not None else page.data or {}, secure=True)
    return client.get(page.path, secure=True)


def _refusal(response) -> str:
    if response.status_code == 200:
        return ""
    location = response.get("Location", "").split("?")[0]
    return f"HTTP {response.status_code}" + (f" -> {location}" if location else "")


def measure(page: Page, sessions: Sessions, *, repeat: int, warmup: int) -> Result:
    """Warm up, count the queries of one request, then time ``repeat`` requests."""
    result = Result(page.key, page.label, page.role, page.method, page.path)
    if page.missing:
        result.error = f"missing: {page.missing}"
        return result
    client = sessions.client(page.user)
    try:
        for _ in range(max(warmup - 1, 0)):
            _request(client, page, _data(client, page))
        data = _data(client, page)
        with CaptureQueriesContext(connection) as queries:
            response = _request(client, page, data)
        result.status, result.queries = response.status_code, len(queries)
        result.error = _refusal(response)
        sql = SqlTimer()
        with connection.execute_wrapper(sql):
            for _ in range(repeat if result.ok else 0):
                data = _data(client, page)
                sql.total, start = 0.0, time.perf_counter()
                response = _request(client, page, data)
                result.times_ms.append((time.perf_counter() - start) * 1000)
                result.sql_times_ms.append(sql.total * 1000)
                if error := _refusal(response):
                    result.status, result.error = response.status_code, error
                    break
    except Exception as exc:  # noqa: BLE001 - a failing page is reported, the run goes on
        result.error = f"{type(exc).__name__}{_where(exc)}"
    if result.ok:
        result.summarise()
    return result


# --- Facts about the run -----------------------------------------------------------------


def database_facts() -> dict:
    """The size of the database from the planner's estimates (pg_class.reltuples); no COUNT(*)."""
    facts = {"vendor": connection.vendor, "name": str(connection.settings_dict.get("NAME", ""))}
    if connection.vendor != "postgresql":
        return facts
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.reltuples::bigint, pg_total_relation_size(c.oid) FROM pg_class c "
            "WHERE c.relkind = 'r' AND c.relname = ANY(%s) AND pg_table_is_visible(c.oid)",
            [list(SIZE_TABLES)],
        )
        rows = {name: (tuples, size) for name, tuples, size in cursor.fetchall()}
        cursor.execute(
            "SELECT pg_database_size(current_database()), current_setting('server_version')"
        )
        database_bytes, version = cursor.fetchone()
    # reltuples is -1 for a table that was never analysed: no estimate (run ANALYZE).
    estimates = {name: (n if n >= 0 else None) for name, (n, _size) in rows.items()}
    facts.update(
        server_version=version,
        database_bytes=database_bytes,
        estimated_pupils=estimates.get("leerlingen_leerling"),
        estimated_rows=estimates,
        table_bytes={name: size for name, (_n, size) in rows.items()},
    )
    return facts


def git_facts() -> dict:
    def git(*args) -> str | None:
        try:
            done = subprocess.run(
                ["git", *args], cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=5
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    changes = git("status", "--porcelain", "--untracked-files=no") if commit else None
    return {"commit": commit, "dirty": None if changes is None else bool(changes)}


# --- The run -----------------------------------------------------------------------------


def run(*, repeat: int = 30, warmup: int = 2, progress=None, board: int | None = None) -> Report:
    """Pick the subjects, measure the floor and every key page, and return the report."""
    hosts = [*settings.ALLOWED_HOSTS, "testserver"]
    with override_settings(ROOT_URLCONF=BENCH_URLCONF, MFA_REQUIRED=False, ALLOWED_HOSTS=hosts):
        s = find_subjects(board)
        pages = key_pages(s)
        floor_user = s.get("directeur") or s.get("leerkracht")
        floor_page = Page(
            "floor",
            "floor: one row by pk",
            "director" if s.get("directeur") else "teacher",
            floor_user,
            missing="" if floor_user and s.get("leerling") else "no pupil or staff user",
        )
        if not floor_page.missing:
            floor_page.path = reverse("bench-floor", args=[s["leerling"].pk])
        sessions = Sessions()
        try:
            floor = measure(floor_page, sessions, repeat=repeat, warmup=warmup)
            results = []
            for page in pages:
                if progress:
                    progress(page)
                results.append(measure(page, sessions, repeat=repeat, warmup=warmup))
            # The floor again after the pages: a drift of the machine during the run shows in both.
            again = measure(floor_page, sessions, repeat=repeat, warmup=1)
        finally:
            sessions.close()
    if floor.ok and again.ok:
        floor.times_ms += again.times_ms
        floor.sql_times_ms += again.sql_times_ms
        floor.summarise()
    elif not again.ok:
        floor.error = again.error
    if floor.ok:
        floor.x_floor = 1.0
        for r in results:
            if r.ok and floor.p95_ms:
                r.x_floor = round(r.p95_ms / floor.p95_ms, 1)
    return Report(
        repeat=repeat,
        warmup=warmup,
        floor=floor,
        pages=results,
        subjects=describe_subjects(s),
        database=database_facts(),
        git=git_facts(),
        date=timezone.now().isoformat(timespec="seconds"),
    )


def format_table(report: Report) -> str:
    def num(value, fmt="{:.1f}") -> str:
        return "-" if value is None else fmt.format(value)

    headers = ("page", "role", "p50 ms", "p95 ms", "x floor", "queries", "sql ms", "")
    rows = [
        (
            r.label,
            r.role,
            num(r.p50_ms),
            num(r.p95_ms),
            num(r.x_floor),
            num(r.queries, "{}"),
            num(r.sql_ms),
            f"ERROR {r.error}" if r.error else "",
        )
        for r in [report.floor, *report.pages]
    ]
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(cells) -> str:
        pairs = enumerate(zip(cells, widths, strict=True))
        return "  ".join(c.rjust(w) if 2 <= i <= 6 else c.ljust(w) for i, (c, w) in pairs).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(row) for row in rows)])


def summary(report: Report) -> str:
    db, git, subjects = report.database, report.git, report.subjects
    commit = (git.get("commit") or "unknown")[:12]
    commit += " (uncommitted changes)" if git.get("dirty") else ""
    pupils = db.get("estimated_pupils")
    lines = [
        f"{report.date}, commit {commit}",
        f"database {db.get('name')}: ~{'?' if pupils is None else pupils} pupils (estimate)",
        f"{report.repeat} timed requests per page after {report.warmup} warm-up;"
        " x floor = p95 / floor p95; queries: one counted request;"
        " sql ms: median time in the database driver",
    ]
    if "bestuur_id" in subjects:
        lines.append(
            f"board #{subjects['bestuur_id']} ({subjects['bestuur_pupils']} pupils), "
            f"school #{subjects['school_id']} ({subjects['school_pupils']} pupils)"
        )
    return "\n".join(lines)
