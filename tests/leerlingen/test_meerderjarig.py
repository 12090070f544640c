"""Adult pupils (issue 19, DOMAIN.md "Turning 18"): the parents' view closes on the 18th birthday,
once, by the daily task; the pupil decides per parent; the access rules apply it everywhere."""

from datetime import date

from django.core import mail
from django.utils import translation

import pytest

from core.models import Opdracht
from leerlingen import custody
from leerlingen.access import forget_scope
from leerlingen.meerderjarig import services
from leerlingen.meerderjarig.models import Meerderjarigheid, Ouderinzage
from leerlingen.meerderjarig.tasks import meerderjarig
from leerlingen.models import Leerling
from tests.datalekken.conftest import run_jobs

from .factories import GezagsrelatieFactory, LeerlingFactory, OuderFactory, UserFactory

pytestmark = pytest.mark.django_db


def adult_with_two_parents(world, born=date(2000, 1, 1)):
    pupil = LeerlingFactory(
        groep=world.groepen["k5"],
        geboortedatum=born,
        email="sam@example.test",
        account=UserFactory(username="sam"),
    )
    mum, dad = OuderFactory(bestuur=world.besturen["a"]), OuderFactory(bestuur=world.besturen["a"])
    for ouder in (mum, dad):
        ouder.account = UserFactory()
        ouder.save()
        GezagsrelatieFactory(ouder=ouder, leerling=pupil)
    return pupil, mum, dad


def sees(ouder, pupil) -> bool:
    forget_scope(ouder.account)
    return Leerling.objects.visible_to(ouder.account).filter(pk=pupil.pk).exists()


def test_29_february_turns_18_on_1_march():
    leap = Leerling(geboortedatum=date(2080, 2, 29))
    assert not custody.is_adult(leap, date(2098, 2, 28))  # 2098 has no 29 February
    assert custody.is_adult(leap, date(2098, 3, 1))
    assert custody.is_adult(Leerling(geboortedatum=date(2084, 2, 29)), date(2102, 2, 28)) is False


def test_parents_of_16_and_17_year_olds_keep_their_view(world):
    # the world's a2_16 is 17: the pupil decides on consent, the parent still sees the record
    parent = OuderFactory(bestuur=world.besturen["a"], account=UserFactory())
    GezagsrelatieFactory(ouder=parent, leerling=world.pupils["a2_16"])
    assert sees(parent, world.pupils["a2_16"])


def test_the_view_closes_at_18_and_opens_per_parent_as_the_pupil_decides(world):
    pupil, mum, dad = adult_with_two_parents(world)
    assert not sees(mum, pupil) and not sees(dad, pupil)
    services.decide(leerling=pupil, ouder=mum, toegestaan=True, machtiging=False, by=pupil.account)
    assert sees(mum, pupil) and not sees(dad, pupil)
    services.decide(leerling=pupil, ouder=mum, toegestaan=False, machtiging=False, by=pupil.account)
    assert not sees(mum, pupil)
    assert (
        Ouderinzage.history.filter(leerling=pupil, ouder=mum).count() == 2
    )  # each decision recorded


def test_daily_task_closes_once_invites_the_pupil_and_tells_the_parents(world):
    pupil, mum, dad = adult_with_two_parents(world, born=date(2080, 2, 29))
    meerderjarig(today="2098-02-28")  # 2098 has no 29 February: 18 on 1 March
    assert not Meerderjarigheid.objects.filter(leerling=pupil).exists()
    assert meerderjarig(today="2098-03-01") == 1
    assert meerderjarig(today="2098-03-02") == 0  # once
    row = Meerderjarigheid.objects.get(leerling=pupil)
    assert row.datum == date(2098, 3, 1)
    assert all(
        set(j.argumenten) <= {"meerderjarigheid_id", "ouder_id"}
        for j in Opdracht.objects.filter(soort__startswith="leerlingen.meerderjarig")
    )
    run_jobs("leerlingen.meerderjarig_uitnodiging")
    run_jobs("leerlingen.meerderjarig_ouder")
    family = {"sam@example.test", mum.email, dad.email}
    assert sorted(m.to[0] for m in mail.outbox if m.to[0] in family) == sorted(family)
    assert "/portaal/18-plus/" in next(m.body for m in mail.outbox if m.to == ["sam@example.test"])


