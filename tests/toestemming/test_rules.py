"""The consent rules: opt-in, one school year, withdrawal, gezag, two parents, 16+."""

from datetime import date

import pytest

from leerlingen.custody import is_sixteen_plus, sixteen_cutoff
from leerlingen.models import Gezagsrelatie
from toestemming.models import Beslisser, Kanaal, Toestemming
from toestemming.rules import ConsentRefused, Status, conflicts, consent_on, effective_consents
from toestemming.services import (
    ensure_default_doelen,
    give_consent,
    publish_form,
    record_paper_form,
    withdraw_consent,
)

from ..leerlingen.factories import GezagsrelatieFactory, LeerlingFactory, OuderFactory

pytestmark = pytest.mark.django_db


def test_default_purposes_are_the_seeds_and_idempotent(world):
    school = world.schools["a1"]
    made = ensure_default_doelen(school=school)
    assert [d.code for d in made] == [
        "website",
        "website-besloten",
        "nieuwsbrief",
        "schoolapp",
        "social-media",
        "schoolgids",
        "professionalisering",
    ]
    assert ensure_default_doelen(school=school) == []


def test_opt_in_nothing_decided_is_no_consent(consent, doel):
    antwoord = consent_on(leerling=consent.pupils["g5"], doel=doel(consent.schools["a1"]))
    assert antwoord.status == Status.OPEN
    assert not antwoord.toestemming


def test_no_published_form_no_decision(world):
    school = world.schools["a1"]
    ensure_default_doelen(school=school)
    with pytest.raises(ConsentRefused) as refused:
        give_consent(
            leerling=world.pupils["g5"],
            doel=school.doelen.first(),
            gegeven=True,
            ouder=world.ouders["gezag"],
        )
    assert refused.value.rule == "no_form"


def test_parent_with_gezag_gives_consent_with_evidence(consent, doel):
    leerling, ouder = consent.pupils["g5"], consent.ouders["gezag"]
    row = give_consent(
        leerling=leerling,
        doel=doel(consent.schools["a1"]),
        gegeven=True,
        ouder=ouder,
        vastgelegd_door=ouder.account,
    )
    assert (row.beslisser, row.ouder, row.kanaal, row.formulier.versie) == (
        Beslisser.OUDER,
        ouder,
        Kanaal.PORTAAL,
        1,
    )
    assert row.tijdstip and row.huidig
    assert consent_on(leerling=leerling, doel=row.doel).status == Status.JA


def test_school_year_expiry_a_new_year_asks_again(world, doel):
    school, leerling, ouder = world.schools["a1"], world.pupils["g5"], world.ouders["gezag"]
    ensure_default_doelen(school=school)
    publish_form(school=school, schooljaar="2025-2026")
    website = doel(school)
    give_consent(leerling=leerling, doel=website, gegeven=True, ouder=ouder, on=date(2026, 3, 1))
    assert consent_on(leerling=leerling, doel=website, on=date(2026, 7, 31)).status == Status.JA
    # 1 August: a new school year. Even once its form is published, nobody has consent until they answer.
    assert consent_on(leerling=leerling, doel=website, on=date(2026, 8, 1)).status == Status.OPEN
    publish_form(school=school, schooljaar="2026-2027")
    assert consent_on(leerling=leerling, doel=website, on=date(2026, 9, 1)).status == Status.OPEN


def test_withdrawal_keeps_the_earlier_decision(consent, doel):
    leerling, ouder, website = (
        consent.pupils["g5"],
        consent.ouders["gezag"],
        doel(consent.schools["a1"]),
    )
    yes = give_consent(leerling=leerling, doel=website, gegeven=True, ouder=ouder)
    no = withdraw_consent(leerling=leerling, doel=website, ouder=ouder)
    yes.refresh_from_db()
    assert no.is_intrekking and not no.gegeven and no.huidig
    assert yes.gegeven and not yes.huidig  # still there, no longer current
    assert consent_on(leerling=leerling, doel=website).status == Status.NEE
    # the history holds both decisions and the moment the yes stopped being current
    assert yes.history.count() == 2 and no.history.count() == 1
    assert Toestemming.objects.filter(leerling=leerling, doel=website).count() == 2


