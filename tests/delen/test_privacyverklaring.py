"""The privacy statement (issue 10): generated from the school's register, it covers every point of
the seed statement the school is configured like; a changed register changes the next statement and
never a stored one; only the school's director and FG manage it, parents see their own school's."""

import io
import re
from datetime import date, timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

import pytest

from delen.models import Ontvanger, Soort, SysteemSoort
from delen.models_verklaring import Privacyverklaring
from delen.privacyverklaring import generate_statement, statement_on
from delen.services import ensure_default_register
from leerlingen.models import Gegevenscategorie as Cat
from leerlingen.retention.models import Bewaarcategorie, Bewaartermijn
from leerlingen.retention.rules import ensure_default_terms
from tests.leerlingen.factories import BestuurFactory, SchoolFactory
from toestemming.models import Doel
from verzoeken.models import VerzoekInstellingen

from .factories import VerwerkerFactory, VerwerkersovereenkomstFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Stored statements go to a temporary media folder, not the project's var/media."""
    settings.MEDIA_ROOT = tmp_path


def pdf_text(verklaring: Privacyverklaring) -> str:
    from pypdf import PdfReader

    with verklaring.pdf.open("rb") as f:
        reader = PdfReader(io.BytesIO(f.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def norm(text: str) -> str:
    """Without whitespace and hyphens: line breaks and hyphenation in the PDF do not matter."""
    return re.sub(r"[\s\-\u2010\u00ad]+", "", text).lower()


def recipients(school) -> list[str]:
    """The names of the school's active recipients as an English statement gives them: the
    school's English name, or its Dutch one where it gave none."""
    return [o.naam_en or o.naam for o in Ontvanger.objects.filter(school=school, actief=True)]


def assert_covers(text: str, points: list[str]) -> None:
    flat = norm(text)
    missing = [p for p in points if norm(p) not in flat]
    assert not missing, f"statement misses: {missing}"


def configure(
    *,
    naam,
    brin,
    bestuur,
    onderwijssoort="po",
    systems=(),
    recipients=None,
    doelen=(),
    terms=None,
    weken=4,
    fees=None,
    fg=("FG", "fg@example.test"),
):
    """A school like a seed document: its systems, recipients, consent purposes, terms, procedure."""
    b = BestuurFactory(naam=bestuur, fg_naam=fg[0], fg_email=fg[1])
    school = SchoolFactory(
        bestuur=b,
        naam=naam,
        brin=brin,
        onderwijssoort=onderwijssoort,
        email=f"directie@{brin.lower()}.example",
    )
    ensure_default_register(school)
    if recipients is not None:
        for o in Ontvanger.objects.filter(school=school).exclude(soort__in=recipients):
            o.actief = False
            o.save()
    for product, company, soort, doel, gegevens in systems:
        v = VerwerkerFactory(
            school=school, product=product, naam=company, soort=soort, doel=doel, gegevens=gegevens
        )
        VerwerkersovereenkomstFactory(
            verwerker=v,
            datum=date.today() - timedelta(days=100),
            einddatum=None,
            model_privacyconvenant=True,
            convenant_versie="4.0",
        )
    for i, (code, name, text) in enumerate(doelen):
        Doel.objects.create(school=school, code=code, naam=name, omschrijving=text, volgorde=i)
    ensure_default_terms(school=school)
    for categorie, jaren in (terms or {}).items():
        t = Bewaartermijn.objects.get(school=school, categorie=categorie)
        t.jaren = jaren
        t.save()
    VerzoekInstellingen.objects.create(school=school, termijn_weken=weken, **(fees or {}))
    return school


PHOTO = [
    ("website", "Photos on the website", "Photos of activities on the public website."),
    ("nieuwsbrief", "Photos in the newsletter", "Photos in the newsletter."),
]
COMMON = [
    "Autoriteit Persoonsgegevens",
    "court",
    "never later than 4 weeks",
    "identity document",
    "withdraw consent at any time",
    "does not reach material that was already published",
    "first copy",
    "no decisions about your child that are based only on automated processing",
]
BASISPOORT_FIELDS = [
    "Basispoort ID",
    "first name (given name used)",
    "surname",
    "name prefix",
    "date of birth",
    "pupil key (pseudonymous)",
    "group key (pseudonymous)",
    "group name",
    "year group",
    "sex",
    "school id (BRIN)",
]


def test_seed_000_kindcentrum_esis_cito_basispoort():
    school = configure(
        naam="Kindcentrum Aelse",
        brin="10AA",
        bestuur="Kindante",
        systems=[
            (
                "Esis",
                "Rovict",
                SysteemSoort.ADMINISTRATIE,
                "Leerlingadministratie en leerlingvolgsysteem",
                [Cat.CONTACT, Cat.STUDIEVOORTGANG, Cat.MEDISCH],
            ),
            ("CITO", "Cito", SysteemSoort.LVS, "Digitale toetsen", [Cat.STUDIEVOORTGANG]),
            (
                "Basispoort",
                "Stichting Basispoort",
                SysteemSoort.LEERMIDDELEN,
                "Digitaal lesmateriaal",
                [Cat.CONTACT],
            ),
        ],
        recipients=[
            Soort.INSPECTIE,
            Soort.LEERPLICHT,
            Soort.DUO,
            Soort.BESTUUR,
            Soort.BASISPOORT,
            Soort.UITGEVER,
        ],
        doelen=[
            *PHOTO,
            (
                "professionalisering",
                "Video for teacher professional development",
                "Internal use only.",
            ),
        ],
        terms={Bewaarcategorie.PROFESSIONALISERING: 0},
    )
    text = pdf_text(generate_statement(school=school, user=None, language="en"))
    assert_covers(
        text,
        [
            "Kindcentrum Aelse",
            "Kindante",
            "Esis",
            "CITO",
            "School attendance officer",
            "DUO / BRON",
            "Basispoort",
            *BASISPOORT_FIELDS,
            "no learning or test results",
            "Photos on the website",
            "Photos in the newsletter",
            "Video for teacher professional development",
            "immediately after the professional-development trajectory ended",
            "medical data",
            "you may see the data",
            "corrected",
            "erase",
            "your child's teacher or the director",
            "unless the law obliges or allows us",
            "we weigh each time",
            *COMMON,
            *recipients(school),
        ],
    )


def test_the_recordings_sentence_reads_as_dutch():
    """Seeds 000/001 ("Na afloop van zo'n traject worden deze opnames gewist"): the term of the
    recordings reads as a Dutch sentence, not "Verwijderd zodra het einde van ..." (issue 17)."""
    school = configure(
        naam="Kindcentrum Aelse",
        brin="10AA",
        bestuur="Kindante",
        systems=[],
        recipients=[],
        doelen=[],
        terms={Bewaarcategorie.PROFESSIONALISERING: 0},
    )
    text = pdf_text(generate_statement(school=school, user=None, language="nl"))
    assert "direct na het einde van het professionaliseringstraject" in " ".join(text.split())
    assert "zodra het einde" not in text


def test_seed_001_flint_parnassys_parro():
    school = configure(
        naam="Obs de Flint",
        brin="11BB",
        bestuur="Zinder",
        systems=[
            (
                "ParnasSys",
                "Topicus",
                SysteemSoort.ADMINISTRATIE,
                "Administratie en vorderingen",
                [Cat.CONTACT, Cat.STUDIEVOORTGANG, Cat.MEDISCH],
            ),
            (
                "Basispoort",
                "Stichting Basispoort",
                SysteemSoort.LEERMIDDELEN,
                "Digitaal lesmateriaal",
                [Cat.CONTACT],
            ),
            ("Parro", "Topicus", SysteemSoort.COMMUNICATIE, "Communicatie met ouders", [Cat.BEELD]),
        ],
        recipients=[Soort.LEERPLICHT, Soort.DUO, Soort.BESTUUR, Soort.BASISPOORT, Soort.UITGEVER],
        doelen=[*PHOTO, ("schoolapp", "Photos in the school app (Parro)", "Photos in Parro.")],
    )
    text = pdf_text(generate_statement(school=school, user=None, language="en"))
    assert_covers(
        text,
        [
            "Obs de Flint",
            "Zinder",
            "ParnasSys",
            "Parro",
            "limited access for the common administration",
            "DUO / BRON",
            *BASISPOORT_FIELDS,
            "only for material the school holds a licence for",
            "model agreement",
            "privacy annexes",
            "Photos in the school app (Parro)",
            "dyslexia, ADHD",
            *COMMON,
            *recipients(school),
        ],
    )


def test_seed_002_innovo_eduscope_lovs_kleuterplein():
    school = configure(
        naam="Basisschool Sint Jozef",
        brin="12CC",
        bestuur="INNOVO",
        systems=[
            (
                "Eduscope",
                "Eduscope",
                SysteemSoort.ADMINISTRATIE,
                "Administratie, zorg en leerresultaten",
                [Cat.CONTACT, Cat.BEGELEIDING, Cat.STUDIEVOORTGANG],
            ),
            ("Cito-LOVS", "Cito", SysteemSoort.LVS, "Leerlingvolgsysteem", [Cat.STUDIEVOORTGANG]),
            (
                "Kleuterplein",
                "Noordhoff",
                SysteemSoort.LVS,
                "Observatie van kleuters",
                [Cat.STUDIEVOORTGANG],
            ),
            (
                "Basispoort",
                "Stichting Basispoort",
                SysteemSoort.LEERMIDDELEN,
                "Digitaal lesmateriaal",
                [Cat.CONTACT],
            ),
        ],
        recipients=[
            Soort.LEERPLICHT,
            Soort.DUO,
            Soort.VEILIG_THUIS,
            Soort.POLITIE,
            Soort.BASISPOORT,
        ],
        doelen=[
            (
                "website-besloten",
                "Photos in the closed part of the website",
                "Only for parents and staff.",
            )
        ],
    )
    text = pdf_text(generate_statement(school=school, user=None, language="en"))
    assert_covers(
        text,
        [
            "Eduscope",
            "Cito-LOVS",
            "Kleuterplein",
            "only the administrative module, never care data",
            "Internal care coordinator (IB)",
            "the director agrees with you who else may see them",
            "no learning or test results",
            "processor agreement",
            "Veilig Thuis",
            "written demand",
            "Photos in the closed part of the website",
            "every school year",
            "First talk to the director of Basisschool Sint Jozef",
            "turn to the board, INNOVO",
            *COMMON,
            *recipients(school),
        ],
    )


def test_seed_003_secondary_procedure_fees_terms_categories():
    school = configure(
        naam="Scholengemeenschap Noord",
        brin="13DD",
        bestuur="Stichting VO Noord",
        onderwijssoort="vo",
        systems=[
            (
                "Magister",
                "Iddink",
                SysteemSoort.ADMINISTRATIE,
                "Leerlingadministratie en leerlingvolgsysteem",
                [
                    Cat.CONTACT,
                    Cat.LEERLINGNUMMER,
                    Cat.NATIONALITEIT,
                    Cat.OUDERS,
                    Cat.MEDISCH,
                    Cat.RELIGIE,
                    Cat.STUDIEVOORTGANG,
                    Cat.FINANCIEEL,
                    Cat.BSN,
                    Cat.ECK_ID,
                ],
            ),
            ("Zermelo", "Zermelo Software", SysteemSoort.OVERIG, "Lesroosters", [Cat.ORGANISATIE]),
        ],
        recipients=[
            Soort.DUO,
            Soort.LEERPLICHT,
            Soort.INSPECTIE,
            Soort.JGZ,
            Soort.SWV,
            Soort.ACCOUNTANT,
        ],
        doelen=PHOTO,
        fg=("mr. J. Jansen", "fg@vonoord.example"),
    )
    text = pdf_text(generate_statement(school=school, user=None, language="en"))
    assert_covers(
        text,
        [
            "also means a pupil aged 16 or older",
            "Magister",
            "Zermelo",
            "mr. J. Jansen",
            "fg@vonoord.example",
            "DUO / BRON",
            "DUO's absence desk",
            "The Inspectorate supervises",
            "never the PGN or BSN",
            "never sell or rent",
            "encrypted",
            "Exam and study-progress data",
            "2 years after the education agreement ended",
            "Pupil administration",
            "5 years after the pupil left the school",
            "in writing to the school's director",
            "make an appointment",
            "legal identity document",
            "A staff member is present",
            "0.23 per page",
            "maximum of € 4.50",
            "more than 100 pages",
            "€ 22.50",
            "corrected at the organisations we shared them with",
            "whether the law obliges us to keep them",
            "hand over the data",
            "epilepsy",
            "Nationality and place of birth",
            "BSN / PGN",
            "ECK iD",
            "Religion",
            "Finance",
            "special categories",
            "From 16, the pupil decides",
            *COMMON,
            *recipients(school),
        ],
    )


def test_seed_004_special_education_all_recipients():
    school = configure(
        naam="SO De Sterrenschool",
        brin="14EE",
        bestuur="Aloysius Stichting",
        onderwijssoort="so",
        systems=[
            (
                "Esis",
                "Rovict",
                SysteemSoort.ADMINISTRATIE,
                "Basisgegevens van leerlingen",
                [Cat.CONTACT, Cat.BSN, Cat.BEGELEIDING],
            ),
            ("MLS", "MLS", SysteemSoort.LVS, "Leerlingvolgsysteem", [Cat.STUDIEVOORTGANG]),
            (
                "Basispoort",
                "Stichting Basispoort",
                SysteemSoort.LEERMIDDELEN,
                "Digitaal lesmateriaal",
                [Cat.CONTACT],
            ),
            ("Amplixs", "Amplixs", SysteemSoort.ONDERZOEK, "Tevredenheidsonderzoek", [Cat.CONTACT]),
        ],
        doelen=[
            ("social-media", "Photos and video on social media", "Public accounts."),
            ("schoolgids", "Photos in the school guide and year book", "Printed guide."),
        ],
    )
    text = pdf_text(generate_statement(school=school, user=None, language="en"))
    assert_covers(
        text,
        [
            "Esis",
            "MLS",
            "Amplixs",
            "anonymously where possible",
            "source of every piece of information",
            "Veilig Thuis",
            "unless that would endanger the safety",
            "DUO keeps the basic register of education (BRON)",
            "including the PGN",
            "article 126nc",
            "only identifying data",
            "16 hours in 4 consecutive school weeks",
            "reported to the municipality",
            "never the PGN or BSN",
            "frequent sick leave, only with your consent",
            "nor on groups that are too small",
            "Only with your consent",
            "Photos and video on social media",
            "Photos in the school guide and year book",
            *BASISPOORT_FIELDS,
            "may not pass them on to anyone",
            *COMMON,
            *recipients(school),
        ],
    )


def test_dutch_by_default_with_dutch_characters_and_footer():
    school = configure(
        naam="Basisschool De Reünie",
        brin="15FF",
        bestuur="Stichting Café",
        doelen=[
            ("website", "Foto's op de website (één per activiteit)", "Foto's van activiteiten.")
        ],
    )
    verklaring = generate_statement(school=school, user=None)
    assert verklaring.taal == "nl" and verklaring.versie == 1 and verklaring.paginas >= 4
    text = pdf_text(verklaring)
    assert (
        "Basisschool De Reünie" in text
        and "Stichting Café" in text
        and "één" in text
        and "€" in text
    )
    assert "0,23" in text  # amounts in Dutch notation
    assert (
        "versie 1" in text.lower() or "version 1" in text.lower()
    )  # the footer carries the version


def test_changing_the_register_changes_the_next_statement_only():
    school = configure(
        naam="School Wijzig", brin="16GG", bestuur="Stichting W", recipients=[Soort.DUO]
    )
    first = generate_statement(school=school, user=None, language="en")
    first_pdf = first.pdf.open("rb").read()
    Ontvanger.objects.create(
        school=school,
        naam="Schoolfotograaf Klik",
        grondslag="toestemming",
        velden=["roepnaam", "groep_naam"],
        toestemming_doel="website",
    )
    term = Bewaartermijn.objects.get(school=school, categorie=Bewaarcategorie.LEERLINGADMINISTRATIE)
    term.jaren = 7
    term.save()
    second = generate_statement(school=school, user=None, language="en")

    assert second.versie == first.versie + 1
    new_text, old_text = pdf_text(second), pdf_text(Privacyverklaring.objects.get(pk=first.pk))
    assert "Schoolfotograaf Klik" in new_text and "7 years after the pupil left" in new_text
    assert "Schoolfotograaf Klik" not in old_text and "5 years after the pupil left" in old_text
    first.refresh_from_db()
    assert first.pdf.open("rb").read() == first_pdf
    assert "Schoolfotograaf Klik" not in first.html
    assert all(o["naam"] != "Schoolfotograaf Klik" for o in first.inhoud["ontvangers_toestemming"])


def test_statement_that_applied_on_a_day():
    school = configure(naam="School Datum", brin="17HH", bestuur="Stichting D")
    now = timezone.now()
    old = generate_statement(school=school, user=None, language="nl", now=now - timedelta(days=30))
    new = generate_statement(school=school, user=None, language="nl", now=now)
    assert statement_on(school=school, day=(now - timedelta(days=10)).date()) == old
    assert statement_on(school=school) == new
    assert statement_on(school=school, day=(now - timedelta(days=40)).date()) is None


def test_fees_and_deadline_as_set():
    school = configure(
        naam="School Kosten",
        brin="18JJ",
        bestuur="Stichting K",
        weken=3,
        fees={"prijs_per_pagina": Decimal("0.10"), "maximum": Decimal("3.00")},
    )
    text = pdf_text(generate_statement(school=school, user=None, language="en"))
    assert_covers(
        text, ["never later than 3 weeks", "€ 0.10 per page", "maximum of € 3.00", "first copy"]
    )


def test_command_writes_the_pdf(tmp_path):
    from django.core.management import call_command

    configure(naam="School Opdracht", brin="19KK", bestuur="Stichting O")
    out = tmp_path / "verklaring.pdf"
    call_command("privacy_statement", "--school", "19KK", "-o", str(out), "--language", "en")
    assert out.read_bytes().startswith(b"%PDF")
    assert Privacyverklaring.objects.filter(school__brin="19KK", taal="en").count() == 1


# --- Access ------------------------------------------------------------------------------------


def _statement(world, key="a1"):
    ensure_default_register(world.schools[key])
    return generate_statement(school=world.schools[key], user=None, language="nl")


def test_director_and_fg_manage_the_statement(client, world):
    first = _statement(world)
    school = world.schools["a1"]
    for name in ("directeur", "fg"):
        client.force_login(world.users[name])
        index = client.get(reverse("privacyverklaring:index"))
        assert index.status_code in (200, 302)
        page = client.get(reverse("privacyverklaring:school", args=[school.pk]))
        assert page.status_code == 200
        assert reverse("privacyverklaring:pdf", args=[first.pk]) in page.content.decode()
        assert "Basispoort" in page.content.decode()  # the current statement is shown on the page
    client.force_login(world.users["directeur"])
    response = client.post(reverse("privacyverklaring:genereren", args=[school.pk]), {"taal": "en"})
    assert response.status_code == 302  # stored; its PDF is made by the outbox job (issue 21)
    assert Privacyverklaring.objects.filter(school=school).count() == 2
    new = Privacyverklaring.objects.filter(school=school).latest("versie")
    assert not new.pdf_ready
    assert client.get(reverse("privacyverklaring:pdf", args=[new.pk])).status_code == 503
    assert run_statement_jobs() == ["done"]
    response = client.get(reverse("privacyverklaring:pdf", args=[new.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("name", ["leerkracht", "administratie", "buitenstaander", "ouder_gezag"])
def test_others_get_404_on_the_staff_pages(client, world, name):
    verklaring = _statement(world)
    school = world.schools["a1"]
    client.force_login(world.users[name])
    assert client.get(reverse("privacyverklaring:index")).status_code == 404
    assert client.get(reverse("privacyverklaring:school", args=[school.pk])).status_code == 404
    assert client.post(reverse("privacyverklaring:genereren", args=[school.pk])).status_code == 404
    assert client.get(reverse("privacyverklaring:versie", args=[verklaring.pk])).status_code == 404


def test_director_of_another_school_gets_404(client, world):
    other = _statement(world, "b1")
    client.force_login(world.users["directeur"])
    assert (
        client.get(reverse("privacyverklaring:school", args=[world.schools["b1"].pk])).status_code
        == 404
    )
    assert client.get(reverse("privacyverklaring:pdf", args=[other.pk])).status_code == 404


def test_parent_sees_own_schools_statement_only(client, world):
    own, other = _statement(world, "a1"), _statement(world, "b1")
    client.force_login(world.users["ouder_gezag"])
    page = client.get(reverse("privacyverklaring_portaal:kind", args=[world.pupils["g5"].pk]))
    assert page.status_code == 200
    assert "School A1" in page.content.decode() and "Basispoort" in page.content.decode()
    pdf = client.get(
        reverse("privacyverklaring_portaal:kind", args=[world.pupils["g5"].pk]) + "?formaat=pdf"
    )
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert client.get(reverse("privacyverklaring:pdf", args=[own.pk])).status_code == 200
    assert client.get(reverse("privacyverklaring:pdf", args=[other.pk])).status_code == 404
    assert (
        client.get(
            reverse("privacyverklaring_portaal:kind", args=[world.pupils["b1"].pk])
        ).status_code
        == 404
    )


def test_portal_generates_a_statement_when_none_exists(client, world):
    ensure_default_register(world.schools["a1"])
    client.force_login(world.users["ouder_gezag"])
    assert not Privacyverklaring.objects.filter(school=world.schools["a1"]).exists()
    assert (
        client.get(
            reverse("privacyverklaring_portaal:kind", args=[world.pupils["g5"].pk])
        ).status_code
        == 200
    )
    assert Privacyverklaring.objects.filter(school=world.schools["a1"]).count() == 1
    client.get(reverse("privacyverklaring_portaal:kind", args=[world.pupils["g5"].pk]))
    assert (
        Privacyverklaring.objects.filter(school=world.schools["a1"]).count() == 1
    )  # reused, not regenerated


def test_portal_shows_the_statement_of_a_day(client, world):
    school = world.schools["a1"]
    now = timezone.now()
    generate_statement(school=school, user=None, language="en", now=now - timedelta(days=30))
    generate_statement(school=school, user=None, language="en", now=now)
    client.force_login(world.users["ouder_gezag"])
    day = (now - timedelta(days=10)).date().isoformat()
    page = client.get(
        reverse("privacyverklaring_portaal:kind", args=[world.pupils["g5"].pk]) + f"?datum={day}"
    )
    assert "versie 1" in page.content.decode()


def test_new_version_of_an_unchanged_register_stores_no_identical_copy(client, world):
    """'New version' when nothing in the register changed says "unchanged" and keeps the current
    version, instead of storing an identical copy; a change, or the other language, makes one."""
    school = world.schools["a1"]
    first = _statement(world)
    client.force_login(world.users["directeur"])
    client.cookies["django_language"] = "en"  # the message's Dutch comes with the catalogue
    url = reverse("privacyverklaring:genereren", args=[school.pk])

    response = client.post(url, {"taal": "nl"}, follow=True)
    assert Privacyverklaring.objects.filter(school=school).count() == 1
    assert response.redirect_chain[-1][0] == reverse("privacyverklaring:school", args=[school.pk])
    assert "The statement is unchanged" in response.content.decode()

    Ontvanger.objects.create(
        school=school, naam="Schoolfotograaf Klik", grondslag="toestemming", velden=["roepnaam"]
    )
    response = client.post(url, {"taal": "nl"}, follow=True)
    assert f"Version {first.versie + 1} is stored" in response.content.decode()
    assert (
        Privacyverklaring.objects.filter(school=school).latest("versie").versie == first.versie + 1
    )
    client.post(url, {"taal": "en"})
    assert Privacyverklaring.objects.filter(school=school).count() == 3


def test_the_schools_own_texts_in_the_statements_language():
    """In English the statement gives the school's English for its purposes, recipients and
    systems; a text without English stays Dutch, marked lang="nl" (in the HTML and so in the PDF's
    tags); the Dutch statement gives the Dutch, unmarked."""
    school = configure(
        naam="School Taal",
        brin="19KK",
        bestuur="Stichting T",
        recipients=[Soort.DUO],
        systems=[("Parro", "Topicus", SysteemSoort.COMMUNICATIE, "Oudercommunicatie", [])],
        doelen=[("website", "Foto's op de website", "Foto's van activiteiten op de website.")],
    )
    Doel.objects.filter(school=school).update(naam_en="Photos on the website", omschrijving_en="")
    Ontvanger.objects.create(
        school=school,
        naam="Schoolfotograaf Klik",
        toelichting="Maakt de schoolfoto's.",
        grondslag="toestemming",
        velden=["roepnaam"],
        toestemming_doel="website",
    )
    english = generate_statement(school=school, user=None, language="en").html
    assert "<td>Photos on the website</td>" in english
    assert '<span lang="nl">Foto&#x27;s van activiteiten op de website.</span>' in english
    assert '<h4><span lang="nl">Schoolfotograaf Klik</span></h4>' in english
    assert '<span lang="nl">Maakt de schoolfoto&#x27;s.</span>' in english
    assert "consent for “Photos on the website” applies" in english
    assert '<span lang="nl">Oudercommunicatie</span>' in english
    assert '<span lang="nl">DUO' not in english  # the standard recipients carry their English

    dutch = generate_statement(school=school, user=None, language="nl").html
    assert (
        "<td>Foto&#x27;s op de website</td>" in dutch and "<h4>Schoolfotograaf Klik</h4>" in dutch
    )
    assert '<span lang="nl">' not in dutch


def run_statement_jobs() -> list[str]:
    """Run the pending statement-PDF jobs in-process, as the worker would."""
    from core import outbox
    from core.models import Opdracht
    from delen.tasks import STATEMENT_PDF

    jobs = Opdracht.objects.filter(soort=STATEMENT_PDF, status=Opdracht.Status.WACHT)
    return [outbox.run(pk) for pk in list(jobs.order_by("pk").values_list("pk", flat=True))]


def test_a_new_version_is_stored_in_the_post_and_its_pdf_made_by_the_job(
    client, world, monkeypatch
):
    """Issue 21: the "new version" POST renders no PDF; the list says it is being prepared until
    the outbox job made it; running the job twice makes one file."""
    from core import pdf as core_pdf

    renders = []
    real = core_pdf.render_pdf
    monkeypatch.setattr(
        core_pdf, "render_pdf", lambda *a, **k: renders.append(a[0]) or real(*a, **k)
    )
    school = world.schools["a1"]
    client.force_login(world.users["directeur"])
    client.cookies["django_language"] = "en"
    url = reverse("privacyverklaring:genereren", args=[school.pk])
    response = client.post(url, {"taal": "nl"}, follow=True)
    assert renders == []
    verklaring = Privacyverklaring.objects.get(school=school)
    assert not verklaring.pdf_ready and verklaring.html  # the text is stored, the file is not
    page = response.content.decode()
    assert "The PDF is being prepared" in page
    assert reverse("privacyverklaring:pdf", args=[verklaring.pk]) not in page

    assert run_statement_jobs() == ["done"]
    assert renders == ["pdf/privacyverklaring.html"]
    from delen.privacyverklaring import make_statement_pdf

    assert make_statement_pdf(verklaring.pk) is False  # a second run makes nothing
    assert renders == ["pdf/privacyverklaring.html"]
    verklaring.refresh_from_db()
    assert verklaring.pdf_ready and verklaring.paginas >= 1
    page = client.get(reverse("privacyverklaring:school", args=[school.pk])).content.decode()
    assert "The PDF is being prepared" not in page
    assert reverse("privacyverklaring:pdf", args=[verklaring.pk]) in page


def test_a_parents_first_visit_renders_no_pdf(client, world, monkeypatch):
    """Issue 21: a parent opening the statement of a school that has none yet waits for no
    WeasyPrint render. The version (its text) is stored at once and shown; its PDF is made by
    the outbox job, and until then the page says so and the download answers 503."""
    from core import pdf as core_pdf

    renders = []
    real = core_pdf.render_pdf
    monkeypatch.setattr(
        core_pdf, "render_pdf", lambda *a, **k: renders.append(a[0]) or real(*a, **k)
    )
    ensure_default_register(world.schools["a1"])
    client.force_login(world.users["ouder_gezag"])
    client.cookies["django_language"] = "en"
    url = reverse("privacyverklaring_portaal:kind", args=[world.pupils["g5"].pk])
    page = client.get(url)
    assert page.status_code == 200 and renders == []
    text = page.content.decode()
    assert "Basispoort" in text  # the statement's text, from the stored version
    assert "The PDF is being prepared" in text and "?formaat=pdf" not in text
    pending = client.get(url + "?formaat=pdf")
    assert pending.status_code == 503 and pending["Retry-After"]

    assert run_statement_jobs() == ["done"]
    assert renders == ["pdf/privacyverklaring.html"]
    page = client.get(url).content.decode()
    assert "The PDF is being prepared" not in page and "?formaat=pdf" in page
    download = client.get(url + "?formaat=pdf")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_a_statement_pdf_that_cannot_be_made_is_said_not_awaited(client, world, monkeypatch):
    """A PDF job that failed for good (``outbox.MAX_ATTEMPTS``): the director's list and version
    page say it could not be made, the parent reads the text and is not told to reload."""
    from django.utils import timezone as tz

    from core import outbox
    from core.models import Opdracht
    from delen import privacyverklaring

    def broken(verklaring):
        raise RuntimeError("no fonts")

    monkeypatch.setattr(privacyverklaring, "_attach_pdf", broken)
    school = world.schools["a1"]
    ensure_default_register(school)
    client.force_login(world.users["directeur"])
    client.cookies["django_language"] = "en"
    client.post(reverse("privacyverklaring:genereren", args=[school.pk]), {"taal": "en"})
    verklaring = Privacyverklaring.objects.get(school=school)
    job = Opdracht.objects.get(argumenten__verklaring_id=verklaring.pk)
    for _n in range(outbox.MAX_ATTEMPTS):
        Opdracht.objects.filter(pk=job.pk).update(niet_voor=tz.now())
        assert outbox.run(job.pk) == "failed"
    page = client.get(reverse("privacyverklaring:school", args=[school.pk])).content.decode()
    assert "The PDF could not be made" in page and "The PDF is being prepared" not in page
    page = client.get(reverse("privacyverklaring:versie", args=[verklaring.pk])).content.decode()
    assert "The PDF could not be made" in page

    client.force_login(world.users["ouder_gezag"])
    client.cookies["django_language"] = "en"
    url = reverse("privacyverklaring_portaal:kind", args=[world.pupils["g5"].pk])
    page = client.get(url).content.decode()
    assert "The PDF is not available at the moment" in page and "Reload this page" not in page
