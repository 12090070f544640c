"""The files that leave the school hold exactly the allowed fields, and the record matches the file."""

import base64
import hashlib
import io

import pytest

from core.crypto import keyed_hash
from core.spreadsheet import parse_csv, safe_cell
from delen.models import Formaat, Soort, Verstrekking
from delen.rules import DisclosureRefused
from delen.services import disclose, verstrekkingen_van_leerling
from delen.standaard import LEGAL
from leerlingen.models import Toegangslog

from .factories import VerwerkerFactory, VerwerkersovereenkomstFactory
from .test_rules import with_processor

pytestmark = pytest.mark.django_db

BASISPOORT_FIELDS = {  # DOMAIN.md § Disclosures, seed 004
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
}


def test_csv_holds_exactly_the_chosen_allowed_fields_and_the_record_matches(world, aanvraag):
    user = world.users["directeur"]
    velden = ["bsn", "achternaam", "geboortedatum", "brin6"]
    export = disclose(user=user, aanvraag=aanvraag(Soort.DUO, velden=velden))
    header, rows = parse_csv(export.content)
    assert header == ["bsn", "achternaam", "geboortedatum", "brin6"]
    by_bsn = {row[0]: row for row in rows}
    g5 = world.pupils["g5"]
    assert by_bsn[g5.bsn] == [g5.bsn, g5.achternaam, g5.geboortedatum.isoformat(), "11AA00"]
    v = export.verstrekking
    assert v.velden == header
    assert v.sha256 == hashlib.sha256(export.content).hexdigest() and v.grootte == len(
        export.content
    )
    assert set(v.leerlingen.values_list("pk", flat=True)) == {g5.pk, world.pupils["g6"].pk}
    assert v.aantal_leerlingen == len(rows) == 2
    assert v.ontvanger.soort == Soort.DUO and v.grondslag == "wettelijke_plicht"
    assert v.opgesteld_door == user and v.goedgekeurd_door == user
    assert v.categorieen == ["bsn", "contact", "organisatie"]
    assert export.bestandsnaam == f"{v.kenmerk}-duo.csv"


def test_every_export_is_in_the_access_log(world, aanvraag):
    export = disclose(user=world.users["directeur"], aanvraag=aanvraag(Soort.JGZ))
    entry = Toegangslog.objects.get(
        object_type="verstrekking", object_id=str(export.verstrekking.pk)
    )
    assert entry.soort == Toegangslog.Soort.EXPORT and entry.gebruiker == world.users["directeur"]
    assert "contact" in entry.categorieen
    for pupil in world.pupils.values():  # no personal data in the log entry
        assert pupil.achternaam not in entry.reden


def test_a_refused_disclosure_produces_and_records_nothing(world, aanvraag):
    with pytest.raises(DisclosureRefused) as exc:
        disclose(
            user=world.users["directeur"],
            aanvraag=aanvraag(Soort.JGZ, velden=["achternaam", "bsn"]),
        )
    assert "that is unlawful" in exc.value.messages[0]
    assert not Verstrekking.objects.exists()
    assert not Toegangslog.objects.filter(soort="export").exists()


def test_basispoort_export_carries_exactly_the_domain_field_set(world, register, aanvraag):
    assert set(LEGAL[Soort.BASISPOORT].velden) == BASISPOORT_FIELDS
    basispoort = register[Soort.BASISPOORT]
    with_processor(basispoort)
    export = disclose(user=world.users["directeur"], aanvraag=aanvraag(basispoort))
    header, rows = parse_csv(export.content)
    assert set(header) == BASISPOORT_FIELDS and len(header) == len(BASISPOORT_FIELDS)
    g5 = world.pupils["g5"]
    row = dict(
        zip(
            header,
            next(r for r in rows if r[header.index("achternaam")] == g5.achternaam),
            strict=True,
        )
    )
    assert row["brin"] == "11AA" and row["groep_naam"] == "Groep 5" and row["jaargroep"] == "5"
    assert row["leerlingkey"] and g5.leerlingnummer not in row["leerlingkey"]  # pseudonymous
    assert all(g5.bsn not in cell for cell in row.values())


def _encodings(bsn: str) -> list[str]:
    spaced = f"{bsn[:4]}.{bsn[4:6]}.{bsn[6:]}"
    return [
        bsn,
        bsn.lstrip("0"),
        spaced,
        f"{bsn[:3]} {bsn[3:6]} {bsn[6:]}",
        f"{bsn[:4]} {bsn[4:6]} {bsn[6:]}",
        base64.b64encode(bsn.encode()).decode(),
        base64.b32encode(bsn.encode()).decode(),
        bsn.encode().hex(),
        hashlib.sha256(bsn.encode()).hexdigest(),
        hashlib.md5(bsn.encode()).hexdigest(),  # noqa: S324
        keyed_hash(bsn),
        keyed_hash(bsn)[:16],
        str(int(bsn) * 1),
        bsn[::-1],
    ]


