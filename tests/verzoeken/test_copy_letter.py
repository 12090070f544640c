"""The letter about a copy says what the parent receives, and prints the school's fee table as
"€ 4,50" with a non-breaking space (issue 17); the staff page shows the fee the same way."""

from decimal import Decimal

from django.urls import reverse

import pytest

from verzoeken import services
from verzoeken.models import Soort, VerzoekInstellingen

from .test_exports import _approved

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


def test_the_decision_letter_says_what_the_parent_receives_and_prints_the_fees(world):
    v = _approved(world)
    _pdf, html = services.render_besluit(v)
    pages = v.documenten.get(soort="afschrift_pdf", definitief=True).paginas
    assert "What you receive:" in html or "Wat u ontvangt:" in html
    assert f"{pages} pagina" in html or f"{pages} page" in html
    assert f"€{NBSP}0,23" in html and f"€{NBSP}4,50" in html and f"€{NBSP}22,50" in html
    assert "EUR" not in html


def test_portability_letter_names_the_files_and_a_free_table_says_so(world):
    VerzoekInstellingen.objects.update_or_create(
        school=world.schools["a1"],
        defaults={
            "prijs_per_pagina": Decimal("0"),
            "maximum": Decimal("0"),
            "maximum_boven_drempel": Decimal("0"),
        },
    )
    v = _approved(world, soort=Soort.OVERDRAAGBAARHEID)
    _pdf, html = services.render_besluit(v)
    assert "JSON" in html and "CSV" in html
    assert "per page" not in html and "per pagina" not in html


def test_the_staff_page_shows_a_further_copy_fee_in_euros(world, client):
    v = _approved(world)
    services.record_copy(verzoek=v, user=world.users["administratie"])
    client.force_login(world.users["administratie"])
    page = client.get(reverse("verzoeken:detail", args=[v.pk])).content.decode()
    assert f"€{NBSP}" in page and "EUR " not in page
