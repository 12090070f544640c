"""``generate_scale``: a national-size dataset, written with COPY.

Boards, schools and classes come from ``plan.py``; each school gets the configuration the
product gives a new school (the purposes, this year's and two earlier consent forms, the
disclosure register, the retention terms), staff with their role grants, pupils with their
families, dossier items (special categories and very confidential ones included), consent
decisions over three school years, requests, disclosures, pupils who left in past years (some
of them on an open destruction list) and the history rows all of these would have.

The rules come from where the product keeps them (``DEFAULT_DOELEN``, ``STANDAARD``,
``DEFAULT_TERMS``, the role permissions); this module only decides how much of each there is.
"""

from __future__ import annotations

import multiprocessing
import random
import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db import connection, connections, transaction
from django.utils import timezone, translation

from faker import Faker

from core.crypto import encrypt, keyed_hash
from delen.models import Ontvanger, Verstrekking
from delen.standaard import STANDAARD
from leerlingen.demo import bsn_from
from leerlingen.models import (
    Bestuur,
    BestuurGrant,
    DossierItem,
    Gegevenscategorie,
    Gezagsrelatie,
    Groep,
    GroepGrant,
    Leerling,
    Ouder,
    Relatie,
    Rol,
    School,
    SchoolGrant,
)
from leerlingen.retention.models import (
    Bewaarcategorie,
    Bewaartermijn,
    Vernietigingslijst,
    VernietigingslijstItem,
)
from leerlingen.retention.rules import DEFAULT_TERMS, expiry_date
from leerlingen.roles import ROLE_CONTAINER, group_name, sync_all_role_groups
from leerlingen.schooljaar import current_schooljaar
from toestemming.models import Beslisser, Doel, Formulier, FormulierTekst, Kanaal, Toestemming
from toestemming.services import DEFAULT_DOELEN
from verzoeken.models import IndienerRol, Status, Verzoek, VerzoekInstellingen
from verzoeken.models import Kanaal as VerzoekKanaal
from verzoeken.models import Soort as VerzoekSoort

from .copy import Table, flush_all, indexes_built_after, is_superuser, reserve_ids
from .plan import BoardPlan, SchoolPlan, groups_for, plan_country

CHUNK = 20_000  # pupils per flush
SIBLING_SHARE = 0.2  # pupils whose family already has a child at the school
SECOND_PARENT = 0.8
PORTAL_ACCOUNT = 0.25  # families whose first parent has logged in to the portal
ANSWERED = 0.82  # families that answered a year's consent form
LEAVERS = 0.08  # pupils leaving per year, kept for the retention terms
LEAVER_YEARS = 6  # years of leavers kept (the oldest are past the five-year term)
REQUESTS = 1 / 150  # requests per pupil per year
DOSSIER_ITEMS = (
    # category, title, share of pupils, very confidential share
    (Gegevenscategorie.STUDIEVOORTGANG, "Rapport", 1.0, 0.0),
    (Gegevenscategorie.BEGELEIDING, "Handelingsplan", 0.15, 0.1),
    (Gegevenscategorie.MEDISCH, "Medische bijzonderheid", 0.06, 0.2),
    (Gegevenscategorie.RELIGIE, "Levensbeschouwing", 0.02, 0.0),
)
# Tables loaded with millions of rows: their indexes are built after loading.
BIG_TABLES = [
    User,
    Ouder,
    Leerling,
    Gezagsrelatie,
    DossierItem,
    Toestemming,
    Verstrekking.leerlingen.through,
]


