"""Who may disclose and who sees which disclosures (DESIGN.md §3): querysets and pages."""

from django.urls import reverse

import pytest

from delen.models import Ontvanger, Soort, Verstrekking
from delen.rules import DisclosureRefused
from delen.services import disclose, ensure_default_register

pytestmark = pytest.mark.django_db


def kinds(qs):
    return {o.soort for o in qs}


ALL_KINDS = {s for s in Soort.values if s != Soort.OVERIG}


def test_who_may_disclose_to_whom(world, register):
    a1 = world.schools["a1"]
    by = lambda name: kinds(Ontvanger.objects.disclosable_by(world.users[name]).filter(school=a1))  # noqa: E731
    assert by("directeur") == ALL_KINDS
    assert by("ib") == ALL_KINDS
    assert by("administratie") == {Soort.DUO, Soort.LEERPLICHT}
    for name in ("leerkracht", "fg", "bestuur", "buitenstaander", "ouder_gezag", "leerling_a2_16"):
        assert by(name) == set(), name


def test_teacher_cannot_disclose(world, aanvraag, client):
    with pytest.raises(DisclosureRefused) as exc:
        disclose(
            user=world.users["leerkracht"],
            aanvraag=aanvraag(Soort.JGZ, leerlingen=[world.pupils["g5"]]),
        )
    assert exc.value.weigeringen[0].regel == "toegang"
    client.force_login(world.users["leerkracht"])
    jgz = Ontvanger.objects.get(school=world.schools["a1"], soort=Soort.JGZ)
    assert client.get(reverse("delen:nieuw", args=[jgz.pk])).status_code == 404
    assert client.post(reverse("delen:bevestig", args=[jgz.pk]), {}).status_code == 404
    assert not Verstrekking.objects.exists()


def test_administrative_staff_duo_yes_care_data_no(world, aanvraag, client):
    user = world.users["administratie"]
    export = disclose(user=user, aanvraag=aanvraag(Soort.DUO))
    assert export.verstrekking.opgesteld_door == user
    disclose(user=user, aanvraag=aanvraag(Soort.LEERPLICHT))
    for soort in (Soort.ZORGTEAM, Soort.VEILIG_THUIS, Soort.INSPECTIE):
        with pytest.raises(DisclosureRefused) as exc:
            disclose(
                user=user,
                aanvraag=aanvraag(
                    soort, leerlingen=[world.pupils["g5"]], ouders_geinformeerd_op=None
                ),
            )
        assert exc.value.weigeringen[0].regel == "toegang"
    client.force_login(user)
    zorgteam = Ontvanger.objects.get(school=world.schools["a1"], soort=Soort.ZORGTEAM)
    assert client.get(reverse("delen:nieuw", args=[zorgteam.pk])).status_code == 404
    duo = Ontvanger.objects.get(school=world.schools["a1"], soort=Soort.DUO)
    assert client.get(reverse("delen:nieuw", args=[duo.pk])).status_code == 200


def test_fg_sees_all_disclosures_of_the_board_and_nothing_else(world, aanvraag, client):
    ensure_default_register(world.schools["b1"])
    a1 = disclose(
        user=world.users["directeur"],
        aanvraag=aanvraag(
            Soort.ZORGTEAM, leerlingen=[world.pupils["g5"]], velden=["jaargroep"], anoniem=True
        ),
    ).verstrekking
    a1_duo = disclose(user=world.users["administratie"], aanvraag=aanvraag(Soort.DUO)).verstrekking
    admin = world.users["beheerder"]
    a2_jgz = Ontvanger.objects.get(school=world.schools["a2"], soort=Soort.JGZ)
    a2 = disclose(
        user=admin, aanvraag=aanvraag(a2_jgz, leerlingen=[world.pupils["a2_15"]])
    ).verstrekking
    b1_jgz = Ontvanger.objects.get(school=world.schools["b1"], soort=Soort.JGZ)
    b1 = disclose(
        user=admin, aanvraag=aanvraag(b1_jgz, leerlingen=[world.pupils["b1"]])
    ).verstrekking

    def seen(name):
        return set(Verstrekking.objects.visible_to(world.users[name]).values_list("pk", flat=True))

    assert seen("fg") == {a1.pk, a1_duo.pk, a2.pk}
    assert seen("directeur") == seen("ib") == {a1.pk, a1_duo.pk}
    assert seen("administratie") == {a1_duo.pk}  # the DUO export, not the care-team case
    for name in ("leerkracht", "bestuur", "buitenstaander", "ouder_gezag"):
        assert seen(name) == set(), name

    client.force_login(world.users["fg"])
    assert client.get(reverse("delen:verstrekking", args=[a2.pk])).status_code == 200
    assert client.get(reverse("delen:verstrekking", args=[b1.pk])).status_code == 404
    page = client.get(reverse("delen:index")).content.decode()
    assert a1.kenmerk in page and a2.kenmerk in page and b1.kenmerk not in page
    client.force_login(world.users["administratie"])
    assert client.get(reverse("delen:verstrekking", args=[a1.pk])).status_code == 404


def test_admin_lists_are_scoped(world, aanvraag, client):
    disclose(user=world.users["directeur"], aanvraag=aanvraag(Soort.DUO))
    client.force_login(world.users["fg"])
    assert client.get(reverse("admin:delen_verstrekking_changelist")).status_code == 200
    assert client.get(reverse("admin:delen_ontvanger_changelist")).status_code == 200
    client.force_login(world.users["leerkracht"])
    assert client.get(reverse("admin:delen_verstrekking_changelist")).status_code in (403, 404)
    other = Ontvanger.objects.get(school=world.schools["a2"], soort=Soort.DUO)
    client.force_login(world.users["directeur"])
    assert client.get(reverse("admin:delen_ontvanger_change", args=[other.pk])).status_code == 404
    v = Verstrekking.objects.get()
    assert client.get(reverse("admin:delen_verstrekking_change", args=[v.pk])).status_code == 200
    assert (
        client.post(
            reverse("admin:delen_verstrekking_delete", args=[v.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert Verstrekking.objects.exists()


def test_register_of_processing_for_director_fg_and_board_only(world, register, client):
    url = reverse("delen:register", args=[world.schools["a1"].pk])
    for name, status in [
        ("directeur", 200),
        ("fg", 200),
        ("bestuur", 200),
        ("ib", 404),
        ("administratie", 404),
        ("leerkracht", 404),
        ("buitenstaander", 404),
    ]:
        client.force_login(world.users[name])
        assert client.get(url).status_code == status, name
