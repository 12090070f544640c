"""Corrections reach the recipients (AVG art. 19, issue 17): a correction of a disclosed field made
directly in the register or by an import creates one follow-up per recipient that received that
field, and none for a recipient that did not get it."""

from django.urls import reverse

import pytest

from delen.models import Soort
from delen.rules import Aanvraag
from delen.services import disclose, ensure_default_register
from verzoeken.models import Rectificatiemelding

from ..leerlingen.test_history import leerling_form as _leerling_form

pytestmark = pytest.mark.django_db


def leerling_form(pupil, **changes):
    """The admin's pupil form, with the empty inline of the 18+ decisions (read-only there)."""
    return {
        "ouderinzagen-TOTAL_FORMS": "0",
        "ouderinzagen-INITIAL_FORMS": "0",
        **_leerling_form(pupil, **changes),
    }


def _disclose(user, ontvanger, pupils, velden):
    disclose(
        user=user,
        aanvraag=Aanvraag(ontvanger=ontvanger, leerlingen=pupils, velden=velden, doel="test"),
    )


def test_a_register_edit_follows_up_with_each_recipient_of_the_field(world, client):
    ensure_default_register(world.schools["a1"])
    register = {o.soort: o for o in world.schools["a1"].ontvangers.all()}
    director, pupil = world.users["directeur"], world.pupils["g5"]
    _disclose(director, register[Soort.JGZ], [pupil], ["achternaam", "geboortedatum"])
    _disclose(director, register[Soort.JGZ], [pupil], ["achternaam"])  # twice to the same recipient
    _disclose(director, register[Soort.ACCOUNTANT], [pupil], ["leerlingnummer", "geboortedatum"])

    client.force_login(director)
    pupil.refresh_from_db()
    url = reverse("admin:leerlingen_leerling_change", args=[pupil.pk])
    response = client.post(url, leerling_form(pupil, achternaam="Aalbers-de Wit"))
    assert response.status_code == 302
    melding = Rectificatiemelding.objects.get()  # the JGZ got the surname; the accountant did not
    assert (melding.ontvanger, melding.bron, melding.leerling, melding.verzoek) == (
        register[Soort.JGZ],
        "register",
        pupil,
        None,
    )
    assert melding.velden == ["achternaam"] and len(melding.verstrekkingen) == 2
    assert melding.history.get().history_user == director

    pupil.refresh_from_db()
    response = client.post(url, leerling_form(pupil, geboortedatum="2016-02-29"))
    assert response.status_code == 302
    latest = Rectificatiemelding.objects.filter(velden=["geboortedatum"])
    assert sorted(m.ontvanger.soort for m in latest) == ["accountant", "jgz"]

    # The follow-ups are the school's to complete; another board's FG and a teacher never see them.
    assert Rectificatiemelding.objects.visible_to(director).count() == 3
    assert Rectificatiemelding.objects.visible_to(world.users["fg"]).count() == 3
    assert not Rectificatiemelding.objects.visible_to(world.users["leerkracht"]).exists()
    changelist = client.post(
        reverse("admin:verzoeken_rectificatiemelding_changelist"),
        {"action": "mark_informed_today", "_selected_action": [melding.pk]},
    )
    assert changelist.status_code == 302
    melding.refresh_from_db()
    assert melding.afgerond and melding.geinformeerd_door == director


def test_an_edit_of_an_undisclosed_field_makes_no_follow_up(world, client):
    ensure_default_register(world.schools["a1"])
    jgz = world.schools["a1"].ontvangers.get(soort=Soort.JGZ)
    pupil = world.pupils["g5"]
    _disclose(world.users["directeur"], jgz, [pupil], ["achternaam"])
    client.force_login(world.users["directeur"])
    pupil.refresh_from_db()
    response = client.post(
        reverse("admin:leerlingen_leerling_change", args=[pupil.pk]),
        leerling_form(pupil, roepnaam="Anna-Lena"),
    )
    assert response.status_code == 302
    assert not Rectificatiemelding.objects.exists()


def test_a_correction_by_import_follows_up_with_each_recipient_of_the_field(db):
    from types import SimpleNamespace

    from leerlingen.imports import services as imports
    from leerlingen.models import Leerling, Rol
    from leerlingen.roles import grant_role

    from ..leerlingen.factories import BestuurFactory, GroepFactory, SchoolFactory, UserFactory
    from ..leerlingen.test_import import PO_GROUPS, data

    school = SchoolFactory(
        bestuur=BestuurFactory(naam="Stichting Rivierenland"), naam="OBS De Vlieger", brin="07XY"
    )
    for naam in PO_GROUPS:
        GroepFactory(school=school, naam=naam, jaargroep=int(naam[-1]))
    user = UserFactory(username="directeur_vlieger")
    grant_role(user=user, rol=Rol.DIRECTEUR, container=school)
    ctx = SimpleNamespace(school=school, user=user)
    imports.import_file(
        school=ctx.school, user=ctx.user, data=data("parnassys.csv"), filename="p.csv"
    )
    ensure_default_register(ctx.school)
    register = {o.soort: o for o in ctx.school.ontvangers.all()}
    moved = Leerling.objects.get(leerlingnummer="2305")  # the new file gives a new address
    _disclose(ctx.user, register[Soort.LEERPLICHT], [moved], ["achternaam", "straat", "postcode"])
    _disclose(ctx.user, register[Soort.JGZ], [moved], ["achternaam", "geboortedatum"])

    imports.import_file(
        school=ctx.school, user=ctx.user, data=data("parnassys_gewijzigd.csv"), filename="p.csv"
    )
    melding = Rectificatiemelding.objects.get()
    assert (melding.ontvanger.soort, melding.bron, melding.leerling) == (
        "leerplicht",
        "import",
        moved,
    )
    assert melding.velden == ["straat", "postcode"]


def _follow_up_queries(world, size: int) -> tuple[int, int]:
    """The follow-up step of an import (``leerlingen/imports/apply.py``) for ``size`` changed
    pupils whose address went to the truancy officer: (queries, follow-ups made)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from leerlingen import registry

    from ..leerlingen.factories import LeerlingFactory

    ensure_default_register(world.schools["a1"])
    register = {o.soort: o for o in world.schools["a1"].ontvangers.all()}
    pupils = LeerlingFactory.create_batch(size, groep=world.groepen["g5"])
    user = world.users["directeur"]
    _disclose(user, register[Soort.LEERPLICHT], pupils, ["achternaam", "straat"])
    _disclose(user, register[Soort.JGZ], pupils, ["achternaam", "geboortedatum"])
    Rectificatiemelding.objects.all().delete()
    with CaptureQueriesContext(connection) as ctx:
        made = registry.fields_corrected(
            {p.pk: ["straat", "huisnummer"] for p in pupils}, user=user, bron="import"
        )
    assert {m.ontvanger.soort for m in made} == {"leerplicht"}
    assert Rectificatiemelding.objects.filter(bron="import").count() == size
    assert all(m.velden == ["straat"] for m in Rectificatiemelding.objects.all())
    return len(ctx.captured_queries), len(made)


def test_an_import_follows_up_in_a_fixed_number_of_queries(world):
    """An import that changes disclosed fields looks the disclosures up once for all its pupils,
    and writes the follow-ups in bulk: the same number of queries for 2 and for 12 pupils."""
    small, made_small = _follow_up_queries(world, 2)
    large, made_large = _follow_up_queries(world, 12)
    assert (made_small, made_large) == (2, 12)
    assert small == large, (small, large)
