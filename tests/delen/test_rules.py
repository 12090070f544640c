"""Every rule of disclosure, refused and allowed, with the refusal message that names it."""

from datetime import timedelta

import pytest

from delen import rules
from delen.models import Soort
from delen.rules import check_disclosure

from .factories import VerwerkerFactory, VerwerkersovereenkomstFactory, VorderingFactory, today

pytestmark = pytest.mark.django_db


def refusals(world, aanvraag, user="directeur"):
    return [
        str(w) for w in check_disclosure(user=world.users[user], aanvraag=aanvraag, on_date=today())
    ]


def assert_refused(messages, rule_name, text):
    assert any(f"“{rule_name}”" in m and text in m for m in messages), messages


def with_processor(ontvanger, **trait):
    agreement = VerwerkersovereenkomstFactory(
        verwerker=VerwerkerFactory(school=ontvanger.school), **trait
    )
    ontvanger.verwerker = agreement.verwerker
    ontvanger.save()
    return agreement


def test_the_default_export_of_every_legal_duty_recipient_is_allowed(world, aanvraag):
    assert refusals(world, aanvraag(Soort.DUO)) == []
    assert refusals(world, aanvraag(Soort.LEERPLICHT)) == []
    assert refusals(world, aanvraag(Soort.INSPECTIE)) == []
    assert refusals(world, aanvraag(Soort.JGZ)) == []
    assert refusals(world, aanvraag(Soort.BESTUUR)) == []
    assert refusals(world, aanvraag(Soort.ACCOUNTANT)) == []


def test_a_field_outside_the_recipients_set_is_refused(world, aanvraag):
    messages = refusals(world, aanvraag(Soort.DUO, velden=["achternaam", "dossier_medisch"]))
    assert_refused(
        messages,
        "allowed field set",
        "Not in the allowed field set of DUO / BRON: medical data (dossier).",
    )


def test_the_bsn_never_goes_to_jgz(world, aanvraag):
    messages = refusals(world, aanvraag(Soort.JGZ, velden=["achternaam", "bsn"]))
    assert_refused(
        messages,
        "allowed field set",
        "The BSN/PGN is never given to the GGD/JGZ: that is unlawful (seed 004).",
    )


def test_a_register_widened_around_validation_is_refused_at_disclosure(world, register, aanvraag):
    jgz = register[Soort.JGZ]
    jgz.velden = [*jgz.velden, "telefoon"]
    jgz.save()  # no full_clean: as if edited around the admin
    messages = refusals(world, aanvraag(jgz, velden=["achternaam", "telefoon"]))
    assert_refused(messages, "allowed field set", "Not in the legal set of this recipient: phone.")


def test_bsn_only_by_who_may_read_it(world, aanvraag):
    assert_refused(
        refusals(world, aanvraag(Soort.DUO), user="ib"),
        "BSN/PGN only for those who may read it",
        "You may not read the BSN/PGN, so you cannot disclose it.",
    )
    assert (
        refusals(world, aanvraag(Soort.DUO, velden=["achternaam", "geboortedatum"]), user="ib")
        == []
    )


def test_care_data_never_by_administrative_staff(world, aanvraag):
    messages = refusals(
        world, aanvraag(Soort.DUO, velden=["achternaam", "dossier_medisch"]), user="administratie"
    )
    assert_refused(
        messages,
        "care data only by the director and IB",
        "Administrative staff never handle care data: medical data (dossier).",
    )
    assert refusals(world, aanvraag(Soort.DUO), user="administratie") == []


def test_a_restricted_pupil_is_never_disclosed(world, aanvraag):
    from ..verzoeken.factories import BeperkingFactory

    assert rules.is_restricted(world.pupils["g5"]) is False
    # A restriction of some categories only (decided per category) leaves the legal duty: DUO.
    BeperkingFactory(leerling=world.pupils["g5"], categorieen=["beeld", "medisch"])
    assert not any("restricted" in m for m in refusals(world, aanvraag(Soort.DUO)))
    BeperkingFactory(leerling=world.pupils["g5"])  # all the pupil's data
    assert_refused(
        refusals(world, aanvraag(Soort.DUO)),
        "restricted pupils are never disclosed",
        "1 pupil's data are restricted (AVG art. 18) and are never disclosed.",
    )


