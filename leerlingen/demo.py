"""The demo school board: realistic, reproducible, with one log-in per role."""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone, translation

from faker import Faker

from . import registry
from .models import (
    Bestuur,
    DossierItem,
    Gegevenscategorie,
    Geslacht,
    Gezagsrelatie,
    Groep,
    Leerling,
    Onderwijssoort,
    Ouder,
    Relatie,
    Rol,
    School,
)
from .roles import grant_role, sync_role_groups
from .schooljaar import current_schooljaar

DEMO_PASSWORD = "demo-privacyschool"  # noqa: S105 - printed for the demo; never used in production
DEMO_DOMAIN = "demo.privacyschool.test"


@dataclass
class DemoLogin:
    rol: str
    username: str
    description: str


def bsn_from(number: int) -> str:
    """A syntactically valid (eleven-test) nine-digit number, made up: not a real person's."""
    while True:
        digits = f"{number:08d}"[-8:]
        total = sum(int(d) * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2), strict=True))
        last = total % 11
        if last < 10:
            return digits + str(last)
        number += 1


def database_is_empty() -> bool:
    return not (Bestuur.objects.exists() or Leerling.objects.exists() or User.objects.exists())


def demo_is_loaded() -> bool:
    """The database holds the demo board (its log-ins), not somebody's real data."""
    return User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}", is_superuser=True).exists()


