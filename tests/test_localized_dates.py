"""Dates on the FG's access review and in the breach register PDF read in the interface's
language: "3 maart 2026" in Dutch, "3 March 2026" in English (a browser walk found the English
abbreviation "29 Nov" on both)."""

import subprocess
from datetime import datetime

from django.urls import reverse
from django.utils import timezone

import pytest

from leerlingen import audit
from leerlingen.models import Toegangslog

from .datalekken.test_register import incident
from .delen.conftest import register  # noqa: F401  (fixture: the standard register of A1)

pytestmark = pytest.mark.django_db

WHEN = timezone.make_aware(datetime(2026, 3, 3, 10, 15))
MONTH = {"nl": "3 maart 2026", "en": "3 March 2026"}
ABBREVIATED = {"nl": "3 Mrt 2026", "en": "3 Mar 2026"}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_access_review_dates_in_the_interface_language(client, world, language):
    item = world.items["medisch"]
    entry = audit.special_data_viewed(
        user=world.users["ib"],
        leerling=item.leerling,
        obj=item,
        categorieen={"medisch"},
        reden="admin: dossier item",
    )
    Toegangslog.objects.filter(pk=entry.pk).update(tijdstip=WHEN)
    client.cookies["django_language"] = language
    client.force_login(world.users["fg"])
    html = client.get("/staf/toegangscontrole/", {"van": "2026-03-01", "tot": "2026-03-31"})
    text = html.content.decode()
    assert f"{MONTH[language]} 10:15" in text
    assert ABBREVIATED[language] not in text


@pytest.mark.parametrize("language", ["nl", "en"])
def test_breach_register_pdf_dates_in_the_interface_language(client, world, language, tmp_path):
    from datalekken.models import Datalek

    d = incident(world)
    Datalek.objects.filter(pk=d.pk).update(ontdekt_op=WHEN)
    client.cookies["django_language"] = language
    client.force_login(world.users["fg"])
    response = client.get("/staf/datalekken/", {"formaat": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "register.pdf"
    pdf.write_bytes(response.content)
    text = " ".join(
        subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    assert MONTH[language] in text, text
    assert ABBREVIATED[language] not in text


@pytest.mark.parametrize("language", ["nl", "en"])
def test_disclosure_log_dates_in_the_interface_language(client, world, register, language):  # noqa: F811
    from delen.models import Soort
    from delen.rules import Aanvraag
    from delen.services import disclose

    pupil = world.pupils["g5"]
    aanvraag = Aanvraag(
        ontvanger=register[Soort.JGZ], leerlingen=[pupil], velden=["achternaam"], doel="Oproep"
    )
    disclose(user=world.users["directeur"], aanvraag=aanvraag, on_date=WHEN.date(), tijdstip=WHEN)
    client.cookies["django_language"] = language
    client.force_login(world.users["directeur"])
    for url in (reverse("delen:index"), reverse("delen:leerling", args=[pupil.pk])):
        text = client.get(url).content.decode()
        assert MONTH[language] in text, url
        assert ABBREVIATED[language] not in text, url