@pytest.mark.parametrize("formaat", [Formaat.CSV, Formaat.PDF])
def test_jgz_export_never_holds_a_bsn_in_any_column_or_encoding(world, aanvraag, formaat):
    from pypdf import PdfReader

    pupils = [world.pupils["g5"], world.pupils["g6"]]
    export = disclose(
        user=world.users["directeur"],
        aanvraag=aanvraag(Soort.JGZ, leerlingen=pupils, formaat=formaat),
    )
    if formaat == Formaat.CSV:
        text = export.content.decode("utf-8-sig")
        header, rows = parse_csv(export.content)
        assert "bsn" not in header
    else:
        reader = PdfReader(io.BytesIO(export.content))
        text = "\n".join(page.extract_text() for page in reader.pages)
        text += export.content.decode("latin-1")  # the raw bytes too
    compact = text.replace(" ", "").replace(".", "").replace("-", "")
    for pupil in pupils:
        assert pupil.achternaam in text
        for form in _encodings(pupil.bsn):
            assert form not in text, form
            assert form.replace(" ", "").replace(".", "") not in compact


def test_pdf_export_is_readable_and_matches_its_record(world, aanvraag):
    from pypdf import PdfReader

    export = disclose(
        user=world.users["directeur"], aanvraag=aanvraag(Soort.INSPECTIE, formaat=Formaat.PDF)
    )
    reader = PdfReader(io.BytesIO(export.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert export.verstrekking.kenmerk in text
    assert world.pupils["g5"].achternaam in text
    assert "Toetsen" in text  # the study-progress dossier item, with its source
    assert "Dyslexie" not in text  # medical data are not in the Inspectorate's set
    assert export.verstrekking.sha256 == hashlib.sha256(export.content).hexdigest()


def test_dossier_fields_only_carry_what_the_discloser_may_see(world, aanvraag):
    """The very confidential item (director only) does not leave through the IB."""
    a = aanvraag(
        Soort.ZORGTEAM,
        leerlingen=[world.pupils["g5"]],
        velden=["jaargroep", "dossier_begeleiding"],
        anoniem=True,
    )
    by_ib = disclose(user=world.users["ib"], aanvraag=a)
    header, rows = parse_csv(by_ib.content)
    assert header == ["casus", "jaargroep", "dossier_begeleiding"]
    assert rows[0][0] == "Case 1" and "Meldcode" not in rows[0][2]
    by_director = disclose(user=world.users["directeur"], aanvraag=a)
    assert "Meldcode" in parse_csv(by_director.content)[1][0][2]


def test_csv_cells_that_look_like_formulas_are_neutralised(world, aanvraag):
    pupil = world.pupils["g5"]
    pupil.achternaam = '=HYPERLINK("http://evil.example","x")'
    pupil.roepnaam = "+31 6"
    pupil.tussenvoegsel = "@SUM(1)"
    pupil.save()
    export = disclose(
        user=world.users["directeur"], aanvraag=aanvraag(Soort.JGZ, leerlingen=[pupil])
    )
    header, rows = parse_csv(export.content)
    row = dict(zip(header, rows[0], strict=True))
    assert row["achternaam"] == "'" + pupil.achternaam
    assert row["roepnaam"] == "'+31 6" and row["tussenvoegsel"] == "'@SUM(1)"
    assert safe_cell("-1") == "'-1" and safe_cell("2017-05-17") == "2017-05-17"


def test_per_pupil_list_of_disclosures(world, aanvraag):
    disclose(user=world.users["directeur"], aanvraag=aanvraag(Soort.DUO))
    disclose(
        user=world.users["directeur"], aanvraag=aanvraag(Soort.JGZ, leerlingen=[world.pupils["g6"]])
    )
    g5 = verstrekkingen_van_leerling(leerling=world.pupils["g5"])
    g6 = verstrekkingen_van_leerling(leerling=world.pupils["g6"])
    assert [v.ontvanger.soort for v in g5] == ["duo"]
    assert [v.ontvanger.soort for v in g6] == ["jgz", "duo"]
    assert (
        list(
            verstrekkingen_van_leerling(leerling=world.pupils["g5"], user=world.users["leerkracht"])
        )
        == []
    )


def test_survey_export_reports_units_never_below_the_minimum(world, register, aanvraag, settings):
    from tests.leerlingen.factories import LeerlingFactory

    settings.SURVEY_MIN_GROUP_SIZE = 3
    onderzoek = register[Soort.ONDERZOEK]
    with_processor(onderzoek)
    g5 = [world.pupils["g5"], *LeerlingFactory.create_batch(3, groep=world.groepen["g5"])]
    g6 = [world.pupils["g6"], *LeerlingFactory.create_batch(2, groep=world.groepen["g6"])]
    export = disclose(
        user=world.users["directeur"], aanvraag=aanvraag(onderzoek, leerlingen=g5 + g6)
    )
    header, rows = parse_csv(export.content)
    units = [row[header.index("rapportage_eenheid")] for row in rows]
    assert units.count("Groep 5") == 4 and units.count("Groep 6") == 3


def test_export_of_a_processor_with_an_agreement_of_another_processor_is_refused(
    world, register, aanvraag
):
    basispoort = register[Soort.BASISPOORT]
    VerwerkersovereenkomstFactory(
        verwerker=VerwerkerFactory(school=world.schools["a1"])
    )  # not linked
    with pytest.raises(DisclosureRefused):
        disclose(user=world.users["directeur"], aanvraag=aanvraag(basispoort))
