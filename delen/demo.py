"""Demo data of the disclosure register: the standard register for every school of the board,
the systems the schools use with their agreements (one ending within 60 days), an adopted
register with a change after it, and a few past disclosures made through the real service.
"""

from datetime import date, datetime, timedelta

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.utils import timezone

from leerlingen.models import DossierItem, Leerling, Onderwijssoort
from leerlingen.models import Gegevenscategorie as Cat

from .models import Soort, SysteemSoort, Verwerker, Verwerkersovereenkomst, Vordering
from .roles import sync_delen_permissions
from .rules import Aanvraag, DisclosureRefused
from .services import adopt_register, create_expiry_warnings, disclose, ensure_default_register

SYSTEMS_PO = [
    # product, company, kind, purpose, data, link to recipient kind, agreement start, end (days from today)
    (
        "ParnasSys",
        "Topicus Onderwijs",
        SysteemSoort.ADMINISTRATIE,
        "Leerlingadministratie en leerlingvolgsysteem",
        [
            Cat.CONTACT,
            Cat.LEERLINGNUMMER,
            Cat.NATIONALITEIT,
            Cat.OUDERS,
            Cat.STUDIEVOORTGANG,
            Cat.BEGELEIDING,
            Cat.BSN,
        ],
        None,
        -900,
        400,
    ),
    (
        "Cito-LOVS",
        "Cito",
        SysteemSoort.LVS,
        "Toetsen en leerlingvolgsysteem",
        [Cat.CONTACT, Cat.LEERLINGNUMMER, Cat.STUDIEVOORTGANG],
        None,
        -700,
        300,
    ),
    (
        "Kleuterplein",
        "Noordhoff",
        SysteemSoort.LVS,
        "Observatie van kleuters",
        [Cat.CONTACT, Cat.STUDIEVOORTGANG],
        None,
        -500,
        200,
    ),
    (
        "Basispoort",
        "Stichting Basispoort",
        SysteemSoort.LEERMIDDELEN,
        "Toegang tot digitaal lesmateriaal",
        [Cat.CONTACT, Cat.LEERLINGNUMMER, Cat.ORGANISATIE],
        Soort.BASISPOORT,
        -800,
        700,
    ),
    (
        "Digitale methodes",
        "Malmberg",
        SysteemSoort.LEERMIDDELEN,
        "Digitaal lesmateriaal, via Basispoort",
        [Cat.CONTACT, Cat.ORGANISATIE, Cat.STUDIEVOORTGANG],
        Soort.UITGEVER,
        -600,
        500,
    ),
    (
        "Parro",
        "Topicus Onderwijs",
        SysteemSoort.COMMUNICATIE,
        "Communicatie met ouders, foto's van activiteiten",
        [Cat.CONTACT, Cat.OUDERS, Cat.BEELD],
        None,
        -1000,
        45,
    ),
    (
        "Tevredenheidsonderzoek",
        "Amplixs",
        SysteemSoort.ONDERZOEK,
        "Tevredenheidsonderzoek onder leerlingen en ouders",
        [Cat.CONTACT, Cat.ORGANISATIE],
        Soort.ONDERZOEK,
        -300,
        365,
    ),
    (
        "Drukwerk schoolgids",
        "Drukkerij Rivierenland",
        SysteemSoort.OVERIG,
        "Drukken van schoolgids en jaarboek",
        [Cat.CONTACT, Cat.BEELD],
        Soort.DRUKKER,
        -400,
        330,
    ),
    (
        "Schoolwebsite",
        "Webhosting Tiel",
        SysteemSoort.COMMUNICATIE,
        "Hosting van de schoolwebsite",
        [Cat.CONTACT, Cat.BEELD],
        Soort.WEBSITE,
        -400,
        330,
    ),
]
# The school's own English for the purposes above (shown when the portal is in English).
DOEL_EN = {
    "Leerlingadministratie en leerlingvolgsysteem": "Pupil administration and pupil tracking",
    "Toetsen en leerlingvolgsysteem": "Tests and pupil tracking",
    "Observatie van kleuters": "Observation of infants",
    "Toegang tot digitaal lesmateriaal": "Access to digital learning material",
    "Digitaal lesmateriaal, via Basispoort": "Digital learning material, through Basispoort",
    "Communicatie met ouders, foto's van activiteiten": "Communication with parents, photos of activities",
    "Tevredenheidsonderzoek onder leerlingen en ouders": "Satisfaction survey among pupils and parents",
    "Drukken van schoolgids en jaarboek": "Printing the school guide and year book",
    "Hosting van de schoolwebsite": "Hosting the school website",
    "Leerlingadministratie": "Pupil administration",
    "Leerlingvolgsysteem en zorgdossier": "Pupil tracking and care file",
    "Lesroosters": "Timetables",
}

