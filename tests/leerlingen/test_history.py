"""Every change to the register writes history with the acting user; the admin shows it."""

from django.urls import reverse

import pytest

from leerlingen.models import DossierItem, Gezagsrelatie, Leerling

pytestmark = pytest.mark.django_db


def leerling_form(pupil, **changes):
    data = {
        "voornamen": pupil.voornamen,
        "roepnaam": pupil.roepnaam,
        "tussenvoegsel": pupil.tussenvoegsel,
        "achternaam": pupil.achternaam,
        "geboortedatum": pupil.geboortedatum.isoformat(),
        "geslacht": pupil.geslacht,
        "geboorteplaats": "",
        "nationaliteit": "",
        "school": pupil.school_id,
        "groep": pupil.groep_id,
        "leerlingnummer": pupil.leerlingnummer,
        "datum_inschrijving": pupil.datum_inschrijving.isoformat(),
        "datum_uitschrijving": "",
        "straat": "",
        "huisnummer": "",
        "postcode": "",
        "woonplaats": "",
        "telefoon": "",
        "email": "",
        "bsn": pupil.bsn,
        "eck_id": "",
        "account": "",
        "relaties-TOTAL_FORMS": "0",
        "relaties-INITIAL_FORMS": "0",
        "dossieritems-TOTAL_FORMS": "0",
        "dossieritems-INITIAL_FORMS": "0",
        "ouderinzagen-TOTAL_FORMS": "0",  # the pupil's 18+ decisions, read-only
        "ouderinzagen-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_change_through_admin_writes_history_with_user(client, world):
    director = world.users["directeur"]
    pupil = world.pupils["g5"]
    client.force_login(director)
    url = reverse("admin:leerlingen_leerling_change", args=[pupil.pk])
    response = client.post(url, leerling_form(pupil, achternaam="Aalbers-de Wit"))
    assert response.status_code == 302, (
        response.context["adminform"].form.errors if response.context else ""
    )
    latest = pupil.history.latest()
    assert latest.history_type == "~"
    assert latest.achternaam == "Aalbers-de Wit"
    assert latest.history_user == director


def test_create_and_delete_write_history(client, world):
    director = world.users["directeur"]
    client.force_login(director)
    url = reverse("admin:leerlingen_dossieritem_add")
    response = client.post(
        url,
        {
            "leerling": world.pupils["g5"].pk,
            "categorie": "medisch",
            "titel": "Allergie",
            "inhoud": "Pinda",
            "bron": "Ouders",
            "datum": "2026-11-01",
        },
    )
    assert response.status_code == 302
    item = DossierItem.objects.get(titel="Allergie")
    assert item.history.get().history_type == "+"
    assert item.history.get().history_user == director

    response = client.post(
        reverse("admin:leerlingen_dossieritem_delete", args=[item.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    deleted = DossierItem.history.filter(id=item.pk, history_type="-").get()
    assert deleted.history_user == director


def test_custody_relation_through_model_has_history(client, world):
    director = world.users["directeur"]
    pupil = world.pupils["g6"]
    ouder = world.ouders["ander"]
    relatie = Gezagsrelatie.objects.get(leerling=pupil, ouder=ouder)
    client.force_login(director)
    data = leerling_form(
        pupil,
        **{
            "relaties-TOTAL_FORMS": "1",
            "relaties-INITIAL_FORMS": "1",
            "relaties-0-id": relatie.pk,
            "relaties-0-leerling": pupil.pk,
            "relaties-0-ouder": ouder.pk,
            "relaties-0-relatie": "moeder",
        },
    )  # heeft_gezag unticked: the parent loses parental authority
    response = client.post(reverse("admin:leerlingen_leerling_change", args=[pupil.pk]), data)
    assert response.status_code == 302
    latest = relatie.history.latest()
    assert latest.heeft_gezag is False and latest.history_user == director


def test_role_grants_have_history(world):
    from leerlingen.models import SchoolGrant

    grant = SchoolGrant.objects.get(user=world.users["directeur"])
    assert grant.history.filter(history_type="+").exists()


def test_admin_history_page_lists_the_change_and_hides_bsn_from_teacher(client, world):
    pupil = world.pupils["g5"]
    old_bsn = pupil.bsn
    from leerlingen.demo import bsn_from

    pupil.bsn = bsn_from(55_555_555)
    pupil.set_bsn_hash()
    pupil.save()
    client.force_login(world.users["directeur"])
    page = client.get(
        reverse("admin:leerlingen_leerling_history", args=[pupil.pk])
    ).content.decode()
    assert pupil.bsn in page and old_bsn in page
    client.force_login(world.users["leerkracht"])
    page = client.get(
        reverse("admin:leerlingen_leerling_history", args=[pupil.pk])
    ).content.decode()
    assert pupil.bsn not in page and old_bsn not in page


def test_every_model_has_history():
    from django.apps import apps

    untracked = []
    for app in ("leerlingen", "toestemming", "verzoeken", "delen"):
        for model in apps.get_app_config(app).get_models():
            name = model.__name__
            if name.startswith("Historical") or name == "Toegangslog":
                continue  # the access log is append-only: its rows are never changed
            if not hasattr(model, "history"):
                untracked.append(name)
    assert untracked == []
    assert hasattr(Leerling, "history")