@dataclass
class Counts:
    boards: int = 0
    schools: int = 0
    groups: int = 0
    pupils: int = 0
    leavers: int = 0
    parents: int = 0
    staff: int = 0
    rows: int = 0

    def add(self, other: Counts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(frozen=True)
class Task:
    """One board, with where its share of the country's numbers starts (so any process can make it)."""

    bnr: int
    board: BoardPlan
    first_school: int  # the country-wide number of its first school (BRIN, names)
    first_bsn: int  # the start of its own block of BSN numbers


def plan_tasks(*, pupils: int, schools: int | None, seed: int) -> list[Task]:
    tasks, school_index, bsn = [], 0, 10_000_000
    for bnr, board in enumerate(plan_country(pupils=pupils, schools=schools, seed=seed)):
        tasks.append(Task(bnr, board, school_index, bsn))
        school_index += len(board.schools)
        records = sum(
            s.pupils + max(1, round(s.pupils * LEAVERS)) * LEAVER_YEARS for s in board.schools
        )
        bsn += 2 * records + 100  # bsn_from skips numbers that fail the eleven-test: room to spare
    return tasks


def chunks_of(tasks: list[Task], pupils_per_chunk: int = CHUNK) -> list[list[Task]]:
    """Consecutive boards in groups of at least ``pupils_per_chunk`` pupils: the unit of work of one process."""
    out, current, size = [], [], 0
    for task in tasks:
        current.append(task)
        size += task.board.pupils
        if size >= pupils_per_chunk:
            out.append(current)
            current, size = [], 0
    if current:
        out.append(current)
    return out


_worker: Generator | None = None


def _start_worker(params: dict) -> None:
    global _worker
    _worker = Generator(**params)
    _worker._setup()


def _work(chunk: list[Task]) -> Counts:
    _worker.counts = Counts()
    _worker._tasks(chunk)
    return _worker.counts


class IdPool:
    """Ids for one model, taken from its sequence a block at a time."""

    def __init__(self, model, block: int = 50_000):
        self.model, self.block = model, block
        self.next_id = self.end = 0

    def __call__(self) -> int:
        if self.next_id >= self.end:
            self.next_id = reserve_ids(self.model, self.block)
            self.end = self.next_id + self.block
        value = self.next_id
        self.next_id += 1
        return value


def _brin(n: int) -> str:
    letters = string.ascii_uppercase
    return f"{n // 676 % 100:02d}{letters[n // 26 % 26]}{letters[n % 26]}" + (
        f"{n // 67_600:02d}" if n >= 67_600 else ""
    )


class Generator:
    def __init__(
        self,
        *,
        pupils: int,
        schools: int | None = None,
        seed: int = 1,
        today: date | None = None,
        progress: Callable[[int], None] | None = None,
    ):
        self.pupils, self.schools, self.seed = pupils, schools, seed
        self.today = today or timezone.localdate()
        self.rng = random.Random(seed)
        self.progress = progress or (lambda n: None)
        self.counts = Counts()
        self.now = timezone.now()
        jaar = current_schooljaar(self.today)
        start = int(jaar[:4])
        self.jaren = [jaar, f"{start - 1}-{start}", f"{start - 2}-{start - 1}"]  # this year first
        self.buffered = 0
        self.sealed: dict[str, list[str]] = {}
        self.bsn_counter = 10_000_000
        self.school_index = 0

    # --- set-up ---------------------------------------------------------------------------

    def _setup(self) -> None:
        sync_all_role_groups()
        self.skip_triggers = is_superuser()
        fake = Faker("nl_NL")
        fake.seed_instance(self.seed)
        self.first_names = list({fake.first_name() for _ in range(3000)})
        self.surnames = list({fake.last_name() for _ in range(3000)})
        self.streets = list({fake.street_name() for _ in range(500)})
        self.towns = list({fake.city() for _ in range(300)})
        self.password = make_password(
            None
        )  # unusable: generated staff log in through the benchmark only
        self.role_group = {rol: Group.objects.get(name=group_name(rol)).id for rol in Rol}
        self.role_perm = {
            rol: Permission.objects.get(codename=codename, content_type__app_label="leerlingen").id
            for rol, (_model, codename) in ROLE_CONTAINER.items()
        }
        self.leerling_ct = ContentType.objects.get_for_model(Leerling).id
        today = self.today

        def at(days):
            return timezone.make_aware(datetime.combine(today - timedelta(days=days), time(10)))

        self.at = at
        self.ids = {
            m: IdPool(m)
            for m in (
                Bestuur,
                School,
                Groep,
                Leerling,
                Ouder,
                User,
                Doel,
                Formulier,
                Ontvanger,
                Bewaartermijn,
                Verzoek,
                Verstrekking,
                Vernietigingslijst,
            )
        }
        self.t = {
            "bestuur": Table(Bestuur, ["id", "naam", "fg_naam", "fg_email"]),
            "school": Table(School, ["id", "bestuur", "naam", "brin", "onderwijssoort", "email"]),
            "groep": Table(Groep, ["id", "school", "schooljaar", "naam", "jaargroep"]),
            "user": Table(
                User,
                [
                    "id",
                    "username",
                    "first_name",
                    "last_name",
                    "password",
                    "is_staff",
                    "date_joined",
                ],
            ),
            "user_groups": Table(User.groups.through, ["user", "group"], history=False),
            "bestuurgrant": Table(BestuurGrant, ["user", "permission", "content_object"]),
            "schoolgrant": Table(SchoolGrant, ["user", "permission", "content_object"]),
            "groepgrant": Table(GroepGrant, ["user", "permission", "content_object"]),
            "doel": Table(Doel, ["id", "school", "code", "naam", "omschrijving", "volgorde"]),
            "formulier": Table(
                Formulier, ["id", "school", "schooljaar", "versie", "inleiding", "gepubliceerd_op"]
            ),
            "formuliertekst": Table(FormulierTekst, ["formulier", "doel", "tekst"]),
            "ontvanger": Table(
                Ontvanger,
                [
                    "id",
                    "school",
                    "soort",
                    "naam",
                    "grondslag",
                    "velden",
                    "formaat",
                    "toelichting",
                    "toestemming_doel",
                ],
            ),
            "bewaartermijn": Table(
                Bewaartermijn,
                ["id", "school", "categorie", "gebeurtenis", "jaren", "maanden", "grondslag"],
            ),
            "verzoekinstellingen": Table(VerzoekInstellingen, ["school"]),
            "ouder": Table(
                Ouder,
                [
                    "id",
                    "bestuur",
                    "voorletters",
                    "voornaam",
                    "tussenvoegsel",
                    "achternaam",
                    "email",
                    "telefoon",
                    "straat",
                    "huisnummer",
                    "postcode",
                    "woonplaats",
                    "account",
                ],
            ),
            "leerling": Table(
                Leerling,
                [
                    "id",
                    "school",
                    "groep",
                    "leerlingnummer",
                    "voornamen",
                    "roepnaam",
                    "tussenvoegsel",
                    "achternaam",
                    "geboortedatum",
                    "geslacht",
                    "bsn",
                    "bsn_hash",
                    "nationaliteit",
                    "straat",
                    "huisnummer",
                    "postcode",
                    "woonplaats",
                    "datum_inschrijving",
                    "datum_uitschrijving",
                    "account",
                ],
            ),
            "gezag": Table(Gezagsrelatie, ["ouder", "leerling", "relatie", "heeft_gezag"]),
            "dossier": Table(
                DossierItem,
                ["leerling", "categorie", "titel", "inhoud", "datum", "zeer_vertrouwelijk"],
            ),
            "toestemming": Table(
                Toestemming,
                [
                    "leerling",
                    "doel",
                    "schooljaar",
                    "formulier",
                    "gegeven",
                    "beslisser",
                    "ouder",
                    "kanaal",
                    "vastgelegd_door",
                    "tijdstip",
                ],
            ),
            "verzoek": Table(
                Verzoek,
                [
                    "id",
                    "kenmerk",
                    "school",
                    "leerling",
                    "soort",
                    "status",
                    "indiener_rol",
                    "indiener_ouder",
                    "kanaal",
                    "omschrijving",
                    "ontvangen_op",
                    "vastgelegd_op",
                    "eerste_termijn",
                    "uiterste_datum",
                    "uitkomst",
                    "beantwoord_op",
                ],
            ),
            "verstrekking": Table(
                Verstrekking,
                [
                    "id",
                    "kenmerk",
                    "school",
                    "ontvanger",
                    "ontvanger_naam",
                    "grondslag",
                    "aantal_leerlingen",
                    "velden",
                    "categorieen",
                    "formaat",
                    "doel",
                    "bestandsnaam",
                    "sha256",
                    "grootte",
                    "tijdstip",
                    "opgesteld_door",
                    "goedgekeurd_door",
                ],
            ),
            "verstrekking_leerlingen": Table(
                Verstrekking.leerlingen.through, ["verstrekking", "leerling"], history=False
            ),
            "lijst": Table(
                Vernietigingslijst, ["id", "school", "naam", "status", "peildatum", "aangemaakt_op"]
            ),
            "lijstitem": Table(
                VernietigingslijstItem,
                [
                    "lijst",
                    "content_type",
                    "object_id",
                    "leerling_id_ref",
                    "categorie",
                    "bewaartermijn",
                    "termijn_omschrijving",
                    "vervaldatum",
                ],
            ),
        }
        with translation.override(settings.LANGUAGE_CODE):
            self.doelen = [(code, str(naam), str(oms)) for code, naam, oms in DEFAULT_DOELEN]
            self.ontvangers = [
                (
                    s.soort,
                    str(s.naam),
                    s.grondslag,
                    list(s.velden),
                    s.formaat,
                    str(s.toelichting),
                    s.toestemming_doel or "",
                )
                for s in STANDAARD
            ]
            self.terms = [
                (c, r.gebeurtenis, r.jaren, r.maanden, str(r.grondslag))
                for c, r in DEFAULT_TERMS.items()
            ]

    # --- helpers --------------------------------------------------------------------------

    def _name(self) -> tuple[str, str]:
        rng = self.rng
        surname = rng.choice(self.surnames)
        prefix = ""
        for p in ("van der ", "van den ", "de ", "van ", "ter "):
            if surname.startswith(p):
                prefix, surname = p.strip(), surname[len(p) :]
                break
        return prefix, surname

    def _user(self, username: str, first: str, last: str, *, staff: bool) -> int:
        uid = self.ids[User]()
        self.t["user"].add((uid, username, first, last, self.password, staff, self.now))
        return uid

    def _staff(self, rol: str, container_id: int, label: str) -> int:
        uid = self._user(
            f"{rol}-{label}", self.rng.choice(self.first_names), self._name()[1], staff=True
        )
        self.t["user_groups"].add((uid, self.role_group[rol]))
        table = {Bestuur: "bestuurgrant", School: "schoolgrant", Groep: "groepgrant"}[
            ROLE_CONTAINER[rol][0]
        ]
        self.t[table].add((uid, self.role_perm[rol], container_id))
        self.counts.staff += 1
        return uid

    def _sealed(self, text: str) -> str:
        """Encrypted generated contents. Identical texts share a few ciphertexts: encrypting
        millions of copies of the same sentence one by one would dominate the run."""
        pool = self.sealed.setdefault(text, [])
        if len(pool) < 20:
            pool.append(encrypt(f"{text}: gegenereerde inhoud."))
            return pool[-1]
        return pool[self.rng.randrange(20)]

    def _bsn(self) -> tuple[str, str]:
        self.bsn_counter += 1
        value = bsn_from(self.bsn_counter)
        self.bsn_counter = int(value[:8])
        return encrypt(value), keyed_hash(value)

    # --- the country ----------------------------------------------------------------------

    def run(self, jobs: int = 1) -> Counts:
        """Generate the country; with ``jobs`` > 1, that many processes write at once."""
        self._setup()
        chunks = chunks_of(plan_tasks(pupils=self.pupils, schools=self.schools, seed=self.seed))
        with indexes_built_after(BIG_TABLES):
            if jobs <= 1:
                for chunk in chunks:
                    self._tasks(chunk)
            else:
                params = {
                    "pupils": self.pupils,
                    "schools": self.schools,
                    "seed": self.seed,
                    "today": self.today,
                }
                connections.close_all()  # each process opens its own connection
                with multiprocessing.get_context("fork").Pool(
                    jobs, _start_worker, (params,)
                ) as pool:
                    for counts in pool.imap_unordered(_work, chunks):
                        self.counts.add(counts)
                        self.progress(counts.pupils + counts.leavers)
        with connection.cursor() as cursor:
            # Statistics for the planner, and the visibility map that lets counts read only an index.
            cursor.execute("VACUUM ANALYZE")
        return self.counts

    def _tasks(self, chunk: list[Task]) -> None:
        for task in chunk:
            self._board(task)
        self._flush(final=True)

    def _flush(self, final: bool = False) -> None:
        if not final and self.buffered < CHUNK:
            return
        with (
            transaction.atomic()
        ):  # a chunk is whole or absent; its rows only point at earlier chunks
            self.counts.rows += flush_all(list(self.t.values()), skip_triggers=self.skip_triggers)
        self.progress(self.buffered)
        self.buffered = 0

    def _board(self, task: Task) -> None:
        # Each board draws from its own generator: the same country whatever the number of processes.
        self.rng = random.Random(f"{self.seed}:{task.bnr}")
        self.bsn_counter, self.school_index = task.first_bsn, task.first_school
        self.sealed = {}
        bnr, board = task.bnr, task.board
        bid = self.ids[Bestuur]()
        self.t["bestuur"].add(
            (
                bid,
                f"Stichting {self.rng.choice(self.towns)} {bnr + 1}",
                "FG van het bestuur",
                f"fg@bestuur{bnr + 1}.scale.test",
            )
        )
        self.counts.boards += 1
        self._staff(Rol.FG, bid, f"b{bid}")
        self._staff(Rol.BESTUUR, bid, f"b{bid}")
        for plan in board.schools:
            self._school(bid, plan)
            if self.buffered >= CHUNK:
                self._flush()

    def _school(self, bid: int, plan: SchoolPlan) -> None:
        sid = self.ids[School]()
        n = self.school_index
        self.school_index += 1
        kind = "Basisschool" if plan.onderwijssoort == "po" else "Scholengemeenschap"
        self.t["school"].add(
            (
                sid,
                bid,
                f"{kind} {self.rng.choice(self.towns)} {n + 1}",
                _brin(n),
                plan.onderwijssoort,
                f"info@school{n + 1}.scale.test",
            )
        )
        self.counts.schools += 1
        staff = {
            rol: self._staff(rol, sid, f"s{sid}")
            for rol in (Rol.DIRECTEUR, Rol.IB, Rol.ADMINISTRATIE)
        }
        config = self._config(sid)
        config["staff"] = staff
        for jaargroep, size in groups_for(plan):
            gid = self.ids[Groep]()
            letter = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[self.counts.groups % 26]
            naam = f"{'Groep' if plan.onderwijssoort == 'po' else 'Klas'} {jaargroep}{letter}-{gid}"
            self.t["groep"].add((gid, sid, self.jaren[0], naam, jaargroep))
            self.counts.groups += 1
            self._staff(Rol.LEERKRACHT, gid, f"g{gid}")
            for _ in range(size):
                self._pupil(sid, bid, gid, jaargroep, plan.onderwijssoort, config)
        for _ in range(max(1, round(plan.pupils * LEAVERS)) * LEAVER_YEARS):
            self._pupil(sid, bid, None, 0, plan.onderwijssoort, config, leaver=True)
        self._requests(sid, config)
        self._disclosure(sid, config)
        self._destruction_list(sid, config)

    def _config(self, sid: int) -> dict:
        t = self.t
        doelen = []
        for order, (code, naam, oms) in enumerate(self.doelen, start=1):
            did = self.ids[Doel]()
            t["doel"].add((did, sid, code, naam, oms, order * 10))
            doelen.append((did, code, oms))
        forms = {}
        for age, jaar in enumerate(self.jaren):
            fid = self.ids[Formulier]()
            t["formulier"].add(
                (fid, sid, jaar, 1, "Geef per onderwerp aan of het mag.", self.at(30 + 365 * age))
            )
            for did, _code, oms in doelen:
                t["formuliertekst"].add((fid, did, oms))
            forms[jaar] = fid
        ontvangers = {}
        for soort, naam, grondslag, velden, formaat, toelichting, doel in self.ontvangers:
            oid = self.ids[Ontvanger]()
            t["ontvanger"].add(
                (oid, sid, soort, naam, grondslag, velden, formaat, toelichting, doel)
            )
            ontvangers[soort] = (oid, naam, grondslag, velden)
        terms = {}
        for categorie, gebeurtenis, jaren, maanden, grondslag in self.terms:
            tid = self.ids[Bewaartermijn]()
            t["bewaartermijn"].add((tid, sid, categorie, gebeurtenis, jaren, maanden, grondslag))
            terms[categorie] = (tid, jaren, maanden)
        t["verzoekinstellingen"].add((sid,))
        return {
            "doelen": doelen,
            "forms": forms,
            "ontvangers": ontvangers,
            "terms": terms,
            "pupils": [],
            "leavers": [],
            "families": [],
            "nummer": 0,
        }

    def _family(
        self, bid: int, config: dict
    ) -> tuple[list[tuple[int, int | None, bool]], tuple[str, str]]:
        """Parents of a new pupil, (ouder id, portal account id, gezag), and their surname; siblings share."""
        rng, t = self.rng, self.t
        families = config["families"]
        if families and rng.random() < SIBLING_SHARE:
            return families[rng.randrange(len(families))]
        prefix, surname = self._name()
        family = []
        for i in range(2 if rng.random() < SECOND_PARENT else 1):
            oid = self.ids[Ouder]()
            first = rng.choice(self.first_names)
            account = None
            if i == 0 and rng.random() < PORTAL_ACCOUNT:
                account = self._user(f"ouder-{oid}", first, surname, staff=False)
            t["ouder"].add(
                (
                    oid,
                    bid,
                    first[0] + ".",
                    first,
                    prefix,
                    surname,
                    f"ouder{oid}@mail.scale.test",
                    "",
                    rng.choice(self.streets),
                    str(rng.randint(1, 200)),
                    f"{rng.randint(1000, 9999)} AB",
                    rng.choice(self.towns),
                    account,
                )
            )
            family.append((oid, account, i == 0 or rng.random() < 0.9))
            self.counts.parents += 1
        families.append((family, (prefix, surname)))
        return family, (prefix, surname)

    def _pupil(self, sid, bid, gid, jaargroep, soort, config, *, leaver: bool = False) -> None:
        rng, t, today = self.rng, self.t, self.today
        lid = self.ids[Leerling]()
        family, family_name = self._family(bid, config)
        prefix, surname = (
            self._name() if rng.random() < 0.15 else family_name
        )  # most carry a parent's name
        first = rng.choice(self.first_names)
        if leaver:
            years_ago = rng.randint(1, LEAVER_YEARS)
            left = date(today.year - years_ago, 7, 15)
            born = date(
                left.year - (12 if soort == "po" else 17), rng.randint(1, 12), rng.randint(1, 28)
            )
            enrolled = date(left.year - (8 if soort == "po" else 5), 8, 20)
        else:
            age = (jaargroep + 3) if soort == "po" else (jaargroep + 11)
            born = date(today.year - age - 1, rng.randint(1, 12), rng.randint(1, 28))
            enrolled = date(today.year - (jaargroep if soort == "po" else jaargroep - 1), 8, 20)
            left = None
        config["nummer"] += 1
        bsn, bsn_hash = self._bsn()
        t["leerling"].add(
            (
                lid,
                sid,
                gid,
                str(config["nummer"]),
                first,
                first,
                prefix,
                surname,
                born,
                rng.choice("mv"),
                bsn,
                bsn_hash,
                "Nederlandse",
                rng.choice(self.streets),
                str(rng.randint(1, 200)),
                f"{rng.randint(1000, 9999)} AB",
                rng.choice(self.towns),
                enrolled,
                left,
                None,
            )
        )
        for i, (oid, _account, gezag) in enumerate(family):
            t["gezag"].add((oid, lid, Relatie.MOEDER if i == 0 else Relatie.VADER, gezag))
        for categorie, titel, share, confidential in DOSSIER_ITEMS:
            if rng.random() < share:
                t["dossier"].add(
                    (
                        lid,
                        categorie,
                        titel,
                        self._sealed(titel),
                        today - timedelta(days=rng.randint(1, 700)),
                        rng.random() < confidential,
                    )
                )
        self.buffered += 1
        if leaver:
            self.counts.leavers += 1
            config["leavers"].append((lid, left))
            return
        self.counts.pupils += 1
        config["pupils"].append((lid, family))
        # Consent: the years this pupil was at the school, answered by a parent with gezag.
        years = min(3, jaargroep)
        decider = next(((oid, acc) for oid, acc, g in family if g), None)
        zestien = soort == "vo" and jaargroep >= 5
        for age in range(years):
            if rng.random() > ANSWERED:
                continue
            jaar = self.jaren[age]
            fid = config["forms"][jaar]
            when = self.at(20 + 365 * age + rng.randint(0, 20))
            for did, code, _oms in config["doelen"]:
                yes = rng.random() < (0.5 if code == "social-media" else 0.85)
                if zestien and age == 0:
                    t["toestemming"].add(
                        (
                            lid,
                            did,
                            jaar,
                            fid,
                            yes,
                            Beslisser.LEERLING,
                            None,
                            Kanaal.PAPIER,
                            None,
                            when,
                        )
                    )
                elif decider is not None:
                    kanaal = Kanaal.PORTAAL if decider[1] else Kanaal.PAPIER
                    t["toestemming"].add(
                        (
                            lid,
                            did,
                            jaar,
                            fid,
                            yes,
                            Beslisser.OUDER,
                            decider[0],
                            kanaal,
                            decider[1],
                            when,
                        )
                    )

    def _requests(self, sid: int, config: dict) -> None:
        rng, today = self.rng, self.today
        pupils = config["pupils"]
        for _ in range(round(len(pupils) * REQUESTS) if pupils else 0):
            lid, family = pupils[rng.randrange(len(pupils))]
            days = rng.randint(0, 365)
            received = today - timedelta(days=days)
            open_ = days < 28
            vid = self.ids[Verzoek]()
            status = (
                rng.choice([Status.ONTVANGEN, Status.ID_GECONTROLEERD, Status.TER_BEOORDELING])
                if open_
                else Status.AFGEHANDELD
            )
            self.t["verzoek"].add(
                (
                    vid,
                    f"VZ-{received:%Y}-{vid:07d}",
                    sid,
                    lid,
                    rng.choice(list(VerzoekSoort)),
                    status,
                    IndienerRol.OUDER,
                    family[0][0],
                    rng.choice(list(VerzoekKanaal)),
                    self._sealed("Verzoek"),
                    received,
                    self.at(days),
                    received + timedelta(weeks=4),
                    received + timedelta(weeks=4),
                    "" if open_ else "toegewezen",
                    None if open_ else self.at(max(0, days - 20)),
                )
            )

    def _disclosure(self, sid: int, config: dict) -> None:
        """This year's registration with DUO: every enrolled pupil, one disclosure record."""
        pupils = config["pupils"]
        if not pupils:
            return
        from delen.models import Soort as OntvangerSoort

        oid, naam, grondslag, velden = config["ontvangers"][OntvangerSoort.DUO]
        vid = self.ids[Verstrekking]()
        self.t["verstrekking"].add(
            (
                vid,
                f"VS-{self.today:%Y}-{vid:07d}",
                sid,
                oid,
                naam,
                grondslag,
                len(pupils),
                velden,
                ["contact", "leerlingnummer", "bsn"],
                "csv",
                "Jaarlijkse registratie in BRON",
                f"duo-{vid}.csv",
                "0" * 64,
                1000 + len(pupils),
                self.at(60),
                config["staff"][Rol.ADMINISTRATIE],
                config["staff"][Rol.DIRECTEUR],
            )
        )
        for lid, _family in pupils:
            self.t["verstrekking_leerlingen"].add((vid, lid))

    def _destruction_list(self, sid: int, config: dict) -> None:
        """Leavers past the five-year term, on the school's open destruction list."""
        tid, jaren, maanden = config["terms"][Bewaarcategorie.LEERLINGADMINISTRATIE]
        term = Bewaartermijn(jaren=jaren, maanden=maanden)
        due = [(lid, expiry_date(term, left)) for lid, left in config["leavers"]]
        due = [(lid, exp) for lid, exp in due if exp <= self.today]
        if not due:
            return
        lijst = self.ids[Vernietigingslijst]()
        self.t["lijst"].add(
            (
                lijst,
                sid,
                f"VL-{sid}-{self.today:%Y-%m-%d}",
                Vernietigingslijst.Status.OPEN,
                self.today,
                self.now,
            )
        )
        omschrijving = f"{jaren} jaar na uitschrijving"
        for lid, exp in due:
            self.t["lijstitem"].add(
                (
                    lijst,
                    self.leerling_ct,
                    lid,
                    lid,
                    Bewaarcategorie.LEERLINGADMINISTRATIE,
                    tid,
                    omschrijving,
                    exp,
                )
            )
