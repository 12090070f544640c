"""Demo data of the breach register and of adult pupils (issue 19): an incident whose 72 hours are
running, an older one decided and closed, and an 18-year-old who let one parent keep access."""

from datetime import date, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from leerlingen.custody import ADULT_AGE
from leerlingen.meerderjarig import services as adult
from leerlingen.models import Bestuur, Gezagsrelatie, Leerling, Ouder, Relatie, School
from leerlingen.rol import Rol
from leerlingen.roles import holders_of

from . import services
from .models import APBesluit, Datalek, Risico


def _adult_pupil(bestuur: Bestuur, today: date, password: str) -> list[tuple[str, str, str]]:
    school = School.objects.filter(bestuur=bestuur, onderwijssoort="vo").order_by("id").first()
    if school is None:
        return []
    klas = school.groepen.order_by("-jaargroep", "id").first()
    born = today.replace(year=today.year - ADULT_AGE) - timedelta(days=40)
    pupil = Leerling.objects.create(
        school=school,
        groep=klas,
        leerlingnummer="18001",
        voornamen="Noor Elisabeth",
        roepnaam="Noor",
        achternaam="Hendriks",
        geboortedatum=born,
        datum_inschrijving=date(today.year - 6, 8, 20),
        email="leerling18@demo.privacyschool.test",
        account=User.objects.create_user(
            "leerling18",
            "leerling18@demo.privacyschool.test",
            password,
            first_name="Noor",
            last_name="Hendriks",
        ),
    )
    mum = Ouder.objects.create(
        bestuur=bestuur,
        voornaam="Els",
        achternaam="Hendriks",
        email="ouder18@demo.privacyschool.test",
        account=User.objects.create_user(
            "ouder18",
            "ouder18@demo.privacyschool.test",
            password,
            first_name="Els",
            last_name="Hendriks",
        ),
    )
    dad = Ouder.objects.create(
        bestuur=bestuur, voornaam="Mark", achternaam="Hendriks", email="mark.h@example.test"
    )
    Gezagsrelatie.objects.create(
        ouder=mum, leerling=pupil, relatie=Relatie.MOEDER, heeft_gezag=True
    )
    Gezagsrelatie.objects.create(ouder=dad, leerling=pupil, relatie=Relatie.VADER, heeft_gezag=True)
    adult.close_parents_view(leerling=pupil, on=born.replace(year=born.year + ADULT_AGE))
    adult.decide(leerling=pupil, ouder=mum, toegestaan=True, machtiging=False, by=pupil.account)
    return [
        ("leerling", "leerling18", f"pupil aged 18 at {school.naam}: decides what the parents see"),
        ("ouder", "ouder18", "parent of that 18-year-old, who may still see her data"),
    ]


def _incidents(bestuur: Bestuur) -> None:
    fg = holders_of(Rol.FG, bestuur).order_by("id").first()
    school = School.objects.filter(bestuur=bestuur).order_by("id").first()
    now = timezone.now()
    running = Datalek(
        bestuur=bestuur,
        school=school,
        titel="E-mail met toetsresultaten aan verkeerde ouders",
        ontstaan_op=now - timedelta(hours=23),
        ontdekt_op=now - timedelta(hours=20),
        omschrijving="Een leerkracht stuurde een overzicht met toetsresultaten van groep 5 naar de ouders van groep 6.",
        vertrouwelijkheid=True,
        categorieen=["studievoortgang", "contact"],
        aantal_personen=3,
        aantal_records=3,
        gevolgen="Ouders van een andere groep zagen de toetsresultaten van drie kinderen.",
        maatregelen_genomen="De ontvangers is gevraagd de e-mail te verwijderen; twee bevestigden dat.",
        maatregelen_gepland="Groepsmails alleen nog via het ouderportaal.",
        risico=Risico.RISICO,
        risico_toelichting="Gegevens over schoolprestaties van kinderen; beperkte kring ontvangers.",
        contactpersoon="de directeur, Marieke Jansen",
    )
    pupils = list(Leerling.objects.filter(school=school, groep__jaargroep=5).order_by("id")[:3])
    services.record(running, by=fg, leerlingen=pupils)
    closed = Datalek(
        bestuur=bestuur,
        school=school,
        titel="Laptop van de administratie gestolen",
        ontstaan_op=now - timedelta(days=40),
        ontdekt_op=now - timedelta(days=40, hours=-2),
        omschrijving="Uit de auto van een medewerker van de administratie is een laptop gestolen.",
        beschikbaarheid=True,
        vertrouwelijkheid=True,
        categorieen=["contact"],
        aantal_personen=0,
        gevolgen="Geen: de schijf was versleuteld en er stonden geen leerlinggegevens lokaal op.",
        maatregelen_genomen="Account geblokkeerd, wachtwoord gewijzigd, aangifte gedaan.",
        risico=Risico.GEEN,
        risico_toelichting="Versleutelde schijf (BitLocker), sleutel niet meegenomen.",
    )
    services.record(closed, by=fg)
    services.decide_ap(
        closed,
        by=fg,
        besluit=APBesluit.NIET_GEMELD,
        niet_reden="Versleutelde schijf: het lek leidt waarschijnlijk niet tot een risico.",
    )
    services.decide_people(
        closed, by=fg, besluit="niet", niet_reden="Geen risico voor de betrokkenen."
    )


@transaction.atomic
def load_demo(bestuur: Bestuur, *, today: date | None = None) -> list:
    from leerlingen.demo import DEMO_PASSWORD, DemoLogin  # here: leerlingen.demo runs this step

    today = today or timezone.localdate()
    _incidents(bestuur)
    return [DemoLogin(*login) for login in _adult_pupil(bestuur, today, DEMO_PASSWORD)]
