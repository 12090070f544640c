"""Smaller legal points of the statement (issue 17): the fee table as the school set it, printed
"€ 22,50" with a non-breaking space; the ECK iD when used; the portal address from SITE_URL; no
Basispoort or publishers where the school registered no digital learning material."""

from decimal import Decimal

import pytest

from delen.models import Soort, SysteemSoort
from delen.privacyverklaring import generate_statement
from leerlingen.models import Gegevenscategorie as Cat
from tests.leerlingen.factories import GroepFactory, LeerlingFactory

from .test_privacyverklaring import configure, pdf_text

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _html(verklaring) -> str:
    from delen.privacyverklaring import render_statement

    _pdf, html = render_statement(
        verklaring.inhoud,
        versie=verklaring.versie,
        gegenereerd_op=verklaring.gegenereerd_op,
        language="nl",
    )
    return html


def test_the_fee_table_is_printed_as_configured_with_a_non_breaking_space():
    school = configure(
        naam="School Kosten", brin="18JJ", bestuur="Stichting K"
    )  # seed 003's preset
    html = _html(generate_statement(school=school, user=None, language="nl"))
    assert f"€{NBSP}22,50" in html and f"€{NBSP}0,23" in html and f"€{NBSP}4,50" in html
    assert "€ 22" not in html  # never an ordinary (breakable) space

    free = configure(
        naam="School Gratis",
        brin="19GG",
        bestuur="Stichting G",
        fees={
            "prijs_per_pagina": Decimal("0"),
            "maximum": Decimal("0"),
            "maximum_boven_drempel": Decimal("0"),
        },
    )
    text = pdf_text(generate_statement(school=free, user=None, language="en"))
    assert "Further copies are free as well." in text and "per page" not in text


def test_the_eck_id_is_listed_when_the_school_uses_it():
    school = configure(naam="Lyceum", brin="20LL", bestuur="Stichting L", onderwijssoort="vo")
    before = generate_statement(school=school, user=None, language="en")
    assert Cat.ECK_ID not in {c["code"] for c in before.inhoud["categorieen"]}
    LeerlingFactory(groep=GroepFactory(school=school), eck_id="https://id.school/pseudonym/abc")
    after = generate_statement(school=school, user=None, language="en")
    assert Cat.ECK_ID in {c["code"] for c in after.inhoud["categorieen"]}
    assert "ECK iD" in pdf_text(after)


def test_the_portal_address_comes_from_site_url_and_is_never_local(settings):
    school = configure(naam="School URL", brin="21MM", bestuur="Stichting U")
    settings.SITE_URL = "http://127.0.0.1:8000"
    local = generate_statement(school=school, user=None, language="en")
    assert "127.0.0.1" not in pdf_text(local) and local.inhoud["portaal_url"] == ""
    settings.SITE_URL = "https://privacy.stichting-u.nl"
    text = pdf_text(generate_statement(school=school, user=None, language="en"))
    assert "https://privacy.stichting-u.nl/portaal/" in text


def test_a_secondary_school_without_learning_material_lists_no_basispoort_or_publishers():
    vo = configure(
        naam="Het Rivierenlyceum",
        brin="22NN",
        bestuur="Stichting R",
        onderwijssoort="vo",
        systems=[
            (
                "Magister",
                "Iddink",
                SysteemSoort.ADMINISTRATIE,
                "Leerlingadministratie",
                [Cat.CONTACT],
            )
        ],
    )
    verklaring = generate_statement(school=vo, user=None, language="en")
    names = [o["naam"] for o in verklaring.inhoud["ontvangers_verwerker"]]
    assert "Basispoort" not in names and not any("Publishers" in n for n in names)
    assert "Basispoort" not in pdf_text(verklaring)

    po = configure(
        naam="Obs de Flint",
        brin="23PP",
        bestuur="Stichting F",
        systems=[
            (
                "Basispoort",
                "Stichting Basispoort",
                SysteemSoort.LEERMIDDELEN,
                "Lesmateriaal",
                [Cat.CONTACT],
            )
        ],
        recipients=[Soort.DUO, Soort.BASISPOORT],
    )
    assert "Basispoort" in [
        o["naam"]
        for o in generate_statement(school=po, user=None, language="en").inhoud[
            "ontvangers_verwerker"
        ]
    ]
