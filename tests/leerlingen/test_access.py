"""The access matrix: every role against every admin list and detail of the pupil register."""

from django.urls import reverse

import pytest

from leerlingen.models import DossierItem, Groep, Leerling, Ouder, Rol, School
from leerlingen.roles import grant_role, revoke_role

pytestmark = pytest.mark.django_db

ALL_PUPILS = {"g5", "g6", "a2_16", "a2_15", "b1"}

EXPECTED_PUPILS = {
    "directeur": {"g5", "g6"},
    "ib": {"g5", "g6"},
    "administratie": {"g5", "g6"},
    "leerkracht": {"g5"},
    "fg": {"g5", "g6", "a2_16", "a2_15"},
    "bestuur": {"g5", "g6", "a2_16", "a2_15"},
    "buitenstaander": set(),
    "beheerder": ALL_PUPILS,
    "ouder_gezag": {"g5"},
    "ouder_zonder_gezag": {"g5"},  # sees, but may not decide (consent)
    "ouder_ander": {"g6"},
    "leerling_a2_16": {"a2_16"},
    "leerling_a2_15": set(),  # the own record opens at 16
}

ALL_ITEMS = {"studie", "medisch", "religie", "geheim", "financieel", "medisch_b1"}
EXPECTED_ITEMS = {
    "directeur": {"studie", "medisch", "religie", "geheim", "financieel"},
    "ib": {"studie", "medisch", "religie", "financieel"},
    "administratie": {"financieel"},  # never care data (seed 002)
    "leerkracht": {"studie"},
    "fg": {"studie", "financieel"},
    "bestuur": set(),
    "buitenstaander": set(),
    "beheerder": ALL_ITEMS,
    "ouder_gezag": set(),
    "leerling_a2_16": set(),
}

STAFF = [
    "directeur",
    "ib",
    "administratie",
    "leerkracht",
    "fg",
    "bestuur",
    "buitenstaander",
    "beheerder",
]
PORTAL_USERS = [
    "ouder_gezag",
    "ouder_zonder_gezag",
    "ouder_ander",
    "leerling_a2_16",
    "leerling_a2_15",
]


def names(world, queryset, mapping):
    ids = set(queryset.values_list("pk", flat=True))
    return {key for key, obj in mapping.items() if obj.pk in ids}


@pytest.mark.parametrize("role", EXPECTED_PUPILS)
def test_visible_pupils(world, role):
    visible = Leerling.objects.visible_to(world.users[role])
    assert names(world, visible, world.pupils) == EXPECTED_PUPILS[role]


@pytest.mark.parametrize("role", EXPECTED_ITEMS)
def test_visible_dossier_items(world, role):
    visible = DossierItem.objects.visible_to(world.users[role])
    assert names(world, visible, world.items) == EXPECTED_ITEMS[role]


def test_very_confidential_item_per_record_grant(world):
    from guardian.shortcuts import assign_perm

    ib = world.users["ib"]
    assert not DossierItem.objects.visible_to(ib).filter(pk=world.items["geheim"].pk).exists()
    assign_perm("leerlingen.view_dossieritem", ib, world.items["geheim"])
    assert DossierItem.objects.visible_to(ib).filter(pk=world.items["geheim"].pk).exists()


def test_visibility_is_one_query_after_the_scope(world, django_assert_num_queries):
    """The grants are read once per user object (one query), then every list is one query."""
    teacher, ib = world.users["leerkracht"], world.users["ib"]
    with django_assert_num_queries(2):
        list(Leerling.objects.visible_to(teacher))
    with django_assert_num_queries(1):
        list(Leerling.objects.visible_to(teacher))
    with django_assert_num_queries(2):
        list(DossierItem.objects.visible_to(ib))
    with django_assert_num_queries(1):
        list(Ouder.objects.visible_to(ib))


def test_a_new_grant_is_seen_at_once(world):
    teacher = world.users["leerkracht"]
    assert not Leerling.objects.visible_to(teacher).filter(groep=world.groepen["g6"]).exists()
    grant_role(user=teacher, rol=Rol.LEERKRACHT, container=world.groepen["g6"])
    assert Leerling.objects.visible_to(teacher).filter(groep=world.groepen["g6"]).exists()
    revoke_role(user=teacher, rol=Rol.LEERKRACHT, container=world.groepen["g6"])
    assert not Leerling.objects.visible_to(teacher).filter(groep=world.groepen["g6"]).exists()


