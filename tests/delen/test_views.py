"""The staff export flow: choose recipient, group, fields; preview; confirm -> file + record."""

import re

from django.urls import reverse

import pytest

from core.spreadsheet import parse_csv
from delen.models import Soort, Verstrekking

from .factories import today

pytestmark = pytest.mark.django_db


def form_data(world, velden, **extra):
    return {
        "groep": str(world.groepen["g5"].pk),
        "leerlingen": [str(world.pupils["g5"].pk)],
        "velden": velden,
        "formaat": "csv",
        "doel": "Oproep",
        **extra,
    }


def previewed(client, ontvanger, data) -> dict:
    """``data`` with the signed confirmation of its preview, as the preview page's form posts it:
    the confirmation (``delen:bevestig``) is only accepted from a preview."""
    preview = client.post(reverse("delen:controle", args=[ontvanger.pk]), data)
    assert preview.status_code == 200, preview.content.decode()[:2000]
    token = re.search(r'name="bevestiging" value="([^"]+)"', preview.content.decode())
    assert token
    return {**data, "bevestiging": token.group(1)}


def test_director_previews_and_confirms_a_jgz_export(world, register, client):
    jgz = register[Soort.JGZ]
    client.force_login(world.users["directeur"])
    page = client.get(
        reverse("delen:nieuw", args=[jgz.pk]), {"groep": world.groepen["g5"].pk}
    ).content.decode()
    assert world.pupils["g5"].achternaam in page and world.pupils["g6"].achternaam not in page
    assert "never given to the GGD/JGZ" in page  # the BSN is shown, marked with its rule
    data = form_data(world, ["achternaam", "geboortedatum", "brin6"])
    preview = client.post(reverse("delen:controle", args=[jgz.pk]), data)
    assert preview.status_code == 200 and world.pupils["g5"].achternaam in preview.content.decode()
    assert not Verstrekking.objects.exists()  # a preview discloses nothing
    response = client.post(reverse("delen:bevestig", args=[jgz.pk]), previewed(client, jgz, data))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    header, rows = parse_csv(response.content)
    assert header == ["achternaam", "geboortedatum", "brin6"] and len(rows) == 1
    v = Verstrekking.objects.get()
    assert v.kenmerk == response["X-Verstrekking"] and list(v.leerlingen.all()) == [
        world.pupils["g5"]
    ]
    assert client.get(reverse("delen:verstrekking", args=[v.pk])).status_code == 200
    pupil_page = client.get(
        reverse("delen:leerling", args=[world.pupils["g5"].pk])
    ).content.decode()
    assert v.kenmerk in pupil_page


def test_a_forged_field_is_rejected_and_a_refusal_names_the_rule(world, register, client):
    client.force_login(world.users["directeur"])
    jgz = register[Soort.JGZ]
    # A forbidden field added to a confirmed preview (only the preview's fields were checked).
    confirmed = previewed(client, jgz, form_data(world, ["achternaam"]))
    response = client.post(
        reverse("delen:bevestig", args=[jgz.pk]), {**confirmed, "velden": ["achternaam", "bsn"]}
    )
    assert response.status_code == 400 and not Verstrekking.objects.exists()
    vt = register[Soort.VEILIG_THUIS]
    response = client.post(
        reverse("delen:controle", args=[vt.pk]), form_data(world, ["achternaam"])
    )
    assert response.status_code == 400
    assert "The parents must be informed beforehand." in response.content.decode()
    data = form_data(world, ["achternaam"], ouders_geinformeerd_op=today().isoformat())
    response = client.post(reverse("delen:bevestig", args=[vt.pk]), previewed(client, vt, data))
    assert response.status_code == 200
    assert Verstrekking.objects.get().ouders_geinformeerd_op == today()


def test_preview_masks_the_bsn(world, register, client):
    client.force_login(world.users["directeur"])
    duo = register[Soort.DUO]
    response = client.post(
        reverse("delen:controle", args=[duo.pk]), form_data(world, ["bsn", "achternaam"])
    )
    assert response.status_code == 200
    assert world.pupils["g5"].bsn not in response.content.decode()
