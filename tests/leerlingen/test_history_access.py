"""History shows each past version only to those who may see that version (issue 15).

A dossier item that was medical, or very confidential, and is now an ordinary item must not show
its earlier text, date or author to the teacher, IB or FG who may see the item as it is now; reading
a special-category past version is written to the access log like reading the current record.
"""

from datetime import datetime

from django.urls import reverse
from django.utils import timezone

import pytest

from leerlingen.models import DossierItem, Gegevenscategorie, Groep, Toegangslog

from .factories import DossierItemFactory, UserFactory

pytestmark = pytest.mark.django_db

HIDDEN = {"titel": "Epilepsie", "inhoud": "Aanvallen tijdens gym"}
SHOWN = {"titel": "Leesniveau", "inhoud": "AVI plus"}
EARLIER = {
    "medisch": {"categorie": Gegevenscategorie.MEDISCH},
    "geheim": {"categorie": Gegevenscategorie.BEGELEIDING, "zeer_vertrouwelijk": True},
}


def _at(year: int) -> datetime:
    return timezone.make_aware(datetime(year, 3, 14, 10, 0))


def _save(item, user, year, **fields):
    for name, value in fields.items():
        setattr(item, name, value)
    item._history_user = user
    item._history_date = _at(year)
    item.save()


def _item_that_was(world, earlier: str) -> DossierItem:
    """An ordinary study item of the Groep 5 pupil that was created, in 1999, as ``earlier``."""
    author = UserFactory(username="schoolarts")
    item = DossierItem(leerling=world.pupils["g5"], **EARLIER[earlier], **HIDDEN)
    _save(item, author, 1999)
    _save(
        item,
        world.users["directeur"],
        2002,
        categorie=Gegevenscategorie.STUDIEVOORTGANG,
        zeer_vertrouwelijk=False,
        **SHOWN,
    )
    return item


def _versions(item):
    hidden, shown = item.history.order_by("history_date")
    return hidden, shown


def _history_page(client, item):
    response = client.get(reverse("admin:leerlingen_dossieritem_history", args=[item.pk]))
    assert response.status_code == 200
    return response


def _version_url(item, version, model="dossieritem"):
    return reverse(f"admin:leerlingen_{model}_simple_history", args=[item.pk, version.history_id])


@pytest.mark.parametrize(
    ("role", "earlier"),
    [
        ("leerkracht", "medisch"),
        ("leerkracht", "geheim"),
        ("ib", "geheim"),
        ("fg", "medisch"),
        ("fg", "geheim"),
    ],
)
def test_earlier_version_out_of_reach_is_not_shown(client, world, role, earlier):
    item = _item_that_was(world, earlier)
    hidden, shown = _versions(item)
    client.force_login(world.users[role])

    response = _history_page(client, item)
    page = response.content.decode()
    assert SHOWN["titel"] in page
    for text in (*HIDDEN.values(), "schoolarts", "1999"):
        assert text not in page, text
    assert [v.history_id for v in response.context["page_obj"].object_list] == [shown.history_id]

    assert client.get(_version_url(item, hidden)).status_code == 404
    assert client.get(_version_url(item, shown)).status_code == 200


def test_diff_skips_a_hidden_version_in_between(client, world):
    """Study, then medical, then study again: the teacher's diff runs from first to third."""
    item = DossierItemFactory(leerling=world.pupils["g5"], titel="Rekenen", inhoud="Tafels")
    _save(item, world.users["ib"], 2001, categorie=Gegevenscategorie.MEDISCH, **HIDDEN)
    _save(item, world.users["ib"], 2002, categorie=Gegevenscategorie.STUDIEVOORTGANG, **SHOWN)
    client.force_login(world.users["leerkracht"])
    response = _history_page(client, item)
    page = response.content.decode()
    assert "Rekenen" in page and SHOWN["titel"] in page
    for text in HIDDEN.values():
        assert text not in page, text
    listed = response.context["page_obj"].object_list
    # Not even its date: the hidden version of 2001 is not a row ("2001" itself may occur in a token).
    assert len(listed) == 2 and all(version.history_date.year != 2001 for version in listed)


def test_director_sees_every_version_and_reading_a_medical_one_is_logged(client, world):
    director = world.users["directeur"]
    item = _item_that_was(world, "medisch")
    hidden, shown = _versions(item)
    client.force_login(director)

    before = Toegangslog.objects.count()
    page = _history_page(client, item).content.decode()
    assert HIDDEN["titel"] in page and SHOWN["titel"] in page and "schoolarts" in page
    listed = Toegangslog.objects.order_by("-id").first()
    assert Toegangslog.objects.count() == before + 1
    assert (listed.gebruiker, listed.soort, listed.object_id, listed.categorieen) == (
        director,
        Toegangslog.Soort.INZAGE,
        str(item.pk),
        "medisch",
    )

    response = client.get(_version_url(item, hidden))
    assert response.status_code == 200 and HIDDEN["inhoud"] in response.content.decode()
    read = Toegangslog.objects.order_by("-id").first()
    assert Toegangslog.objects.count() == before + 2
    assert (read.gebruiker, read.soort, read.leerling) == (
        director,
        Toegangslog.Soort.INZAGE,
        world.pupils["g5"],
    )
    assert (read.object_type, read.object_id) == ("dossieritem", str(item.pk))
    assert read.categorieen == "medisch"

    # The ordinary version of the same item is no special-category read.
    assert client.get(_version_url(item, shown)).status_code == 200
    assert Toegangslog.objects.count() == before + 2