def test_parents_hear_the_outcome_not_reasons(world, settings):
    settings.LANGUAGE_CODE = "en"  # the mail is written in the school's language
    pupil, mum, _dad = adult_with_two_parents(world)
    services.decide(leerling=pupil, ouder=mum, toegestaan=True, machtiging=False, by=pupil.account)
    run_jobs("leerlingen.meerderjarig_uitkomst")
    assert [m.to for m in mail.outbox] == [[mum.email]]
    assert "may see" in mail.outbox[0].body


def test_the_pupil_decides_on_the_portal_page(client, world):
    pupil, mum, dad = adult_with_two_parents(world)
    client.force_login(pupil.account)
    page = client.get("/portaal/18-plus/")
    assert page.status_code == 200 and str(mum) in page.content.decode()
    response = client.post("/portaal/18-plus/", {f"ouder{mum.pk}-toegestaan": "on"})
    assert response.status_code == 302
    assert sees(mum, pupil) and not sees(dad, pupil)
    assert not Ouderinzage.objects.filter(ouder=dad).exists()
    # a pupil under 18 and a parent have no such page
    client.force_login(world.users["leerling_a2_16"])
    assert client.get("/portaal/18-plus/").status_code == 404
    client.force_login(mum.account)
    assert client.get("/portaal/18-plus/").status_code == 404


def test_a_parents_request_about_an_adult_needs_the_pupils_authorisation(world):
    from verzoeken.rules import RequestRefused, check_may_file

    pupil, mum, _dad = adult_with_two_parents(world)
    with pytest.raises(RequestRefused) as refused:
        check_may_file(leerling=pupil, ouder=mum)
    with translation.override("en"):
        assert refused.value.rule == "from_18" and "authorisation" in refused.value.messages[0]
    services.decide(leerling=pupil, ouder=mum, toegestaan=True, machtiging=True, by=pupil.account)
    check_may_file(leerling=pupil, ouder=mum)  # authorised: allowed
    # consent stays the pupil's alone
    assert custody.refusal(pupil, ouder=mum) == custody.Refusal.FROM_16


def test_decisions_are_the_pupils_and_the_staffs_not_other_parents(world):
    pupil, mum, dad = adult_with_two_parents(world)
    services.decide(leerling=pupil, ouder=mum, toegestaan=True, machtiging=False, by=pupil.account)
    assert Ouderinzage.objects.visible_to(world.users["fg"]).count() == 1
    assert Ouderinzage.objects.visible_to(pupil.account).count() == 1
    assert Ouderinzage.objects.visible_to(mum.account).count() == 0
    assert Ouderinzage.objects.visible_to(world.users["directeur"]).count() == 0  # another school


def test_staff_see_the_decision_on_the_record(client, world):
    pupil, mum, _dad = adult_with_two_parents(world)
    services.decide(leerling=pupil, ouder=mum, toegestaan=True, machtiging=False, by=pupil.account)
    client.force_login(world.users["fg"])
    body = client.get(f"/admin/leerlingen/leerling/{pupil.pk}/change/").content.decode()
    assert "may see my data" in body.lower() or "mag mijn gegevens zien" in body.lower()


def test_breach_letters_follow_the_adult_pupils_decision(world):
    from datalekken import services as breach
    from datalekken.models import Datalek

    pupil, mum, dad = adult_with_two_parents(world)
    services.decide(leerling=pupil, ouder=mum, toegestaan=True, machtiging=False, by=pupil.account)
    d = breach.record(
        Datalek(
            school=world.schools["a2"], bestuur=world.besturen["a"], titel="x", omschrijving="y"
        )
    )
    d.leerlingen.add(pupil)
    assert breach.addressees(d) == [(pupil, mum), (pupil, None)]