def test_the_pupil_list_uses_the_school_index_at_any_size(world):
    """No OR of subqueries (a scan of every pupil in the country): literal ids on indexed columns."""
    sql = str(Leerling.objects.visible_to(world.users["fg"]).query)
    assert "SELECT" not in sql.split("WHERE", 1)[1]


def test_inactive_and_anonymous_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not Leerling.objects.visible_to(AnonymousUser()).exists()
    user = world.users["directeur"]
    user.is_active = False
    assert not Leerling.objects.visible_to(user).exists()


def test_guardians_schools_groups(world):
    teacher = world.users["leerkracht"]
    assert set(Ouder.objects.visible_to(teacher)) == {
        world.ouders["gezag"],
        world.ouders["zonder_gezag"],
    }
    assert set(Groep.objects.visible_to(teacher)) == {world.groepen["g5"]}
    assert set(School.objects.visible_to(world.users["fg"])) == {
        world.schools["a1"],
        world.schools["a2"],
    }
    assert set(Ouder.objects.visible_to(world.users["ouder_gezag"])) == {world.ouders["gezag"]}


# --- admin pages ---------------------------------------------------------------------------


def changelist_rows(client, model):
    response = client.get(reverse(f"admin:leerlingen_{model}_changelist"))
    assert response.status_code == 200
    return {obj.pk for obj in response.context["cl"].result_list}


@pytest.mark.parametrize("role", STAFF)
def test_admin_pupil_list_and_detail(client, world, role):
    client.force_login(world.users[role])
    expected = EXPECTED_PUPILS[role]
    if expected or role == "buitenstaander":
        if role == "buitenstaander":  # staff without a role: no model permission at all
            assert client.get(reverse("admin:leerlingen_leerling_changelist")).status_code == 404
        else:
            assert changelist_rows(client, "leerling") == {world.pupils[k].pk for k in expected}
    for key, pupil in world.pupils.items():
        for view in ("change", "history"):
            response = client.get(reverse(f"admin:leerlingen_leerling_{view}", args=[pupil.pk]))
            if key in expected:
                assert response.status_code == 200, (role, key, view)
            else:
                assert response.status_code == 404, (role, key, view)


@pytest.mark.parametrize(
    "role", ["directeur", "ib", "administratie", "leerkracht", "fg", "beheerder"]
)
def test_admin_dossier_list_and_detail(client, world, role):
    client.force_login(world.users[role])
    expected = EXPECTED_ITEMS[role]
    assert changelist_rows(client, "dossieritem") == {world.items[k].pk for k in expected}
    for key, item in world.items.items():
        response = client.get(reverse("admin:leerlingen_dossieritem_change", args=[item.pk]))
        assert response.status_code == (200 if key in expected else 404), (role, key)


def test_board_staff_has_no_dossier_pages(client, world):
    client.force_login(world.users["bestuur"])
    assert client.get(reverse("admin:leerlingen_dossieritem_changelist")).status_code == 404


@pytest.mark.parametrize("role", PORTAL_USERS)
def test_portal_users_never_reach_the_admin(client, world, role):
    client.force_login(world.users[role])
    response = client.get(reverse("admin:leerlingen_leerling_change", args=[world.pupils["g5"].pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(reverse("admin:leerlingen_leerling_changelist"))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("role", ["directeur", "administratie", "leerkracht", "fg"])
def test_admin_guardian_list(client, world, role):
    client.force_login(world.users[role])
    expected = set(Ouder.objects.visible_to(world.users[role]).values_list("pk", flat=True))
    assert changelist_rows(client, "ouder") == expected
    other_board = Ouder.objects.get(achternaam="Evers")
    assert (
        client.get(reverse("admin:leerlingen_ouder_change", args=[other_board.pk])).status_code
        == 404
    )


def test_fg_is_read_only(client, world):
    client.force_login(world.users["fg"])
    pupil = world.pupils["g5"]
    url = reverse("admin:leerlingen_leerling_change", args=[pupil.pk])
    response = client.post(url, {"achternaam": "Gewijzigd"})
    assert response.status_code == 403
    pupil.refresh_from_db()
    assert pupil.achternaam == "Aalbers"


def test_teacher_cannot_pick_another_groups_pupil_for_an_item(client, world):
    client.force_login(world.users["leerkracht"])
    response = client.get(reverse("admin:leerlingen_leerling_change", args=[world.pupils["g5"].pk]))
    assert "Evers" not in response.content.decode()