SYSTEMS_VO = [
    (
        "Esis",
        "Rovict",
        SysteemSoort.ADMINISTRATIE,
        "Leerlingadministratie",
        [
            Cat.CONTACT,
            Cat.LEERLINGNUMMER,
            Cat.NATIONALITEIT,
            Cat.OUDERS,
            Cat.STUDIEVOORTGANG,
            Cat.BSN,
        ],
        None,
        -900,
        500,
    ),
    (
        "Eduscope",
        "Eduscope",
        SysteemSoort.LVS,
        "Leerlingvolgsysteem en zorgdossier",
        [Cat.CONTACT, Cat.STUDIEVOORTGANG, Cat.BEGELEIDING],
        None,
        -700,
        25,
    ),
    (
        "Basispoort",
        "Stichting Basispoort",
        SysteemSoort.LEERMIDDELEN,
        "Toegang tot digitaal lesmateriaal",
        [Cat.CONTACT, Cat.LEERLINGNUMMER, Cat.ORGANISATIE],
        Soort.BASISPOORT,
        -800,
        700,
    ),
    # Seed 003: a timetable program and a system kept outside the school's own network; seed 004: Amplixs.
    (
        "Zermelo",
        "Zermelo Software",
        SysteemSoort.OVERIG,
        "Lesroosters",
        [Cat.CONTACT, Cat.LEERLINGNUMMER, Cat.ORGANISATIE],
        None,
        -600,
        600,
    ),
    (
        "Tevredenheidsonderzoek",
        "Amplixs",
        SysteemSoort.ONDERZOEK,
        "Tevredenheidsonderzoek onder leerlingen en ouders",
        [Cat.CONTACT, Cat.ORGANISATIE],
        Soort.ONDERZOEK,
        -300,
        365,
    ),
]


def _agreement_pdf(product: str) -> bytes:
    from core.pdf import render_pdf

    pdf, _html = render_pdf("pdf/demo_overeenkomst.html", {"product": product}, language="nl")
    return pdf


def _systems(school, systems, today: date) -> None:
    ontvangers = {o.soort: o for o in school.ontvangers.all()}
    for product, naam, soort, doel, gegevens, link, start, end in systems:
        verwerker = Verwerker.objects.create(
            school=school,
            naam=naam,
            product=product,
            soort=soort,
            doel=doel,
            doel_en=DOEL_EN.get(doel, ""),
            gegevens=[str(g) for g in gegevens],
            dpia_uitgevoerd=product in ("ParnasSys", "Esis", "Parro"),
            dpia_datum=today - timedelta(days=400)
            if product in ("ParnasSys", "Esis", "Parro")
            else None,
        )
        overeenkomst = Verwerkersovereenkomst(
            verwerker=verwerker,
            datum=today + timedelta(days=start),
            einddatum=today + timedelta(days=end),
            model_privacyconvenant=product != "Drukwerk schoolgids",
            convenant_versie="4.0" if product != "Drukwerk schoolgids" else "",
            privacybijsluiter=soort == SysteemSoort.LEERMIDDELEN,
        )
        if product == "Basispoort":
            overeenkomst.document.save(
                f"{product.lower()}.pdf", ContentFile(_agreement_pdf(product)), save=False
            )
        overeenkomst.save()
        if link and link in ontvangers:
            ontvanger = ontvangers[link]
            ontvanger.verwerker = verwerker
            ontvanger.licentie = link == Soort.UITGEVER
            ontvanger.save()


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, 15))


def _disclose(user, ontvanger, leerlingen, velden, day, **extra) -> None:
    aanvraag = Aanvraag(
        ontvanger=ontvanger,
        leerlingen=list(leerlingen),
        velden=list(velden),
        formaat=extra.pop("formaat", ontvanger.formaat),
        **extra,
    )
    try:
        disclose(user=user, aanvraag=aanvraag, on_date=day, tijdstip=_at(day, 10))
    except DisclosureRefused:  # the demo shows only what the rules allow
        pass