# --- Police ---------------------------------------------------------------------------------

POLICE_FIELDS = [
    "roepnaam",
    "achternaam",
    "geboortedatum",
    "straat",
    "huisnummer",
    "postcode",
    "woonplaats",
]
POLICE = "police: a written demand, identifying data only"


def test_police_without_a_written_demand_is_refused(world, aanvraag):
    messages = refusals(
        world, aanvraag(Soort.POLITIE, leerlingen=[world.pupils["g5"]], velden=POLICE_FIELDS)
    )
    assert_refused(
        messages,
        POLICE,
        "The police receive data only against a recorded written demand (vordering).",
    )


def test_police_with_a_complete_demand_get_the_identifying_data_asked(world, aanvraag):
    vordering = VorderingFactory(leerling=world.pupils["g5"])
    a = aanvraag(
        Soort.POLITIE, leerlingen=[world.pupils["g5"]], velden=POLICE_FIELDS, vordering=vordering
    )
    assert refusals(world, a) == []


def test_police_demand_missing_a_part_is_refused(world, aanvraag):
    vordering = VorderingFactory(leerling=world.pupils["g5"], titel="", wijze_van_verstrekking="")
    a = aanvraag(
        Soort.POLITIE, leerlingen=[world.pupils["g5"]], velden=POLICE_FIELDS, vordering=vordering
    )
    messages = refusals(world, a)
    assert_refused(messages, POLICE, "The written demand is incomplete:")
    assert_refused(messages, POLICE, "(d) The demand must state its legal title.")
    assert_refused(
        messages, POLICE, "(c) The demand must state the term and the manner of delivery."
    )


def test_police_demand_model_requires_all_four_parts(world):
    from django.core.exceptions import ValidationError

    vordering = VorderingFactory.build(
        leerling=world.pupils["g5"],
        school=world.schools["a1"],
        gevraagde_gegevens=[],
        titel="",
        wijze_van_verstrekking="",
    )
    with pytest.raises(ValidationError) as exc:
        vordering.full_clean()
    assert set(exc.value.message_dict) >= {"gevraagde_gegevens", "titel", "wijze_van_verstrekking"}


def test_medical_data_never_to_the_police(world, aanvraag):
    vordering = VorderingFactory(leerling=world.pupils["g5"])
    a = aanvraag(
        Soort.POLITIE,
        leerlingen=[world.pupils["g5"]],
        velden=["achternaam", "dossier_medisch"],
        vordering=vordering,
    )
    assert_refused(refusals(world, a), POLICE, "Medical data are never given to the police.")
    with pytest.raises(Exception) as exc:
        VorderingFactory.build(
            leerling=world.pupils["g5"],
            school=world.schools["a1"],
            gevraagde_gegevens=["dossier_medisch"],
        ).full_clean()
    assert "Medical data are never given to the police." in str(exc.value)


def test_police_only_identifying_data_and_only_what_was_asked(world, aanvraag, register):
    vordering = VorderingFactory(leerling=world.pupils["g5"], gevraagde_gegevens=["achternaam"])
    police = register[Soort.POLITIE]
    a = aanvraag(
        police,
        leerlingen=[world.pupils["g5"]],
        velden=["achternaam", "geboortedatum", "telefoon"],
        vordering=vordering,
    )
    messages = refusals(world, a)
    assert_refused(messages, POLICE, "The police receive identifying data only, not: phone.")
    assert_refused(messages, POLICE, "Not asked in the demand: date of birth, phone.")


def test_police_only_the_person_named_in_the_demand(world, aanvraag):
    vordering = VorderingFactory(leerling=world.pupils["g5"])
    a = aanvraag(Soort.POLITIE, velden=POLICE_FIELDS, vordering=vordering)  # g5 and g6
    assert_refused(
        refusals(world, a), POLICE, "Only the data of the person named in the demand may be given."
    )


# --- Veilig Thuis, care team, partnership ---------------------------------------------------

VT = "Veilig Thuis: parents informed beforehand"
VT_FIELDS = ["roepnaam", "achternaam", "geboortedatum", "dossier_begeleiding"]


