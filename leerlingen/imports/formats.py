"""The fields an import can fill, and the column names of the common administration exports.

A *mapping* is a dict ``{field key: column header in the file}``. The built-in formats below
list the headers each system writes (ParnasSys, Esis, Eduscope for primary and special
education; Somtoday and Magister for secondary education). A user can adjust a mapping and save
it as an ``Importprofiel``. Headers are compared loosely (case, spaces, dots, dashes and
underscores do not matter), so ``Geb.datum`` and ``geb_datum`` are the same column.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    kind: str = "text"  # text | date | bsn | geslacht | email | postcode | telefoon | groep | relatie | bool
    attr: str = ""  # model attribute; defaults to the key without the ouderN_ prefix
    required: bool = False

    @property
    def target(self) -> str:
        if self.attr:
            return self.attr
        return self.key.split("_", 1)[1] if self.is_ouder else self.key

    @property
    def verbose(self) -> str:
        """The label in the active language (guardian labels carry the slot number)."""
        return str(self.label) % {"n": self.slot} if self.is_ouder else str(self.label)

    @property
    def is_ouder(self) -> bool:
        return self.key.startswith("ouder")

    @property
    def slot(self) -> int | None:
        return int(self.key[5]) if self.is_ouder else None


LEERLING_FIELDS = [
    Field("leerlingnummer", _("pupil number"), required=True),
    Field("achternaam", _("surname"), required=True),
    Field("tussenvoegsel", _("name prefix")),
    Field("roepnaam", _("given name used")),
    Field("voornamen", _("first names")),
    Field("geslacht", _("sex"), kind="geslacht"),
    Field("geboortedatum", _("date of birth"), kind="date", required=True),
    Field("geboorteplaats", _("place of birth")),
    Field("nationaliteit", _("nationality")),
    Field("bsn", _("BSN / PGN"), kind="bsn"),
    Field("straat", _("street")),
    Field("huisnummer", _("house number")),
    Field("huisnummer_toevoeging", _("house number addition"), attr="-"),
    Field("postcode", _("postcode"), kind="postcode"),
    Field("woonplaats", _("town")),
    Field("telefoon", _("phone"), kind="telefoon"),
    Field("email", _("e-mail"), kind="email"),
    Field("eck_id", _("ECK iD")),
    Field("groep", _("group"), kind="groep"),
    Field("datum_inschrijving", _("enrolment date"), kind="date"),
    Field("datum_uitschrijving", _("leaving date"), kind="date"),
]

SLOTS = (1, 2)


def _ouder_fields(slot: int) -> list[Field]:
    p = f"ouder{slot}_"
    return [
        Field(p + "voorletters", _("guardian %(n)s: initials")),
        Field(p + "voornaam", _("guardian %(n)s: first name")),
        Field(p + "tussenvoegsel", _("guardian %(n)s: name prefix")),
        Field(p + "achternaam", _("guardian %(n)s: surname")),
        Field(p + "relatie", _("guardian %(n)s: relation to the pupil"), kind="relatie"),
        Field(p + "heeft_gezag", _("guardian %(n)s: parental authority"), kind="bool"),
        Field(p + "email", _("guardian %(n)s: e-mail"), kind="email"),
        Field(p + "telefoon", _("guardian %(n)s: phone"), kind="telefoon"),
        Field(p + "straat", _("guardian %(n)s: street")),
        Field(p + "huisnummer", _("guardian %(n)s: house number")),
        Field(p + "postcode", _("guardian %(n)s: postcode"), kind="postcode"),
        Field(p + "woonplaats", _("guardian %(n)s: town")),
    ]


OUDER_FIELDS = {slot: _ouder_fields(slot) for slot in SLOTS}
FIELDS: list[Field] = LEERLING_FIELDS + [f for slot in SLOTS for f in OUDER_FIELDS[slot]]
FIELDS_BY_KEY = {f.key: f for f in FIELDS}
# Attributes of Ouder and Gezagsrelatie a guardian column fills.
OUDER_ATTRS = (
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
)
RELATIE_ATTRS = ("relatie", "heeft_gezag")


def _ouders(prefix: str, names: dict[str, str]) -> dict[str, str]:
    """Expand guardian headers: ``prefix`` has ``{n}`` for the slot number."""
    return {
        f"ouder{n}_{key}": prefix.format(n=n) + name for n in SLOTS for key, name in names.items()
    }


FORMATS: dict[str, dict[str, str]] = {
    # ParnasSys (Topicus), primary education: "Leerlingen met verzorgers", semicolon CSV, Windows-1252.
    "parnassys": {
        "leerlingnummer": "Leerlingnummer",
        "achternaam": "Achternaam",
        "tussenvoegsel": "Voorvoegsel",
        "roepnaam": "Roepnaam",
        "voornamen": "Voornamen",
        "geslacht": "Geslacht",
        "geboortedatum": "Geboortedatum",
        "geboorteplaats": "Geboorteplaats",
        "nationaliteit": "Nationaliteit 1",
        "bsn": "BSN",
        "straat": "Straat",
        "huisnummer": "Huisnummer",
        "huisnummer_toevoeging": "Huisnummer toevoeging",
        "postcode": "Postcode",
        "woonplaats": "Plaats",
        "telefoon": "Telefoon",
        "email": "E-mail leerling",
        "eck_id": "ECK iD",
        "groep": "Groep",
        "datum_inschrijving": "Datum inschrijving",
        "datum_uitschrijving": "Datum uitschrijving",
        **_ouders(
            "Verzorger {n} ",
            {
                "voorletters": "voorletters",
                "voornaam": "roepnaam",
                "tussenvoegsel": "voorvoegsel",
                "achternaam": "achternaam",
                "relatie": "relatie tot leerling",
                "heeft_gezag": "wettelijk gezag",
                "email": "e-mail",
                "telefoon": "telefoon mobiel",
                "straat": "straat",
                "huisnummer": "huisnummer",
                "postcode": "postcode",
                "woonplaats": "plaats",
            },
        ),
    },
    # Esis (Rovict), primary education: "Export leerlinggegevens", usually XLSX.
    "esis": {
        "leerlingnummer": "Leerlingnr.",
        "achternaam": "Achternaam",
        "tussenvoegsel": "Tussenvoegsel",
        "roepnaam": "Roepnaam",
        "voornamen": "Voornamen",
        "geslacht": "Geslacht",
        "geboortedatum": "Geboortedatum",
        "geboorteplaats": "Geboorteplaats",
        "nationaliteit": "Nationaliteit",
        "bsn": "Burgerservicenummer",
        "straat": "Straatnaam",
        "huisnummer": "Huisnummer",
        "huisnummer_toevoeging": "Toevoeging",
        "postcode": "Postcode",
        "woonplaats": "Woonplaats",
        "telefoon": "Telefoonnummer",
        "email": "E-mailadres",
        "eck_id": "ECK-iD",
        "groep": "Groep",
        "datum_inschrijving": "Inschrijfdatum",
        "datum_uitschrijving": "Uitschrijfdatum",
        **_ouders(
            "Ouder {n} ",
            {
                "voorletters": "voorletters",
                "voornaam": "voornaam",
                "tussenvoegsel": "tussenvoegsel",
                "achternaam": "achternaam",
                "relatie": "relatie",
                "heeft_gezag": "ouderlijk gezag",
                "email": "e-mailadres",
                "telefoon": "telefoonnummer",
                "straat": "straatnaam",
                "huisnummer": "huisnummer",
                "postcode": "postcode",
                "woonplaats": "woonplaats",
            },
        ),
    },
    # Eduscope, primary and special education: "Leerlinglijst", comma CSV, UTF-8.
    "eduscope": {
        "leerlingnummer": "Lln.nr",
        "achternaam": "Naam",
        "tussenvoegsel": "Tussenv.",
        "roepnaam": "Roepnaam",
        "voornamen": "Voornamen",
        "geslacht": "M/V",
        "geboortedatum": "Geb.datum",
        "geboorteplaats": "Geb.plaats",
        "nationaliteit": "Nationaliteit",
        "bsn": "BSN/PGN",
        "straat": "Adres",
        "huisnummer": "Huisnr",
        "huisnummer_toevoeging": "Toev.",
        "postcode": "Postcode",
        "woonplaats": "Woonplaats",
        "telefoon": "Tel.nr",
        "email": "E-mail",
        "eck_id": "ECK-ID",
        "groep": "Groep",
        "datum_inschrijving": "Datum in",
        "datum_uitschrijving": "Datum uit",
        **_ouders(
            "Verz.{n} ",
            {
                "voorletters": "voorl.",
                "voornaam": "voornaam",
                "tussenvoegsel": "tussenv.",
                "achternaam": "naam",
                "relatie": "relatie",
                "heeft_gezag": "gezag",
                "email": "e-mail",
                "telefoon": "tel.",
                "straat": "adres",
                "huisnummer": "huisnr",
                "postcode": "postcode",
                "woonplaats": "woonplaats",
            },
        ),
    },
    # Somtoday (Topicus), secondary education: "Leerlingen en verzorgers", XLSX or CSV.
    "somtoday": {
        "leerlingnummer": "Leerlingnummer",
        "achternaam": "Achternaam",
        "tussenvoegsel": "Voorvoegsel",
        "roepnaam": "Roepnaam",
        "voornamen": "Officiële voornamen",
        "geslacht": "Geslacht",
        "geboortedatum": "Geboortedatum",
        "geboorteplaats": "Geboorteplaats",
        "nationaliteit": "Nationaliteit",
        "bsn": "BSN",
        "straat": "Straatnaam",
        "huisnummer": "Huisnummer",
        "huisnummer_toevoeging": "Huisnummertoevoeging",
        "postcode": "Postcode",
        "woonplaats": "Plaatsnaam",
        "telefoon": "Mobiel nummer",
        "email": "E-mailadres",
        "eck_id": "ECK-iD",
        "groep": "Stamgroep",
        "datum_inschrijving": "Datum inschrijving",
        "datum_uitschrijving": "Datum uitschrijving",
        **_ouders(
            "Verzorger {n} - ",
            {
                "voorletters": "Voorletters",
                "voornaam": "Roepnaam",
                "tussenvoegsel": "Voorvoegsel",
                "achternaam": "Achternaam",
                "relatie": "Relatie",
                "heeft_gezag": "Wettelijk vertegenwoordiger",
                "email": "E-mailadres",
                "telefoon": "Mobiel",
                "straat": "Straatnaam",
                "huisnummer": "Huisnummer",
                "postcode": "Postcode",
                "woonplaats": "Plaatsnaam",
            },
        ),
    },
    # Magister (Iddink), secondary education: "Leerlingen export", tab-separated, underscores in headers.
    "magister": {
        "leerlingnummer": "Stamnr",
        "achternaam": "Achternaam",
        "tussenvoegsel": "Tussenv",
        "roepnaam": "Roepnaam",
        "voornamen": "Voornamen",
        "geslacht": "Geslacht",
        "geboortedatum": "Geb_datum",
        "geboorteplaats": "Geb_plaats",
        "nationaliteit": "Nationaliteit",
        "bsn": "BSN",
        "straat": "Straat",
        "huisnummer": "Huisnr",
        "huisnummer_toevoeging": "Toev",
        "postcode": "Postcode",
        "woonplaats": "Woonplaats",
        "telefoon": "Tel_mobiel",
        "email": "E_mail",
        "eck_id": "ECK_iD",
        "groep": "Klas",
        "datum_inschrijving": "Datum_in",
        "datum_uitschrijving": "Datum_uit",
        **_ouders(
            "Ouder{n}_",
            {
                "voorletters": "Voorletters",
                "voornaam": "Roepnaam",
                "tussenvoegsel": "Tussenv",
                "achternaam": "Achternaam",
                "relatie": "Relatie",
                "heeft_gezag": "Gezag",
                "email": "Email",
                "telefoon": "Mobiel",
                "straat": "Straat",
                "huisnummer": "Huisnr",
                "postcode": "Postcode",
                "woonplaats": "Woonplaats",
            },
        ),
    },
}
FORMAT_LABELS = {
    "parnassys": "ParnasSys",
    "esis": "Esis",
    "eduscope": "Eduscope",
    "somtoday": "Somtoday",
    "magister": "Magister",
}


def normalise_header(header: str) -> str:
    return re.sub(r"[\s._\-/()]+", " ", str(header or "")).strip().lower()


def resolve(mapping: dict[str, str], headers: list[str]) -> dict[str, str]:
    """Keep the entries of ``mapping`` whose column is in ``headers``, spelled as in the file."""
    by_norm: dict[str, str] = {}
    for header in headers:
        by_norm.setdefault(normalise_header(header), header)
    resolved = {}
    for key, header in mapping.items():
        if key in FIELDS_BY_KEY and header and normalise_header(header) in by_norm:
            resolved[key] = by_norm[normalise_header(header)]
    return resolved


def detect(headers: list[str]) -> tuple[str, dict[str, str]]:
    """The built-in format that matches most columns (the pupil number column must match).

    Returns ``("", {})`` if no format knows the pupil-number column.
    """
    best, best_mapping = "", {}
    for name, mapping in FORMATS.items():
        resolved = resolve(mapping, headers)
        if "leerlingnummer" in resolved and len(resolved) > len(best_mapping):
            best, best_mapping = name, resolved
    return best, best_mapping


def key_column_aliases() -> set[str]:
    """Every known spelling of the pupil-number column (to find the header row)."""
    return {normalise_header(m["leerlingnummer"]) for m in FORMATS.values()} | {
        "leerlingnummer",
        "leerling nummer",
    }
