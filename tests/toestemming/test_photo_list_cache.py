"""The photo list PDF is rendered once per state of its data (issue 21, docs/scale.md "PDFs"):
a second request of the same list gets the stored PDF; any change of what it shows makes a new one."""

import io

from django.urls import reverse

import pytest

from core import pdf as core_pdf
from leerlingen.models import Toegangslog
from toestemming.services import give_consent

from ..leerlingen.factories import LeerlingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def renders(monkeypatch):
    """Every WeasyPrint render through core.pdf, with the HTML it laid out (the real render runs)."""
    made = []
    real = core_pdf.render_pdf

    def counting(template_name, context, *, language=None):
        pdf, html = real(template_name, context, language=language)
        made.append(html)
        return pdf, html

    monkeypatch.setattr(core_pdf, "render_pdf", counting)
    return made


def _text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


def _row(text: str, leerling) -> list[str]:
    return next(line for line in text.splitlines() if leerling.achternaam in line).split()


def test_the_second_request_gets_the_stored_pdf_and_is_still_logged(client, consent, renders):
    client.force_login(consent.users["leerkracht"])
    url = reverse("toestemming_staf:fotolijst", args=[consent.groepen["g5"].pk])
    first = client.get(url)
    second = client.get(url)
    assert len(renders) == 1
    assert second.content == first.content and second["Content-Type"] == "application/pdf"
    logged = Toegangslog.objects.filter(
        soort="export", object_type="fotolijst", gebruiker=consent.users["leerkracht"]
    )
    assert logged.count() == 2  # every download is in the access log, cached or not


def test_a_new_answer_a_new_pupil_or_a_renamed_pupil_makes_a_new_pdf(
    client, consent, doel, renders
):
    school = consent.schools["a1"]
    g5 = consent.pupils["g5"]
    client.force_login(consent.users["leerkracht"])
    url = reverse("toestemming_staf:fotolijst", args=[consent.groepen["g5"].pk])
    before = _text(client.get(url).content)
    assert _row(before, g5)[-7] == "?"

    give_consent(leerling=g5, doel=doel(school), gegeven=True, ouder=consent.ouders["gezag"])
    after = _text(client.get(url).content)
    assert _row(after, g5)[-7] == "YES"
    assert len(renders) == 2

    nieuw = LeerlingFactory(groep=consent.groepen["g5"], achternaam="Zwanenburg")
    assert "Zwanenburg" in _text(client.get(url).content)

    g5.achternaam = "Veldkamp-Aalbers"
    g5.save()
    assert "Veldkamp-Aalbers" in _text(client.get(url).content)
    assert len(renders) == 4
    client.get(url)
    assert len(renders) == 4
    assert nieuw.pk


def test_each_user_gets_the_list_of_the_pupils_they_see(client, consent, renders):
    """The state holds the pupils the user sees in the group: another user's list is not handed out."""
    url = reverse("toestemming_staf:fotolijst", args=[consent.groepen["g5"].pk])
    client.force_login(consent.users["leerkracht"])
    client.get(url)
    client.force_login(consent.users["directeur"])
    client.get(url)
    assert len(renders) == 1  # the same pupils: the same list