def test_veilig_thuis_needs_parents_informed_beforehand(world, aanvraag):
    one = [world.pupils["g5"]]
    assert_refused(
        refusals(world, aanvraag(Soort.VEILIG_THUIS, leerlingen=one, velden=VT_FIELDS)),
        VT,
        "The parents must be informed beforehand.",
    )
    assert (
        refusals(
            world,
            aanvraag(
                Soort.VEILIG_THUIS,
                leerlingen=one,
                velden=VT_FIELDS,
                ouders_geinformeerd_op=today() - timedelta(days=1),
            ),
        )
        == []
    )
    assert_refused(
        refusals(
            world,
            aanvraag(
                Soort.VEILIG_THUIS,
                leerlingen=one,
                velden=VT_FIELDS,
                ouders_geinformeerd_op=today() + timedelta(days=1),
            ),
        ),
        VT,
        "the date cannot lie in the future",
    )


def test_veilig_thuis_without_informing_needs_safety_and_a_reason(world, aanvraag):
    one = [world.pupils["g5"]]
    assert_refused(
        refusals(
            world,
            aanvraag(
                Soort.VEILIG_THUIS, leerlingen=one, velden=VT_FIELDS, veiligheid_in_geding=True
            ),
        ),
        VT,
        "Record the reason why informing the parents would put the safety",
    )
    assert (
        refusals(
            world,
            aanvraag(
                Soort.VEILIG_THUIS,
                leerlingen=one,
                velden=VT_FIELDS,
                veiligheid_in_geding=True,
                reden_niet_informeren="Acute dreiging thuis",
            ),
        )
        == []
    )


ZT = "care team: anonymous unless the parents are informed"


def test_care_team_anonymous_case_carries_nothing_identifying(world, aanvraag):
    one = [world.pupils["g5"]]
    assert_refused(
        refusals(
            world,
            aanvraag(
                Soort.ZORGTEAM, leerlingen=one, velden=["achternaam", "jaargroep"], anoniem=True
            ),
        ),
        ZT,
        "An anonymous case carries no data that identify the pupil: surname.",
    )
    assert (
        refusals(
            world,
            aanvraag(
                Soort.ZORGTEAM,
                leerlingen=one,
                velden=["jaargroep", "dossier_begeleiding"],
                anoniem=True,
            ),
        )
        == []
    )


def test_care_team_named_case_requires_parents_informed(world, aanvraag):
    one = [world.pupils["g5"]]
    assert_refused(
        refusals(world, aanvraag(Soort.ZORGTEAM, leerlingen=one, velden=["achternaam"])),
        ZT,
        "A case discussed by name requires that the parents were informed",
    )
    assert (
        refusals(
            world,
            aanvraag(
                Soort.ZORGTEAM,
                leerlingen=one,
                velden=["achternaam"],
                ouders_geinformeerd_op=today(),
            ),
        )
        == []
    )


def test_care_team_with_the_familys_care_providers_needs_consent_for_the_case(world, aanvraag):
    from leerlingen.custody import Decider

    pupil = world.pupils["g5"]
    case = {
        "leerlingen": [pupil],
        "velden": ["jaargroep"],
        "anoniem": True,
        "eigen_zorgverleners": True,
    }
    assert_refused(
        refusals(world, aanvraag(Soort.ZORGTEAM, **case)),
        ZT,
        "join only with a consent for this case: record the date and who gave it",
    )
    by_parent = {
        "zorgverleners_toestemming_op": today(),
        "zorgverleners_toestemming_leerling_id": pupil.pk,
    }
    without_gezag = Decider(ouder=world.ouders["zonder_gezag"])
    assert_refused(
        refusals(
            world,
            aanvraag(
                Soort.ZORGTEAM, **case, **by_parent, zorgverleners_toestemming_door=without_gezag
            ),
        ),
        ZT,
        "must be given by who decides for the pupil",
    )
    gezag = Decider(ouder=world.ouders["gezag"])
    assert (
        refusals(
            world,
            aanvraag(Soort.ZORGTEAM, **case, **by_parent, zorgverleners_toestemming_door=gezag),
        )
        == []
    )


def test_partnership_needs_parents_informed(world, aanvraag):
    one = [world.pupils["g5"]]
    assert_refused(
        refusals(world, aanvraag(Soort.SWV, leerlingen=one)),
        "special-needs partnership: parents informed",
        "The parents must be informed of the enrolment with the partnership",
    )
    assert (
        refusals(world, aanvraag(Soort.SWV, leerlingen=one, ouders_geinformeerd_op=today())) == []
    )


