"""The BSN/PGN and special-category contents are encrypted at rest; a keyed hash finds the BSN."""

from django.db import connection
from django.urls import reverse

import pytest

from leerlingen.models import DossierItem, Leerling, Toegangslog
from leerlingen.validators import bsn_is_valid

pytestmark = pytest.mark.django_db


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@pytest.mark.parametrize(
    "value,valid",
    [
        ("111222333", True),
        ("123456782", True),
        ("123456789", False),
        ("12345678", False),
        ("abcdefghi", False),
        ("000000000", False),
    ],
)
def test_eleven_test(value, valid):
    assert bsn_is_valid(value) is valid


def test_no_plain_bsn_or_care_text_in_any_column(world):
    pupil = world.pupils["g5"]
    rows = raw("SELECT bsn, bsn_hash FROM leerlingen_leerling WHERE id = %s", [pupil.pk])
    stored, digest = rows[0]
    assert pupil.bsn not in stored and stored.startswith("fernet:")
    assert len(digest) == 64 and pupil.bsn not in digest
    history = raw("SELECT bsn FROM leerlingen_historicalleerling WHERE id = %s", [pupil.pk])
    assert all(pupil.bsn not in value for (value,) in history)
    item = world.items["medisch"]
    (stored_item,) = raw("SELECT inhoud FROM leerlingen_dossieritem WHERE id = %s", [item.pk])[0]
    assert "Dyslexie" not in stored_item
    assert DossierItem.objects.get(pk=item.pk).inhoud == "Dyslexieverklaring"


def test_same_bsn_twice_in_one_school_is_refused(world):
    from django.db import IntegrityError, transaction

    from tests.leerlingen.factories import LeerlingFactory

    with pytest.raises(IntegrityError), transaction.atomic():
        LeerlingFactory(groep=world.groepen["g5"], bsn=world.pupils["g5"].bsn)


def test_admin_search_by_full_bsn_for_director_only(client, world):
    pupil = world.pupils["g5"]
    url = reverse("admin:leerlingen_leerling_changelist")
    client.force_login(world.users["directeur"])
    rows = client.get(url, {"q": pupil.bsn}, follow=True).context["cl"].result_list  # by its hash
    assert [p.pk for p in rows] == [pupil.pk]
    client.force_login(world.users["leerkracht"])
    assert list(client.get(url, {"q": pupil.bsn}, follow=True).context["cl"].result_list) == []


def test_bsn_field_shown_only_to_director_and_administration(client, world):
    pupil = world.pupils["g5"]
    url = reverse("admin:leerlingen_leerling_change", args=[pupil.pk])
    for role, shown in [
        ("directeur", True),
        ("administratie", True),
        ("ib", False),
        ("leerkracht", False),
        ("fg", False),
    ]:
        client.force_login(world.users[role])
        assert (pupil.bsn in client.get(url).content.decode()) is shown, role


def test_reading_bsn_and_special_items_is_logged(client, world):
    director = world.users["directeur"]
    client.force_login(director)
    client.get(reverse("admin:leerlingen_leerling_change", args=[world.pupils["g5"].pk]))
    client.get(reverse("admin:leerlingen_dossieritem_change", args=[world.items["medisch"].pk]))
    client.get(reverse("admin:leerlingen_dossieritem_change", args=[world.items["studie"].pk]))
    entries = Toegangslog.objects.filter(gebruiker=director).order_by("tijdstip")
    assert [(e.object_type, e.categorieen) for e in entries] == [
        ("leerling", "bsn"),
        ("dossieritem", "medisch"),
    ]
    assert all(world.pupils["g5"].achternaam not in str(e.__dict__) for e in entries)


def test_fg_sees_the_access_log_of_the_board(client, world):
    client.force_login(world.users["directeur"])
    client.get(reverse("admin:leerlingen_leerling_change", args=[world.pupils["g5"].pk]))
    client.force_login(world.users["fg"])
    rows = client.get(reverse("admin:leerlingen_toegangslog_changelist")).context["cl"].result_list
    assert len(rows) == 1
    assert Leerling.objects.count() == 5
