"""The starting register, narrowing never widening, and the adopted register of processing."""

import io

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from delen.models import Grondslag, Ontvanger, RegisterVersie, Soort
from delen.register import register_changes, register_snapshot
from delen.services import adopt_register, ensure_default_register
from delen.standaard import LEGAL, STANDAARD
from leerlingen.models import Toegangslog

from .factories import VerwerkerFactory, VerwerkersovereenkomstFactory

pytestmark = pytest.mark.django_db


def test_a_new_school_starts_with_the_register_of_domain_md(world):
    school = world.schools["b1"]
    created = ensure_default_register(school)
    assert len(created) == len(STANDAARD) == 15
    assert ensure_default_register(school) == []  # idempotent
    jgz = school.ontvangers.get(soort=Soort.JGZ)
    assert set(jgz.velden) == {
        "roepnaam",
        "tussenvoegsel",
        "achternaam",
        "geboortedatum",
        "brin6",
        "onderwijssoort",
        "datum_inschrijving",
        "groep_naam",
    }
    assert jgz.grondslag == Grondslag.ALGEMEEN_BELANG
    assert "bsn" in school.ontvangers.get(soort=Soort.DUO).velden
    for soort in (
        Soort.JGZ,
        Soort.POLITIE,
        Soort.BASISPOORT,
        Soort.ONDERZOEK,
        Soort.ZORGTEAM,
        Soort.ACCOUNTANT,
    ):
        assert "bsn" not in LEGAL[soort].velden
    assert not any(f.startswith("dossier_") for f in LEGAL[Soort.POLITIE].velden)


def test_director_may_narrow_but_never_widen(world, register):
    jgz = register[Soort.JGZ]
    jgz.velden = ["achternaam", "geboortedatum"]
    jgz.full_clean()
    jgz.velden = ["achternaam", "bsn"]
    with pytest.raises(ValidationError) as exc:
        jgz.full_clean()
    assert (
        "The BSN/PGN may never go to the GGD/JGZ: that is unlawful (seed 004)."
        in exc.value.messages
    )
    jgz.velden = ["achternaam", "telefoon"]
    with pytest.raises(ValidationError) as exc:
        jgz.full_clean()
    assert (
        "Not in the legal set of this recipient: phone. A field set can be narrowed, never widened."
        in exc.value.messages
    )
    jgz.velden, jgz.grondslag = ["achternaam"], Grondslag.TOESTEMMING
    with pytest.raises(ValidationError):
        jgz.full_clean()


def test_new_recipients_never_get_the_bsn_and_care_data_only_on_consent(world):
    school = world.schools["a1"]
    new = Ontvanger(
        school=school,
        naam="Sportclub",
        grondslag=Grondslag.WETTELIJKE_TAAK,
        velden=["achternaam", "bsn", "dossier_medisch"],
    )
    with pytest.raises(ValidationError) as exc:
        new.full_clean()
    messages = exc.value.messages
    assert any("The BSN/PGN only goes where the law requires it" in m for m in messages)
    assert any(
        "Care data (medical data (dossier)) go to a new recipient only on consent or vital interest."
        in m
        for m in messages
    )
    new.velden = ["achternaam"]
    new.full_clean()


def test_director_narrows_in_the_admin(world, register, client):
    jgz = register[Soort.JGZ]
    client.force_login(world.users["directeur"])
    url = reverse("admin:delen_ontvanger_change", args=[jgz.pk])
    data = {
        "naam": jgz.naam,
        "velden": ["achternaam", "geboortedatum", "bsn"],
        "formaat": "csv",
        "toelichting": "x",
        "actief": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "that is unlawful" in response.content.decode()
    data["velden"] = ["achternaam", "geboortedatum"]
    response = client.post(url, data)
    assert response.status_code == 302
    jgz.refresh_from_db()
    assert (
        jgz.velden == ["achternaam", "geboortedatum"] and jgz.grondslag == Grondslag.ALGEMEEN_BELANG
    )


def test_agreement_document_is_a_pdf_by_content(world):
    agreement = VerwerkersovereenkomstFactory(
        verwerker=VerwerkerFactory(school=world.schools["a1"])
    )
    agreement.document = SimpleUploadedFile(
        "ovk.pdf", b"<html>not a pdf</html>", content_type="application/pdf"
    )
    with pytest.raises(ValidationError) as exc:
        agreement.full_clean()
    assert "The document is not a PDF file." in exc.value.messages
    agreement.document = SimpleUploadedFile(
        "ovk.pdf", b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    )
    agreement.full_clean()


def test_register_adopted_and_changes_shown_against_it(world, register, client):
    school = world.schools["a1"]
    versie = adopt_register(school=school, user=world.users["bestuur"], besluit="Besluit 1")
    assert versie.versie == 1 and register_changes(versie.inhoud, register_snapshot(school)) == []
    website = register[Soort.WEBSITE]
    website.velden = ["roepnaam"]
    website.save()
    VerwerkerFactory(school=school, product="Parro")
    changes = register_changes(versie.inhoud, register_snapshot(school))
    assert [(c.soort, c.naam, c.velden) for c in changes] == [
        ("changed", website.naam, ["velden"]),
        ("added", "Parro", []),
    ]
    versie.refresh_from_db()  # the adopted version itself is unchanged
    assert next(e for e in versie.inhoud["ontvangers"] if e["soort"] == "website")["velden"] == [
        "roepnaam",
        "groep_naam",
    ]

    client.force_login(world.users["directeur"])
    page = client.get(reverse("delen:register", args=[school.pk])).content.decode()
    assert "Changes since the adopted version" in page and "Parro" in page
    assert "Adopt the register" not in page  # the board adopts, not the director
    assert client.post(reverse("delen:vaststellen", args=[school.pk])).status_code == 404

    client.force_login(world.users["bestuur"])
    response = client.post(reverse("delen:vaststellen", args=[school.pk]), {"besluit": "Besluit 2"})
    assert response.status_code == 302
    assert RegisterVersie.objects.filter(school=school).count() == 2
    old = client.get(reverse("delen:registerversie", args=[versie.pk])).content.decode()
    assert "Besluit 1" in old


def test_register_exports_csv_and_pdf(world, register, client):
    from pypdf import PdfReader

    from core.spreadsheet import parse_csv

    school = world.schools["a1"]
    VerwerkersovereenkomstFactory(verwerker=VerwerkerFactory(school=school, product="ParnasSys"))
    client.force_login(world.users["fg"])
    url = reverse("delen:register", args=[school.pk])
    csv_response = client.get(url, {"formaat": "csv"})
    header, rows = parse_csv(csv_response.content)
    assert len(rows) == 16 and any("ParnasSys" in r[1] for r in rows)
    pdf_response = client.get(url, {"formaat": "pdf"})
    assert pdf_response["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_response.content)).pages)
    assert "ParnasSys" in text and "Basispoort" in text
    assert (
        Toegangslog.objects.filter(object_type="register", gebruiker=world.users["fg"]).count() == 2
    )