# --- Processors, consent, licence, group size -------------------------------------------------


def test_processor_needs_an_agreement_valid_today(world, register, aanvraag):
    basispoort = register[Soort.BASISPOORT]
    rule = "processor agreement valid on the day of disclosure"
    assert_refused(
        refusals(world, aanvraag(basispoort)),
        rule,
        "There is no processor agreement with this recipient that is valid on",
    )
    with_processor(basispoort, verlopen=True)
    assert_refused(refusals(world, aanvraag(basispoort)), rule, "There is no processor agreement")
    VerwerkersovereenkomstFactory(verwerker=basispoort.verwerker)
    assert refusals(world, aanvraag(basispoort)) == []


def test_publisher_only_with_a_licence(world, register, aanvraag):
    uitgever = register[Soort.UITGEVER]
    with_processor(uitgever)
    assert_refused(
        refusals(world, aanvraag(uitgever)),
        "publishers only with a licence",
        "Publishers receive data only while the school holds a licence",
    )
    uitgever.licentie = True
    uitgever.save()
    assert refusals(world, aanvraag(uitgever)) == []


def _consent_world(world, gegeven: bool):
    from toestemming.models import Doel
    from toestemming.services import ensure_default_doelen, give_consent, publish_form

    school = world.schools["a1"]
    ensure_default_doelen(school=school)
    publish_form(school=school)
    give_consent(
        leerling=world.pupils["g5"],
        doel=Doel.objects.get(school=school, code="website"),
        gegeven=gegeven,
        ouder=world.ouders["gezag"],
    )


def test_consent_based_disclosure_needs_consent_valid_that_day(world, register, aanvraag):
    website = register[Soort.WEBSITE]
    with_processor(website)
    a = aanvraag(website, leerlingen=[world.pupils["g5"]])
    rule = "consent valid on the day of disclosure"
    assert_refused(refusals(world, a), rule, "1 pupil has no consent for the purpose “website”")
    _consent_world(world, gegeven=False)
    assert_refused(refusals(world, a), rule, "1 pupil has no consent for the purpose “website”")
    _consent_world(world, gegeven=True)
    assert refusals(world, a) == []
    assert rules.consent_valid(world.pupils["g5"], "website", today()) is True
    assert rules.consent_valid(world.pupils["g6"], "website", today()) is False


def test_survey_never_below_the_minimum_group_size(world, register, aanvraag, settings):
    onderzoek = register[Soort.ONDERZOEK]
    with_processor(onderzoek)
    assert_refused(
        refusals(world, aanvraag(onderzoek)),
        "minimum group size",
        "Fewer than 10 pupils: group figures are never reported below the minimum group size.",
    )
    settings.SURVEY_MIN_GROUP_SIZE = 2
    assert refusals(world, aanvraag(onderzoek)) == []


def test_small_groups_are_merged_so_no_unit_is_below_the_minimum():
    from types import SimpleNamespace as P

    pupils = [P(groep_id=1)] * 3 + [P(groep_id=2)] * 3 + [P(groep_id=3)]
    assert rules.velden_for_groups(pupils, 3) == {
        1: False,
        2: False,
        3: False,
    }  # 1 left over: all merged
    pupils += [P(groep_id=4)] * 2
    assert rules.velden_for_groups(pupils, 3) == {1: True, 2: True, 3: False, 4: False}


def test_inactive_recipient_and_empty_disclosure_are_refused(world, register, aanvraag):
    duo = register[Soort.DUO]
    duo.actief = False
    duo.save()
    assert_refused(
        refusals(world, aanvraag(duo)), "active recipient", "This recipient is no longer active"
    )
    assert_refused(
        refusals(world, aanvraag(Soort.JGZ, leerlingen=[])),
        "something to disclose",
        "Choose at least one pupil",
    )


def test_pupils_of_another_school_are_refused(world, aanvraag):
    messages = refusals(
        world, aanvraag(Soort.DUO, leerlingen=[world.pupils["g5"], world.pupils["a2_15"]])
    )
    assert_refused(
        messages, "who may disclose", "Some pupils are not pupils of this school that you may see."
    )