def current_logins(today: date | None = None) -> list[DemoLogin]:
    """Every demo log-in with its role, described from the database: the same table after the
    demo was loaded and on every later run (``manage.py demo`` keeps a loaded demo)."""
    from .models import BestuurGrant, GroepGrant, SchoolGrant

    today = today or timezone.localdate()
    users = list(User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").order_by("id"))
    roles: dict[int, list[tuple[str, str]]] = {}
    for model, where in (
        (SchoolGrant, lambda g: g.content_object.naam),
        (BestuurGrant, lambda g: g.content_object.naam),
        (GroepGrant, lambda g: f"{g.content_object.naam} at {g.content_object.school.naam}"),
    ):
        grants = (
            model.objects.filter(user__in=users, permission__codename__startswith="rol_")
            .select_related("permission", "content_object")
            .order_by("id")
        )
        if model is GroepGrant:
            grants = grants.select_related("content_object__school")
        for grant in grants:
            rol = Rol(grant.permission.codename.removeprefix("rol_"))
            roles.setdefault(grant.user_id, []).append((rol.value, where(grant)))
    parents = {
        o.account_id: o
        for o in Ouder.objects.filter(account__in=users).prefetch_related(
            "relaties__leerling__groep", "relaties__leerling__school"
        )
    }
    pupils = {
        p.account_id: p for p in Leerling.objects.filter(account__in=users).select_related("school")
    }
    logins = []
    for user in users:
        if user.is_superuser:
            logins.append(
                DemoLogin("beheer", user.username, "application administrator (superuser)")
            )
        elif user.id in roles:
            rol, where = roles[user.id][0]
            with translation.override("en"):  # the terminal's table is English, like the rest
                label = str(Rol(rol).label).split(" (")[0].lower()
            logins.append(DemoLogin(rol, user.username, f"{label} of {where}"))
        elif user.id in parents:
            logins.append(DemoLogin("ouder", user.username, _parent(parents[user.id], today)))
        elif user.id in pupils:
            pupil = pupils[user.id]
            age = pupil.leeftijd(today)
            about = f"pupil aged {age} at {pupil.school.naam}"
            if age >= 18:
                about += ": decides what the parents see"
            logins.append(DemoLogin("leerling", user.username, about))
    return logins


def _parent(ouder: Ouder, today: date) -> str:
    children = [r.leerling for r in ouder.relaties.all() if r.heeft_gezag]
    if not children:
        return "parent without parental authority"
    adult = [c for c in children if c.leeftijd(today) >= 18]
    if adult:
        return f"parent of a pupil aged {adult[0].leeftijd(today)} at {adult[0].school.naam}, who decides what this parent sees"
    groups = " and ".join(c.groep.naam for c in children if c.groep)
    return f"parent with parental authority of {len(children)} pupil{'s' if len(children) > 1 else ''} in {groups} at {children[0].school.naam}"


def print_logins(out, logins: list[DemoLogin]) -> None:
    """The table of log-ins a newcomer needs, printed by ``demo`` and ``demo_logins``."""
    out.write(f"Demo log-ins (every password: {DEMO_PASSWORD}):\n")
    out.write(f"  {'log-in':<15} {'role':<14} who\n")
    for login in logins:
        out.write(f"  {login.username:<15} {login.rol:<14} {login.description}\n")


class DemoBuilder:
    def __init__(self, *, seed: int = 2026, today: date | None = None):
        self.fake = Faker("nl_NL")
        self.fake.seed_instance(seed)
        self.rng = random.Random(seed)
        self.today = today or timezone.localdate()
        self.schooljaar = current_schooljaar(self.today)
        self.bsn_counter = 10_000_000
        self.pupil_counter = 1000
        self.logins: list[DemoLogin] = []

    # --- helpers -----------------------------------------------------------------------
    def _bsn(self) -> str:
        self.bsn_counter += self.rng.randint(1, 97)
        value = bsn_from(self.bsn_counter)
        self.bsn_counter = int(value[:8]) + 1
        return value

    def _user(self, username: str, *, first: str, last: str, staff: bool) -> User:
        user = User.objects.create_user(
            username=username,
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            email=f"{username}@demo.privacyschool.test",
            is_staff=staff,
        )
        return user

    PREFIXES = (
        "van der",
        "van den",
        "van de",
        "van 't",
        "in 't",
        "van",
        "de",
        "den",
        "der",
        "ter",
        "te",
        "'t",
        "la",
        "le",
    )

    def _surname(self) -> tuple[str, str]:
        """A Dutch surname split into tussenvoegsel and achternaam ('van der', 'Berg')."""
        name = self.fake.last_name()
        lowered = name.lower()
        for prefix in sorted(self.PREFIXES, key=len, reverse=True):
            if lowered.startswith(prefix + " "):
                return name[: len(prefix)].lower(), name[len(prefix) + 1 :]
        return "", name

    def _family(self, bestuur: Bestuur) -> tuple[Ouder, Ouder | None, bool]:
        tussenvoegsel, achternaam = self._surname()
        adres = {
            "straat": self.fake.street_name(),
            "huisnummer": str(self.fake.building_number()),
            "postcode": self.fake.postcode().replace(" ", "")[:6],
            "woonplaats": self.fake.city(),
        }
        first = Ouder.objects.create(
            bestuur=bestuur,
            voornaam=self.fake.first_name_female(),
            tussenvoegsel=tussenvoegsel,
            achternaam=achternaam,
            email=self.fake.unique.email(),
            telefoon=self.fake.phone_number(),
            **adres,
        )
        kind = self.rng.random()
        if kind < 0.55:  # two parents, both with gezag
            second = Ouder.objects.create(
                bestuur=bestuur,
                voornaam=self.fake.first_name_male(),
                tussenvoegsel=tussenvoegsel,
                achternaam=achternaam,
                email=self.fake.unique.email(),
                telefoon=self.fake.phone_number(),
                **adres,
            )
            return first, second, True
        if kind < 0.75:  # a second parent without gezag, living elsewhere
            second = Ouder.objects.create(
                bestuur=bestuur,
                voornaam=self.fake.first_name_male(),
                **dict(zip(("tussenvoegsel", "achternaam"), self._surname(), strict=True)),
                email=self.fake.unique.email(),
                telefoon=self.fake.phone_number(),
                straat=self.fake.street_name(),
                huisnummer=str(self.fake.building_number()),
                postcode=self.fake.postcode().replace(" ", "")[:6],
                woonplaats=self.fake.city(),
            )
            return first, second, False
        return first, None, False

    def _pupil(
        self, school: School, groep: Groep | None, age: int, *, family, left: date | None = None
    ) -> Leerling:
        first, second, second_gezag = family
        geslacht = self.rng.choice([Geslacht.MAN, Geslacht.VROUW])
        roepnaam = (
            self.fake.first_name_male()
            if geslacht == Geslacht.MAN
            else self.fake.first_name_female()
        )
        geboortedatum = self.today - timedelta(days=age * 365 + self.rng.randint(0, 364))
        self.pupil_counter += 1
        leerling = Leerling(
            school=school,
            groep=groep,
            leerlingnummer=str(self.pupil_counter),
            voornamen=f"{roepnaam} {self.fake.first_name()}",
            roepnaam=roepnaam,
            tussenvoegsel=first.tussenvoegsel,
            achternaam=first.achternaam,
            geboortedatum=geboortedatum,
            geslacht=geslacht,
            bsn=self._bsn(),
            nationaliteit="Nederlandse",
            geboorteplaats=self.fake.city(),
            straat=first.straat,
            huisnummer=first.huisnummer,
            postcode=first.postcode,
            woonplaats=first.woonplaats,
            datum_inschrijving=left - timedelta(days=6 * 365)
            if left
            else geboortedatum + timedelta(days=4 * 365 + 30),
            datum_uitschrijving=left,
        )
        leerling.set_bsn_hash()
        leerling.save()
        Gezagsrelatie.objects.create(
            ouder=first, leerling=leerling, relatie=Relatie.MOEDER, heeft_gezag=True
        )
        if second:
            Gezagsrelatie.objects.create(
                ouder=second, leerling=leerling, relatie=Relatie.VADER, heeft_gezag=second_gezag
            )
        self._dossier(leerling)
        return leerling

    def _dossier(self, leerling: Leerling) -> None:
        roll = self.rng.random()
        end = leerling.datum_uitschrijving or self.today
        start = max(leerling.datum_inschrijving, end - timedelta(days=700))
        day = start + timedelta(days=self.rng.randint(0, max(0, (end - start).days)))
        DossierItem.objects.create(
            leerling=leerling,
            datum=day,
            categorie=Gegevenscategorie.STUDIEVOORTGANG,
            titel="Toetsresultaten midden schooljaar",
            inhoud="Rekenen en lezen op niveau.",
            bron="Cito-LOVS",
        )
        if roll < 0.12:
            DossierItem.objects.create(
                leerling=leerling,
                datum=day,
                categorie=Gegevenscategorie.MEDISCH,
                titel="Dyslexieverklaring",
                inhoud="Dyslexie vastgesteld; extra tijd bij toetsen.",
                bron="Orthopedagoog (verklaring)",
            )
        elif roll < 0.18:
            DossierItem.objects.create(
                leerling=leerling,
                datum=day,
                categorie=Gegevenscategorie.MEDISCH,
                titel="Epilepsie: noodprotocol",
                inhoud="Bij een aanval: 112 bellen, ouders waarschuwen.",
                bron="Ouders",
            )
        elif roll < 0.24:
            DossierItem.objects.create(
                leerling=leerling,
                datum=day,
                categorie=Gegevenscategorie.BEGELEIDING,
                titel="Ontwikkelingsperspectief (OPP)",
                inhoud="Uitstroomperspectief en doelen.",
                bron="IB",
            )
        elif roll < 0.27:
            DossierItem.objects.create(
                leerling=leerling,
                datum=day,
                categorie=Gegevenscategorie.RELIGIE,
                titel="Vrije dag Suikerfeest",
                inhoud="Verlof aangevraagd op religieuze grond.",
                bron="Ouders",
            )
        elif roll < 0.29:
            DossierItem.objects.create(
                leerling=leerling,
                datum=day,
                categorie=Gegevenscategorie.BEGELEIDING,
                titel="Melding Veilig Thuis (afweging)",
                inhoud="Afwegingskader meldcode doorlopen.",
                bron="IB",
                zeer_vertrouwelijk=True,
            )
        if roll > 0.9:
            DossierItem.objects.create(
                leerling=leerling,
                datum=day,
                categorie=Gegevenscategorie.FINANCIEEL,
                titel="Ouderbijdrage",
                inhoud="Vrijwillige ouderbijdrage voldaan.",
                bron="Administratie",
            )

    # --- the board --------------------------------------------------------------------
    @transaction.atomic
    def build(self) -> list[DemoLogin]:
        sync_role_groups()
        bestuur = Bestuur.objects.create(
            naam="Stichting Onderwijs Rivierenland",
            kvk_nummer="41234567",
            adres="Dorpsstraat 1, 4001 AA Tiel",
            fg_naam="mr. A. de Vries",
            fg_email="fg@onderwijsrivierenland.nl",
        )
        primair = School.objects.create(
            bestuur=bestuur,
            naam="Basisschool De Regenboog",
            brin="12AB",
            onderwijssoort=Onderwijssoort.PO,
            adres="Schoolstraat 5, 4001 BB Tiel",
            email="info@deregenboog.nl",
            telefoon="0344-123456",
        )
        voortgezet = School.objects.create(
            bestuur=bestuur,
            naam="Rivierenland College",
            brin="34CD",
            onderwijssoort=Onderwijssoort.VO,
            adres="Collegeweg 10, 4002 CC Tiel",
            email="info@rivierenlandcollege.nl",
            telefoon="0344-654321",
        )
        groepen = [
            Groep.objects.create(
                school=primair, schooljaar=self.schooljaar, naam=f"Groep {j}", jaargroep=j
            )
            for j in range(1, 9)
        ]
        klassen = [
            Groep.objects.create(
                school=voortgezet, schooljaar=self.schooljaar, naam=f"Klas {j}", jaargroep=j
            )
            for j in range(1, 7)
        ]
        parent_pupils: list[Leerling] = []
        demo_family: tuple = ()
        for groep in groepen:
            families_left = 24
            while families_left > 0:
                family = self._family(bestuur)
                age = 3 + groep.jaargroep
                first = self._pupil(primair, groep, age, family=family)
                families_left -= 1
                if self.rng.random() < 0.2 and groep.jaargroep > 2:  # a sibling in a younger group
                    younger = groepen[groep.jaargroep - 3]
                    self._pupil(primair, younger, age - 2, family=family)
                if groep.jaargroep == 5 and not parent_pupils and family[1] and family[2]:
                    parent_pupils.append(first)
                    demo_family = family
        for klas in klassen:
            for _ in range(15):
                family = self._family(bestuur)
                self._pupil(voortgezet, klas, 11 + klas.jaargroep, family=family)
        for year in (2018, 2019, 2020):  # pupils who left long ago: the retention clock runs
            for _ in range(3):
                family = self._family(bestuur)
                self._pupil(
                    primair,
                    None,
                    12 + (self.today.year - year),
                    family=family,
                    left=date(year, 7, 15),
                )

        # The demo parent has two children in two groups (consent for both in one go, issue 18).
        if demo_family[0].relaties.count() < 2:
            self._pupil(primair, groepen[2], 3 + groepen[2].jaargroep, family=demo_family)

        from .retention import demo as retention_demo

        retention_demo.load_demo(bestuur)
        self._users(bestuur, primair, voortgezet, groepen, klassen, parent_pupils)
        # Each feature app loads its own part of the demo, through the step it registered.
        for step in registry.demo_steps():
            added = step(bestuur, today=self.today) or []
            self.logins += [login for login in added if isinstance(login, DemoLogin)]
        self._import_waiting(primair)
        # Last, with every app's records in place: the nightly retention sweep puts the pupils
        # who left long ago (and the trajectories that ended) on a list for the director.
        retention_demo.sweep(self.today)
        return self.logins

    def _import_waiting(self, school: School) -> None:
        """The administration uploaded the register's export with two new pupils and has not
        confirmed it yet: "Mijn taken" shows the import waiting (leerlingen/werk.py)."""
        from .imports.services import preview_import, start_import

        header = (
            "Leerlingnummer;Achternaam;Voorvoegsel;Roepnaam;Voornamen;Geslacht;Geboortedatum;"
            "BSN;Groep;Datum inschrijving;Verzorger 1 roepnaam;Verzorger 1 achternaam;"
            "Verzorger 1 relatie tot leerling;Verzorger 1 wettelijk gezag;Verzorger 1 e-mail"
        )
        rows = [header]
        for number in (9001, 9002):
            tussenvoegsel, achternaam = self._surname()
            born = self.today - timedelta(days=4 * 365 + self.rng.randint(0, 200))
            rows.append(
                ";".join(
                    [
                        str(number),
                        achternaam,
                        tussenvoegsel,
                        (roepnaam := self.fake.first_name()),
                        roepnaam,
                        self.rng.choice("MV"),
                        born.strftime("%d-%m-%Y"),
                        self._bsn(),
                        "Groep 1",
                        self.today.strftime("%d-%m-%Y"),
                        self.fake.first_name_female(),
                        achternaam,
                        "Moeder",
                        "Ja",
                        self.fake.unique.email(),
                    ]
                )
            )
        data = ("\r\n".join(rows) + "\r\n").encode("utf-8")
        user = User.objects.get(username="administratie")
        run, table = start_import(
            school=school, user=user, data=data, filename="export-parnassys.csv", bron="parnassys"
        )
        preview_import(run=run, table=table)

    def _users(self, bestuur, primair, voortgezet, groepen, klassen, parent_pupils) -> None:
        def staff(username, first, last, rol, container, description):
            user = self._user(username, first=first, last=last, staff=True)
            grant_role(user=user, rol=rol, container=container)
            self.logins.append(DemoLogin(rol, username, description))
            return user

        staff(
            "directeur", "Marieke", "Jansen", Rol.DIRECTEUR, primair, f"director of {primair.naam}"
        )
        staff(
            "ib",
            "Sanne",
            "de Boer",
            Rol.IB,
            primair,
            f"internal care coordinator of {primair.naam}",
        )
        staff(
            "administratie",
            "Peter",
            "Visser",
            Rol.ADMINISTRATIE,
            primair,
            f"administrative staff of {primair.naam}",
        )
        staff(
            "leerkracht",
            "Youssef",
            "El Amrani",
            Rol.LEERKRACHT,
            groepen[4],
            f"teacher of {groepen[4]} at {primair.naam}",
        )
        staff(
            "fg", "Anna", "de Vries", Rol.FG, bestuur, f"data protection officer of {bestuur.naam}"
        )
        staff("bestuur", "Henk", "Bakker", Rol.BESTUUR, bestuur, f"board staff of {bestuur.naam}")
        staff(
            "directeur-vo",
            "Ruud",
            "Smit",
            Rol.DIRECTEUR,
            voortgezet,
            f"director of {voortgezet.naam}",
        )

        child = parent_pupils[0]
        ouder = child.relaties.filter(heeft_gezag=True).order_by("id").first().ouder
        ouder.account = self._user(
            "ouder", first=ouder.voornaam, last=ouder.achternaam, staff=False
        )
        ouder.save()
        self.logins.append(
            DemoLogin("ouder", "ouder", "parent with parental authority of a pupil in Groep 5")
        )

        sixteen_plus = (
            Leerling.objects.filter(school=voortgezet, groep__jaargroep__gte=5)
            .order_by("geboortedatum")
            .first()
        )
        sixteen_plus.account = self._user(
            "leerling", first=sixteen_plus.roepnaam, last=sixteen_plus.achternaam, staff=False
        )
        sixteen_plus.save()
        self.logins.append(
            DemoLogin(
                "leerling",
                "leerling",
                f"pupil aged {sixteen_plus.leeftijd(self.today)} at {voortgezet.naam}",
            )
        )

        admin = User.objects.create_superuser(
            "beheerder",
            "beheerder@demo.privacyschool.test",
            DEMO_PASSWORD,
            first_name="Applicatie",
            last_name="Beheer",
        )
        del admin
        self.logins.append(
            DemoLogin("beheer", "beheerder", "application administrator (superuser)")
        )