def test_same_answer_twice_adds_nothing(consent, doel):
    leerling, ouder, website = (
        consent.pupils["g5"],
        consent.ouders["gezag"],
        doel(consent.schools["a1"]),
    )
    first = give_consent(leerling=leerling, doel=website, gegeven=True, ouder=ouder)
    assert give_consent(leerling=leerling, doel=website, gegeven=True, ouder=ouder) == first
    assert Toestemming.objects.count() == 1


def test_parent_without_gezag_may_not_decide(consent, doel):
    with pytest.raises(ConsentRefused) as refused:
        give_consent(
            leerling=consent.pupils["g5"],
            doel=doel(consent.schools["a1"]),
            gegeven=True,
            ouder=consent.ouders["zonder_gezag"],
        )
    assert refused.value.rule == "no_gezag"
    assert "parental authority" in str(refused.value.messages[0])


def test_a_parent_who_loses_gezag_no_longer_counts(consent, doel):
    leerling, ouder, website = (
        consent.pupils["g5"],
        consent.ouders["gezag"],
        doel(consent.schools["a1"]),
    )
    give_consent(leerling=leerling, doel=website, gegeven=True, ouder=ouder)
    relatie = Gezagsrelatie.objects.get(ouder=ouder, leerling=leerling)
    relatie.heeft_gezag = False
    relatie.save()
    assert consent_on(leerling=leerling, doel=website).status == Status.OPEN


def test_purpose_of_another_school_is_refused(consent, doel):
    with pytest.raises(ConsentRefused) as refused:
        give_consent(
            leerling=consent.pupils["g5"],
            doel=doel(consent.schools["b1"]),
            gegeven=True,
            ouder=consent.ouders["gezag"],
        )
    assert refused.value.rule == "wrong_purpose"


def test_two_parents_disagree_the_no_stands_and_is_a_conflict(consent, doel):
    leerling, website = consent.pupils["g5"], doel(consent.schools["a1"])
    tweede = OuderFactory(bestuur=consent.besturen["a"])
    GezagsrelatieFactory(ouder=tweede, leerling=leerling)
    give_consent(leerling=leerling, doel=website, gegeven=True, ouder=consent.ouders["gezag"])
    assert consent_on(leerling=leerling, doel=website).status == Status.JA
    give_consent(leerling=leerling, doel=website, gegeven=False, ouder=tweede)
    antwoord = consent_on(leerling=leerling, doel=website)
    assert antwoord.status == Status.NEE and antwoord.conflict
    assert conflicts(leerlingen=[leerling], doel_ids=[website.id]) == [(leerling.id, website.id)]
    give_consent(
        leerling=leerling, doel=website, gegeven=True, ouder=tweede
    )  # they agree after all
    antwoord = consent_on(leerling=leerling, doel=website)
    assert antwoord.status == Status.JA and not antwoord.conflict


def test_from_16_the_pupil_decides(consent, doel):
    leerling, website = consent.pupils["a2_16"], doel(consent.schools["a2"])
    ouder = OuderFactory(bestuur=consent.besturen["a"])
    GezagsrelatieFactory(ouder=ouder, leerling=leerling)
    with pytest.raises(ConsentRefused) as refused:
        give_consent(leerling=leerling, doel=website, gegeven=True, ouder=ouder)
    assert refused.value.rule == "from_16"
    give_consent(
        leerling=leerling,
        doel=website,
        gegeven=False,
        door_leerling=True,
        vastgelegd_door=leerling.account,
    )
    antwoord = consent_on(leerling=leerling, doel=website)
    assert antwoord.status == Status.NEE and antwoord.door_leerling


def test_under_16_the_pupil_does_not_decide(consent, doel):
    with pytest.raises(ConsentRefused) as refused:
        give_consent(
            leerling=consent.pupils["a2_15"],
            doel=doel(consent.schools["a2"]),
            gegeven=True,
            door_leerling=True,
        )
    assert refused.value.rule == "under_16"


