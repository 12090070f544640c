"""The starting register of every new school: DOMAIN.md § Disclosures, as data.

``LEGAL`` holds, per kind of recipient, its legal basis and the most it may ever receive. A
school's recipients start with exactly this; the director may narrow a field set, never widen it
(``delen.rules.recipient_field_errors``).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import Formaat, Grondslag, Soort

NAAM = ("roepnaam", "tussenvoegsel", "achternaam")
ADRES = ("straat", "huisnummer", "postcode", "woonplaats")

# Consent purposes (codes of the consent app) that some disclosures need for every pupil.
DOEL_FOTO_DRUKWERK = "schoolgids"
DOEL_FOTO_WEBSITE = "website"


@dataclass(frozen=True)
class Standaard:
    soort: str
    naam: str
    grondslag: str
    velden: tuple[str, ...]
    formaat: str
    toelichting: str
    toestemming_doel: str = ""


STANDAARD: list[Standaard] = [
    Standaard(
        Soort.DUO,
        "DUO / BRON",
        Grondslag.WETTELIJKE_PLICHT,
        (
            "bsn",
            "leerlingnummer",
            "voornamen",
            "tussenvoegsel",
            "achternaam",
            "geboortedatum",
            "geslacht",
            "nationaliteit",
            "postcode",
            "huisnummer",
            "brin6",
            "onderwijssoort",
            "jaargroep",
            "datum_inschrijving",
            "datum_uitschrijving",
        ),
        Formaat.CSV,
        _(
            "Legal duty: pupil data including the PGN go to BRON for funding and education policy (seed 004)."
        ),
    ),
    Standaard(
        Soort.LEERPLICHT,
        _("School attendance officer (municipality)"),
        Grondslag.WETTELIJKE_PLICHT,
        (
            "bsn",
            "leerlingnummer",
            "voornamen",
            "roepnaam",
            "tussenvoegsel",
            "achternaam",
            "geboortedatum",
            "geslacht",
            *ADRES,
            "school_naam",
            "brin6",
            "onderwijssoort",
            "groep_naam",
            "datum_inschrijving",
            "datum_uitschrijving",
            "ouders_contact",
        ),
        Formaat.PDF,
        _(
            "Legal duty (Leerplichtwet): only what is needed. Secondary schools report unauthorised absence of "
            "more than 16 hours in 4 consecutive school weeks via DUO's verzuimloket; primary and special "
            "schools report to the municipality (seed 004)."
        ),
    ),
    Standaard(
        Soort.INSPECTIE,
        _("Education Inspectorate"),
        Grondslag.WETTELIJKE_PLICHT,
        (
            "leerlingnummer",
            *NAAM,
            "geboortedatum",
            "brin6",
            "onderwijssoort",
            "groep_naam",
            "jaargroep",
            "datum_inschrijving",
            "datum_uitschrijving",
            "dossier_studievoortgang",
            "dossier_begeleiding",
        ),
        Formaat.PDF,
        _("Legal duty: inspection of pupil files on a visit, no more than necessary (seed 004)."),
    ),
    Standaard(
        Soort.JGZ,
        _("GGD / youth health care (JGZ)"),
        Grondslag.ALGEMEEN_BELANG,
        (*NAAM, "geboortedatum", "brin6", "onderwijssoort", "datum_inschrijving", "groep_naam"),
        Formaat.CSV,
        _(
            "Public interest, no legal duty: ONLY name, date of birth, BRIN6, type of education, enrolment "
            "date and group. Never the PGN/BSN: that is unlawful. Anything else only with consent (seed 004)."
        ),
    ),
    Standaard(
        Soort.VEILIG_THUIS,
        "Veilig Thuis",
        Grondslag.WETTELIJKE_TAAK,
        (
            "voornamen",
            *NAAM,
            "geboortedatum",
            "geslacht",
            *ADRES,
            "school_naam",
            "groep_naam",
            "ouders_contact",
            "dossier_studievoortgang",
            "dossier_begeleiding",
            "dossier_medisch",
        ),
        Formaat.PDF,
        _(
            "Legal power under the reporting code (meldcode), no consent needed: what is needed and verifiable. "
            "Parents are informed beforehand, unless the safety of the child or another is at stake (seed 004)."
        ),
    ),
    Standaard(
        Soort.POLITIE,
        _("Police"),
        Grondslag.WETTELIJKE_PLICHT,
        (
            "leerlingnummer",
            "voornamen",
            *NAAM,
            "geboortedatum",
            "geslacht",
            *ADRES,
            "school_naam",
            "groep_naam",
            "datum_inschrijving",
            "datum_uitschrijving",
        ),
        Formaat.PDF,
        _(
            "Only against a written demand (art. 126nc Sv) naming the person, the data asked, the term and manner "
            "of delivery and the legal title; only identifying data: name, address, residence, date of birth, sex "
            "and administrative characteristics (seed 004)."
        ),
    ),
    Standaard(
        Soort.ZORGTEAM,
        _("Care team / CvdB"),
        Grondslag.WETTELIJKE_TAAK,
        (
            *NAAM,
            "geboortedatum",
            "geslacht",
            "school_naam",
            "groep_naam",
            "jaargroep",
            "onderwijssoort",
            "dossier_studievoortgang",
            "dossier_begeleiding",
            "dossier_medisch",
        ),
        Formaat.PDF,
        _(
            "Legal task: anonymous where possible; if not, the parents are informed; if the family's own care "
            "providers join, consent is needed. Minimal, proportional, transparent; the source of each piece of "
            "information is stated (seed 004)."
        ),
    ),
    Standaard(
        Soort.SWV,
        _("Special-needs partnership (samenwerkingsverband)"),
        Grondslag.WETTELIJKE_TAAK,
        (
            "voornamen",
            *NAAM,
            "geboortedatum",
            "geslacht",
            *ADRES,
            "school_naam",
            "brin6",
            "onderwijssoort",
            "groep_naam",
            "jaargroep",
            "datum_inschrijving",
            "ouders_contact",
            "dossier_studievoortgang",
            "dossier_begeleiding",
        ),
        Formaat.PDF,
        _(
            "Legal task: enrolment of a pupil with the partnership; the parents are informed (seed 004)."
        ),
    ),
    Standaard(
        Soort.BESTUUR,
        _("Board (common administration)"),
        Grondslag.WETTELIJKE_TAAK,
        (
            "leerlingnummer",
            *NAAM,
            "geboortedatum",
            "geslacht",
            "school_naam",
            "brin6",
            "onderwijssoort",
            "groep_naam",
            "jaargroep",
            "datum_inschrijving",
            "datum_uitschrijving",
        ),
        Formaat.CSV,
        _("Legal task: common administration and oversight by the board (seeds 000, 001, 003)."),
    ),
    Standaard(
        Soort.ACCOUNTANT,
        _("Accountant"),
        Grondslag.WETTELIJKE_TAAK,
        (
            "leerlingnummer",
            "geboortedatum",
            "brin6",
            "onderwijssoort",
            "jaargroep",
            "datum_inschrijving",
            "datum_uitschrijving",
        ),
        Formaat.CSV,
        _(
            "Legal task: audit of the funding counts; pupil numbers instead of names (seeds 000, 001, 003)."
        ),
    ),
    Standaard(
        Soort.BASISPOORT,
        "Basispoort",
        Grondslag.VERWERKERSOVEREENKOMST,
        (
            "basispoort_id",
            "roepnaam",
            "achternaam",
            "tussenvoegsel",
            "geboortedatum",
            "leerlingkey",
            "groepkey",
            "groep_naam",
            "jaargroep",
            "geslacht",
            "brin",
        ),
        Formaat.CSV,
        _(
            "Processor agreement: exactly Basispoort ID, first name, last name, name prefix, date of birth, pupil "
            "key, group key, group name, year group, sex and school id (BRIN); no results (seeds 000, 001, 004)."
        ),
    ),
    Standaard(
        Soort.UITGEVER,
        _("Publishers of digital learning material"),
        Grondslag.VERWERKERSOVEREENKOMST,
        (
            "basispoort_id",
            "roepnaam",
            "tussenvoegsel",
            "achternaam",
            "leerlingkey",
            "groepkey",
            "groep_naam",
            "jaargroep",
            "brin",
        ),
        Formaat.CSV,
        _(
            "Processor agreement, via Basispoort, only with a licence; no passing on to third parties (seed 004)."
        ),
    ),
    Standaard(
        Soort.ONDERZOEK,
        _("Survey bureau"),
        Grondslag.VERWERKERSOVEREENKOMST,
        (
            "school_naam",
            "rapportage_eenheid",
            "roepnaam",
            "tussenvoegsel",
            "achternaam",
            "geboortedatum",
            "groep_naam",
            "datum_inschrijving",
            "geslacht",
            *ADRES,
        ),
        Formaat.CSV,
        _(
            "Processor agreement: the listed minimal set; reports never below a minimum group size (seed 004)."
        ),
    ),
    Standaard(
        Soort.DRUKKER,
        _("Printer"),
        Grondslag.VERWERKERSOVEREENKOMST,
        ("roepnaam", "tussenvoegsel", "achternaam", "groep_naam"),
        Formaat.CSV,
        _(
            "Processor agreement: photos for the school guide and year books, only under consent (seed 004)."
        ),
        DOEL_FOTO_DRUKWERK,
    ),
    Standaard(
        Soort.WEBSITE,
        _("Website host"),
        Grondslag.VERWERKERSOVEREENKOMST,
        ("roepnaam", "groep_naam"),
        Formaat.CSV,
        _("Processor agreement: photos on the website, only under consent (seed 004)."),
        DOEL_FOTO_WEBSITE,
    ),
]

LEGAL: dict[str, Standaard] = {s.soort: s for s in STANDAARD}
