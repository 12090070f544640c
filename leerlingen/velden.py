"""The catalogue of pupil fields that can leave the school.

Every field a recipient may receive is named here: the fields of ``Leerling`` and a few
derived ones (the school's BRIN6, the type of education, the group, pseudonymous keys, the
dossier items of one data category). A recipient's allowed field set is a list of these codes;
an export writes exactly these columns, in this order, and nothing else.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from leerlingen.models import Gegevenscategorie as Cat


@dataclass(frozen=True)
class Veld:
    code: str
    label: str
    categorie: str
    # Identifying data in the sense of art. 126nc(2) Sv: name, address, residence, postal
    # address, date of birth, sex and administrative characteristics (seed 004).
    identificerend: bool = False
    # Data that identify the pupil to a reader: never in an anonymous care-team case.
    herleidbaar: bool = False

    @property
    def is_zorg(self) -> bool:
        return self.categorie in Cat.zorg()

    @property
    def is_bijzonder(self) -> bool:
        return self.categorie in Cat.bijzonder()


def _v(code, label, categorie, *, identificerend=False, herleidbaar=None):
    return Veld(
        code,
        label,
        categorie,
        identificerend,
        identificerend if herleidbaar is None else herleidbaar,
    )


VELDEN: dict[str, Veld] = {
    v.code: v
    for v in [
        _v("leerlingnummer", _("pupil number"), Cat.LEERLINGNUMMER, identificerend=True),
        _v("bsn", _("BSN / PGN"), Cat.BSN, herleidbaar=True),
        _v("voornamen", _("first names"), Cat.CONTACT, identificerend=True),
        _v("roepnaam", _("first name (given name used)"), Cat.CONTACT, identificerend=True),
        _v("tussenvoegsel", _("name prefix"), Cat.CONTACT, identificerend=True),
        _v("achternaam", _("surname"), Cat.CONTACT, identificerend=True),
        _v("geboortedatum", _("date of birth"), Cat.CONTACT, identificerend=True),
        _v("geslacht", _("sex"), Cat.CONTACT, identificerend=True, herleidbaar=False),
        _v("geboorteplaats", _("place of birth"), Cat.NATIONALITEIT, herleidbaar=True),
        _v("nationaliteit", _("nationality"), Cat.NATIONALITEIT),
        _v("straat", _("street"), Cat.CONTACT, identificerend=True),
        _v("huisnummer", _("house number"), Cat.CONTACT, identificerend=True),
        _v("postcode", _("postcode"), Cat.CONTACT, identificerend=True),
        _v("woonplaats", _("town"), Cat.CONTACT, identificerend=True),
        _v("telefoon", _("phone"), Cat.CONTACT, herleidbaar=True),
        _v("email", _("e-mail"), Cat.CONTACT, herleidbaar=True),
        _v("eck_id", _("ECK iD"), Cat.ECK_ID, herleidbaar=True),
        _v(
            "datum_inschrijving",
            _("enrolment date"),
            Cat.ORGANISATIE,
            identificerend=True,
            herleidbaar=False,
        ),
        _v(
            "datum_uitschrijving",
            _("leaving date"),
            Cat.ORGANISATIE,
            identificerend=True,
            herleidbaar=False,
        ),
        _v("school_naam", _("school"), Cat.ORGANISATIE, identificerend=True, herleidbaar=False),
        _v("brin", _("school id (BRIN)"), Cat.ORGANISATIE, identificerend=True, herleidbaar=False),
        _v(
            "brin6",
            _("BRIN6 of the school"),
            Cat.ORGANISATIE,
            identificerend=True,
            herleidbaar=False,
        ),
        _v("onderwijssoort", _("type of education"), Cat.ORGANISATIE),
        _v("groep_naam", _("group name"), Cat.ORGANISATIE, identificerend=True, herleidbaar=False),
        _v("jaargroep", _("year group"), Cat.ORGANISATIE),
        _v("leerlingkey", _("pupil key (pseudonymous)"), Cat.LEERLINGNUMMER, herleidbaar=True),
        _v("groepkey", _("group key (pseudonymous)"), Cat.ORGANISATIE),
        _v("basispoort_id", _("Basispoort ID"), Cat.LEERLINGNUMMER, herleidbaar=True),
        _v("rapportage_eenheid", _("reporting unit"), Cat.ORGANISATIE),
        _v("ouders_contact", _("parents' contact data"), Cat.OUDERS, herleidbaar=True),
        _v("dossier_studievoortgang", _("study progress (dossier)"), Cat.STUDIEVOORTGANG),
        _v("dossier_begeleiding", _("guidance and care (dossier)"), Cat.BEGELEIDING),
        _v("dossier_medisch", _("medical data (dossier)"), Cat.MEDISCH),
        _v("dossier_religie", _("religion (dossier)"), Cat.RELIGIE),
    ]
}

DOSSIER_VELDEN = {code: VELDEN[code].categorie for code in VELDEN if code.startswith("dossier_")}

# The identifying data of art. 126nc(2) Sv: the most the police may ever receive.
IDENTIFICERENDE_VELDEN = frozenset(code for code, v in VELDEN.items() if v.identificerend)


def velden_choices(codes=None) -> list[tuple[str, str]]:
    codes = VELDEN if codes is None else codes
    return [(code, VELDEN[code].label) for code in VELDEN if code in codes]


def sort_codes(codes) -> list[str]:
    """Codes in catalogue order (the column order of every export), unknown codes dropped."""
    wanted = set(codes)
    return [code for code in VELDEN if code in wanted]


def categorieen(codes) -> set[str]:
    return {VELDEN[c].categorie for c in codes if c in VELDEN}