def test_parents_answer_stands_after_16_until_the_pupil_answers(world, doel):
    school = world.schools["a2"]
    ensure_default_doelen(school=school)
    publish_form(school=school, schooljaar="2026-2027")
    leerling = LeerlingFactory(groep=world.groepen["k5"], geboortedatum=date(2010, 10, 1))
    ouder = OuderFactory(bestuur=world.besturen["a"])
    GezagsrelatieFactory(ouder=ouder, leerling=leerling)
    website = doel(school)
    give_consent(leerling=leerling, doel=website, gegeven=True, ouder=ouder, on=date(2026, 9, 30))
    assert (
        consent_on(leerling=leerling, doel=website, on=date(2026, 10, 1)).status == Status.JA
    )  # turned 16
    give_consent(
        leerling=leerling, doel=website, gegeven=False, door_leerling=True, on=date(2026, 10, 1)
    )
    assert consent_on(leerling=leerling, doel=website, on=date(2026, 10, 1)).status == Status.NEE


@pytest.mark.parametrize(
    ("born", "day", "sixteen"),
    [
        (date(2008, 2, 29), date(2024, 2, 28), False),
        (date(2008, 2, 29), date(2024, 2, 29), True),  # 16 years after a leap year is a leap year
        (date(2084, 2, 29), date(2100, 2, 28), False),  # 2100 is not a leap year ...
        (date(2084, 2, 29), date(2100, 3, 1), True),  # ... so the 16th birthday is 1 March
        (date(2100, 2, 28), date(2116, 2, 29), True),  # today 29 Feb, 16 years ago had none
        (date(2100, 3, 1), date(2116, 2, 29), False),
        (date(2010, 12, 31), date(2026, 12, 30), False),
        (date(2010, 12, 31), date(2026, 12, 31), True),
    ],
)
def test_sixteenth_birthday_including_29_february(born, day, sixteen):
    leerling = LeerlingFactory.build(geboortedatum=born)
    assert is_sixteen_plus(leerling, day) is sixteen
    assert (born <= sixteen_cutoff(day)) is sixteen
    assert (leerling.leeftijd(day) >= 16) is sixteen  # the register's own age agrees


def test_paper_form_records_who_entered_it(consent, doel):
    leerling, ouder, school = consent.pupils["g5"], consent.ouders["gezag"], consent.schools["a1"]
    rows = record_paper_form(
        leerling=leerling,
        antwoorden={doel(school): True, doel(school, "social-media"): False},
        vastgelegd_door=consent.users["leerkracht"],
        ouder=ouder,
    )
    assert {(r.kanaal, r.vastgelegd_door.username, r.ouder_id) for r in rows} == {
        (Kanaal.PAPIER, "leerkracht", ouder.id)
    }
    assert consent_on(leerling=leerling, doel=doel(school, "social-media")).status == Status.NEE


@pytest.mark.parametrize("user", ["fg", "bestuur", "buitenstaander", "ouder_gezag"])
def test_paper_form_only_by_school_staff_or_teacher(consent, doel, user):
    with pytest.raises(ConsentRefused) as refused:
        record_paper_form(
            leerling=consent.pupils["g5"],
            antwoorden={doel(consent.schools["a1"]): True},
            vastgelegd_door=consent.users[user],
            ouder=consent.ouders["gezag"],
        )
    assert refused.value.rule == "not_recordable"


def test_effective_consents_answers_every_pair(consent, doel):
    pupils = [consent.pupils["g5"], consent.pupils["g6"]]
    ids = [doel(consent.schools["a1"]).id, doel(consent.schools["a1"], "schoolapp").id]
    give_consent(
        leerling=pupils[1],
        doel=doel(consent.schools["a1"]),
        gegeven=True,
        ouder=consent.ouders["ander"],
    )
    answers = effective_consents(leerlingen=pupils, doel_ids=ids)
    assert len(answers) == 4
    assert [answers[(p.id, ids[0])].status for p in pupils] == [Status.OPEN, Status.JA]
