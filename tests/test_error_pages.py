"""A page that does not exist and an error on our side get the product's own pages, in the
reader's language, not Django's bare "Not Found" / "Server Error (500)"."""

from django.test import RequestFactory
from django.utils import translation
from django.views.defaults import server_error

import pytest


@pytest.mark.django_db
def test_a_missing_page_has_its_own_page_in_dutch_and_english(client):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    page = response.content.decode()
    assert '<html lang="nl">' in page and "Pagina niet gevonden" in page
    client.cookies["django_language"] = "en"
    page = client.get("/bestaat-niet/").content.decode()
    assert '<html lang="en">' in page and "Page not found" in page


def test_an_error_on_our_side_has_its_own_page():
    with translation.override("nl"):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Er ging iets mis" in page and "Server Error" not in page