def load_demo(bestuur, *, today: date | None = None) -> list:
    today = today or timezone.localdate()
    sync_delen_permissions()  # the role groups were just (re)set to the register's permissions
    scholen = list(bestuur.scholen.order_by("id"))
    for school in scholen:
        ensure_default_register(school)
        _systems(
            school, SYSTEMS_VO if school.onderwijssoort == Onderwijssoort.VO else SYSTEMS_PO, today
        )

    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["directeur", "ib", "administratie", "directeur-vo", "bestuur"]
        )
    }
    primair = next((s for s in scholen if s.onderwijssoort == Onderwijssoort.PO), None)
    voortgezet = next((s for s in scholen if s.onderwijssoort == Onderwijssoort.VO), None)
    if "bestuur" in users:
        for school in scholen:  # adopted three months ago ...
            adopt_register(
                school=school,
                user=users["bestuur"],
                besluit="Bestuursbesluit 2026-07",
                on_date=today - timedelta(days=90),
            )
    if primair is not None and len(users) >= 4:
        o = {x.soort: x for x in primair.ontvangers.all()}
        # ... and narrowed since: shows as a change against the adopted version.
        website = o[Soort.WEBSITE]
        website.velden = ["roepnaam"]
        website.save()
        enrolled = Leerling.objects.filter(school=primair, datum_uitschrijving__isnull=True)
        by_group = lambda j: enrolled.filter(groep__jaargroep=j).order_by("id")  # noqa: E731
        _disclose(
            users["administratie"],
            o[Soort.DUO],
            enrolled,
            o[Soort.DUO].velden,
            today - timedelta(days=30),
            doel="Jaarlijkse registratie in BRON",
        )
        _disclose(
            users["directeur"],
            o[Soort.JGZ],
            by_group(2),
            o[Soort.JGZ].velden,
            today - timedelta(days=20),
            doel="Oproep gezondheidsonderzoek groep 2",
        )
        _disclose(
            users["directeur"],
            o[Soort.BASISPOORT],
            by_group(5),
            o[Soort.BASISPOORT].velden,
            today - timedelta(days=60),
            doel="Licenties digitaal lesmateriaal groep 5",
        )
        care = (
            DossierItem.objects.filter(
                leerling__in=by_group(5), categorie=Cat.BEGELEIDING, zeer_vertrouwelijk=False
            )
            .order_by("id")
            .first()
        )
        if care is not None:
            _disclose(
                users["ib"],
                o[Soort.ZORGTEAM],
                [care.leerling],
                ["jaargroep", "onderwijssoort", "dossier_studievoortgang", "dossier_begeleiding"],
                today - timedelta(days=10),
                doel="Zorgteam-overleg (anoniem)",
                anoniem=True,
            )
        pupil = by_group(6).first()
        if pupil is not None:
            _disclose(
                users["directeur"],
                o[Soort.VEILIG_THUIS],
                [pupil],
                [
                    "roepnaam",
                    "tussenvoegsel",
                    "achternaam",
                    "geboortedatum",
                    "school_naam",
                    "groep_naam",
                    "dossier_studievoortgang",
                ],
                today - timedelta(days=2),
                doel="Melding volgens de meldcode",
                ouders_geinformeerd_op=today - timedelta(days=3),
            )
    if voortgezet is not None and "directeur-vo" in users:
        pupil = (
            Leerling.objects.filter(school=voortgezet, groep__jaargroep=4).order_by("id").first()
        )
        if pupil is not None:
            asked = [
                "roepnaam",
                "tussenvoegsel",
                "achternaam",
                "geboortedatum",
                "straat",
                "huisnummer",
                "postcode",
                "woonplaats",
            ]
            vordering = Vordering.objects.create(
                school=voortgezet,
                leerling=pupil,
                gevraagde_gegevens=asked,
                termijn=today + timedelta(days=2),
                wijze_van_verstrekking="Persoonlijk afhalen door de opsporingsambtenaar",
                titel="Vordering identificerende gegevens, art. 126nc Sv",
                ontvangen_op=today - timedelta(days=6),
                kenmerk_politie="PL0900-2026-123456",
                vastgelegd_door=users["directeur-vo"],
            )
            police = voortgezet.ontvangers.get(soort=Soort.POLITIE)
            _disclose(
                users["directeur-vo"],
                police,
                [pupil],
                asked,
                today - timedelta(days=5),
                doel="Vordering politie",
                vordering=vordering,
            )
            # An incomplete written demand (no legal title) and a phone request: recorded and
            # refused, each with a reply letter in the admin (issue 17).
            Vordering.objects.create(
                school=voortgezet,
                leerling=pupil,
                gevraagde_gegevens=asked,
                termijn=today + timedelta(days=5),
                wijze_van_verstrekking="Per beveiligde e-mail",
                titel="",
                ontvangen_op=today - timedelta(days=1),
                kenmerk_politie="PL0900-2026-654321",
                vastgelegd_door=users["directeur-vo"],
                geweigerd=True,
            )
            Vordering.objects.create(
                school=voortgezet,
                ontvangstwijze="telefonisch",
                geweigerd=True,
                ontvangen_op=today,
                vastgelegd_door=users["directeur-vo"],
            )
    create_expiry_warnings(on_date=today)
    load_statements(scholen)
    return []


def load_statements(scholen) -> None:
    """One generated privacy statement per school, from the register the demo just built."""
    from .privacyverklaring import generate_statement

    for school in scholen:
        generate_statement(school=school, user=None, language="nl")