def test_a_past_version_is_read_only(client, world):
    """Revert is disabled: a posted past version is not written back (by a read-only role least)."""
    item = DossierItemFactory(leerling=world.pupils["g5"], titel="Oud", inhoud="Eerst")
    _save(item, world.users["directeur"], 2002, titel="Nieuw", inhoud="Daarna")
    first = item.history.order_by("history_date").first()
    form = {
        "leerling": item.leerling_id,
        "categorie": item.categorie,
        "titel": "Oud",
        "inhoud": "Eerst",
        "bron": "",
        "datum": item.datum.isoformat(),
    }
    for role in ("fg", "ib", "directeur"):
        client.force_login(world.users[role])
        response = client.post(_version_url(item, first), form)
        item.refresh_from_db()
        assert (role, response.status_code, item.titel) == (role, 405, "Nieuw")


def test_visible_history_applies_the_rule_to_each_version(world):
    from leerlingen.access import visible_history

    item = _item_that_was(world, "medisch")
    hidden, shown = _versions(item)
    versions = visible_history(DossierItem, world.users["leerkracht"]).filter(id=item.pk)
    assert list(versions.values_list("history_id", flat=True)) == [shown.history_id]
    all_versions = visible_history(DossierItem, world.users["directeur"]).filter(id=item.pk)
    assert set(all_versions.values_list("history_id", flat=True)) == {
        hidden.history_id,
        shown.history_id,
    }
    administratie = world.users["administratie"]
    assert not visible_history(DossierItem, administratie).filter(id=item.pk).exists()
    # A model without a rule of its own: every version of a record the user may see now.
    groepen = set(visible_history(Groep, world.users["leerkracht"]).values_list("id", flat=True))
    assert groepen == {world.groepen["g5"].pk}


def test_pupil_who_moved_shows_no_versions_from_the_other_board(client, world):
    pupil = world.pupils["b1"]
    pupil.woonplaats = "Oudeplaats"
    pupil.save()
    pupil.groep, pupil.school = world.groepen["g5"], world.schools["a1"]
    pupil.woonplaats = "Nieuwdorp"
    pupil.save()
    pupil.woonplaats = "Nieuwdorp-Oost"
    pupil.save()
    client.force_login(world.users["leerkracht"])
    response = client.get(reverse("admin:leerlingen_leerling_history", args=[pupil.pk]))
    page = response.content.decode()
    assert "Nieuwdorp-Oost" in page and "Oudeplaats" not in page
    assert len(response.context["page_obj"].object_list) == 2  # the move and the change after it


def test_reading_a_bsn_through_history_is_logged(client, world):
    from leerlingen.demo import bsn_from

    pupil = world.pupils["g5"]
    pupil.bsn = bsn_from(55_555_555)
    pupil.set_bsn_hash()
    pupil.save()
    director = world.users["directeur"]
    client.force_login(director)
    before = Toegangslog.objects.filter(categorieen="bsn").count()
    history_url = reverse("admin:leerlingen_leerling_history", args=[pupil.pk])
    assert client.get(history_url).status_code == 200
    first = pupil.history.order_by("history_date").first()
    assert client.get(_version_url(pupil, first, "leerling")).status_code == 200
    rows = Toegangslog.objects.filter(categorieen="bsn").order_by("id")[before:]
    assert [(r.gebruiker, r.leerling_id, r.object_id, r.reden) for r in rows] == [
        (director, pupil.pk, str(pupil.pk), "admin: pupil record history")
    ] * 2


def test_rectification_lists_only_dossier_changes_the_handler_may_see(client, world):
    """Outside the admin: a request's "changed since receipt" is read from the history too."""
    from verzoeken import services
    from verzoeken.models import IdDocument, Soort

    administratie = world.users["administratie"]
    v = services.file_request(
        leerling=world.pupils["g5"],
        soort=Soort.RECTIFICATIE,
        kanaal="brief",
        ouder=world.ouders["gezag"],
        omschrijving="Klopt niet",
        vastgelegd_door=administratie,
    )
    services.record_identity(verzoek=v, document_soort=IdDocument.ID_KAART, user=administratie)
    DossierItemFactory(leerling=world.pupils["g5"], medisch=True)
    client.force_login(administratie)
    response = client.get(reverse("verzoeken:detail", args=[v.pk]))
    assert response.status_code == 200
    assert "dossier_medisch" not in response.context["changed"]
    client.force_login(world.users["directeur"])
    response = client.get(reverse("verzoeken:detail", args=[v.pk]))
    assert "dossier_medisch" in response.context["changed"]


def test_history_of_a_model_without_its_own_rule_follows_the_admin_scope(client, world):
    """Grants on very confidential items have no ``visible_to``: their history is scoped as
    their admin list is (the director's)."""
    from guardian.shortcuts import assign_perm

    grant = assign_perm("leerlingen.view_dossieritem", world.users["ib"], world.items["geheim"])
    url = reverse("admin:leerlingen_dossieritemgrant_history", args=[grant.pk])
    client.force_login(world.users["directeur"])
    assert client.get(url).status_code == 200
    version = grant.history.get()
    version_url = _version_url(grant, version, "dossieritemgrant")
    assert client.get(version_url).status_code == 200
    client.force_login(world.users["fg"])
    assert client.get(url).status_code == 404 and client.get(version_url).status_code == 404
