"""The access export holds exactly what the requester may see: nothing of siblings or other families."""

import csv
import io
import json

import pytest
from pypdf import PdfReader

from delen.models import Ontvanger
from leerlingen.models import Toegangslog
from tests.verzoeken.factories import work_off_documents
from verzoeken import exports, services
from verzoeken.models import Document, IdDocument, Soort, Uitkomst

from ..leerlingen.factories import DossierItemFactory, GezagsrelatieFactory, LeerlingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sibling(world):
    """A sibling of the Groep 5 pupil, with the same parent, and an item of its own."""
    sib = LeerlingFactory(
        groep=world.groepen["g6"], roepnaam="Siebe", voornamen="Siebe", achternaam="Aalbers"
    )
    GezagsrelatieFactory(ouder=world.ouders["gezag"], leerling=sib)
    DossierItemFactory(leerling=sib, titel="Broertje-toets", inhoud="GEHEIM-VAN-BROER")
    return sib


def _approved(world, soort=Soort.INZAGE, **kwargs):
    v = services.file_request(
        leerling=world.pupils["g5"],
        soort=soort,
        kanaal="brief",
        ouder=world.ouders["gezag"],
        vastgelegd_door=world.users["administratie"],
    )
    services.record_identity(
        verzoek=v, document_soort=IdDocument.RIJBEWIJS, user=world.users["administratie"]
    )
    services.submit(
        verzoek=v,
        uitkomst=kwargs.pop("uitkomst", Uitkomst.TOEGEWEZEN),
        motivering="Alles",
        user=world.users["administratie"],
    )
    work_off_documents()
    services.approve(verzoek=v, user=world.users["directeur"], **kwargs)
    work_off_documents()
    services.answer(verzoek=v, user=world.users["directeur"])
    v.refresh_from_db()
    return v


def test_export_has_the_child_and_nothing_of_siblings_or_others(world, sibling):
    v = _approved(world)
    doc = v.documenten.get(soort=Document.Soort.AFSCHRIFT_PDF)
    inzage = exports.collect(verzoek=v)
    text = json.dumps(inzage.as_dict(), ensure_ascii=False)
    pupil = world.pupils["g5"]
    assert pupil.voornamen in text and pupil.bsn in text
    for item in ("studie", "medisch", "religie", "financieel", "geheim"):
        assert world.items[item].titel in text
    assert "GEHEIM-VAN-BROER" not in text and "Broertje-toets" not in text and "Siebe" not in text
    assert (
        world.items["medisch_b1"].inhoud not in text
        or world.items["medisch_b1"].inhoud == world.items["medisch"].inhoud
    )
    assert world.pupils["g6"].achternaam not in text and world.pupils["b1"].achternaam not in text
    # Guardians: the requester's own contact data; the other parent only by name and relation.
    assert world.ouders["gezag"].email in text
    assert world.ouders["zonder_gezag"].email not in text
    assert str(world.ouders["zonder_gezag"]) in text
    assert set(inzage.item_ids) == set(pupil.dossieritems.values_list("id", flat=True))
    # The page count is WeasyPrint's; the stored file, read back, has exactly that many pages.
    assert doc.paginas == len(PdfReader(io.BytesIO(doc.content())).pages) and doc.paginas >= 2
    assert doc.content().startswith(b"%PDF")


def test_pdf_lists_purposes_recipients_terms_sources_and_rights(world):
    from delen.services import ensure_default_register
    from leerlingen.retention.rules import ensure_default_terms

    ensure_default_terms(school=world.schools["a1"])
    ensure_default_register(world.schools["a1"])
    duo = Ontvanger.objects.get(school=world.schools["a1"], soort="duo")
    from delen.rules import Aanvraag
    from delen.services import disclose

    disclose(
        user=world.users["directeur"],
        aanvraag=Aanvraag(
            ontvanger=duo, leerlingen=[world.pupils["g5"]], velden=duo.velden, doel="Bekostiging"
        ),
    )
    inzage = exports.collect(verzoek=_approved(world))
    assert [v["ontvanger"] for v in inzage.verstrekkingen] == [duo.naam]
    assert any("5" in b["termijn"] for b in inzage.bewaartermijnen)
    assert all(c.doel for c in inzage.categorieen)
    assert len(inzage.rechten) >= 6
    _pdf, html = exports.render_pdf(inzage)
    assert duo.naam in html and "AVG art. 15" in html


def test_withheld_items_are_left_out(world):
    geheim = world.items["geheim"]
    v = _approved(world, uitkomst=Uitkomst.DEELS, achtergehouden=[geheim.pk])
    text = exports.render_json(exports.collect(verzoek=v)).decode()
    assert geheim.titel not in text and world.items["studie"].titel in text
    assert json.loads(text)["achtergehouden"] == 1


def test_portability_gives_json_and_csv_with_neutralised_cells(world):
    pupil = world.pupils["g5"]
    pupil.roepnaam = "=HYPERLINK(1)"
    pupil.save()
    v = _approved(world, soort=Soort.OVERDRAAGBAARHEID)
    kinds = set(v.documenten.values_list("soort", flat=True))
    assert {
        Document.Soort.AFSCHRIFT_JSON,
        Document.Soort.AFSCHRIFT_CSV,
        Document.Soort.AFSCHRIFT_PDF,
    } <= kinds
    data = json.loads(v.documenten.get(soort=Document.Soort.AFSCHRIFT_JSON).content())
    assert data["kenmerk"] == v.kenmerk and data["categorieen"]
    content = v.documenten.get(soort=Document.Soort.AFSCHRIFT_CSV).content().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert len(rows) > 5
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert any(cell == "'=HYPERLINK(1)" for row in rows for cell in row)


def test_export_is_in_the_access_log(world):
    before = Toegangslog.objects.filter(soort="export", object_type="verzoek").count()
    v = _approved(world)
    logs = Toegangslog.objects.filter(soort="export", object_type="verzoek", object_id=str(v.pk))
    assert logs.count() - 0 >= 2 and before == 0  # preview and final
    assert all(log.leerling_id == v.leerling_id for log in logs)
    assert all(world.pupils["g5"].achternaam not in log.reden for log in logs)


def test_the_export_is_stored_encrypted(world):
    from django.db import connection

    v = _approved(world)
    doc = v.documenten.get(soort=Document.Soort.AFSCHRIFT_PDF)
    with connection.cursor() as cur:
        cur.execute("SELECT inhoud FROM verzoeken_document WHERE id = %s", [doc.pk])
        raw = cur.fetchone()[0]
    assert raw.startswith("fernet:")


def test_further_copy_fee(world):
    v = _approved(world)
    first = v.kopieen.get()
    assert first.nummer == 1 and first.kosten == 0
    second = services.record_copy(verzoek=v, user=world.users["administratie"])
    assert second.nummer == 2
    assert second.kosten == min(
        second.paginas * __import__("decimal").Decimal("0.23"),
        __import__("decimal").Decimal("4.50"),
    )
