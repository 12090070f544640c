"""Erasure with the real hooks of every app (DESIGN.md §4).

A pupil with consent decisions, requests, a restriction, a disclosure and a police demand is
erased through the one erasure service, with the hooks the feature apps register in their
``AppConfig.ready``: every row of every app that refers to the pupil or their guardians is
gone, and so are the history rows; the request stays in the register, detached and empty;
tombstones say what went, on what ground.
"""

from datetime import date

from django.apps import apps
from django.contrib.auth import get_user_model

import pytest

from delen.models import Verstrekking, Vordering
from delen.rules import Aanvraag
from delen.services import disclose, ensure_default_register
from leerlingen.erasure import app_hooks, history_model_for
from leerlingen.models import Leerling, Ouder, Toegangslog, VernietigdRecord
from toestemming.models import Doel
from toestemming.services import ensure_default_doelen, give_consent, publish_form, withdraw_consent
from verzoeken import erasure as request_hooks
from verzoeken import services
from verzoeken.models import IdDocument, Soort, Uitkomst, Verzoek

from ..delen.factories import VorderingFactory
from ..verzoeken.factories import work_off_documents

pytestmark = pytest.mark.django_db


def referring_rows(target, pks) -> dict[str, int]:
    """Rows of every model, live and historical, with a foreign key to ``target`` in ``pks``."""
    found = {}
    for model in apps.get_models(include_auto_created=True):
        for f in model._meta.fields:
            if f.many_to_one and f.related_model is target:
                n = model._default_manager.filter(**{f"{f.attname}__in": list(pks)}).count()
                if n:
                    found[f"{model._meta.label}.{f.name}"] = n
    return found


def live_dependants(pupil, ouder_ids) -> dict[type, set]:
    """The live (non-historical) rows that refer to the pupil or the guardians directly."""
    out = {Leerling: {pupil.pk}, Ouder: set(ouder_ids)}
    for model in apps.get_models(include_auto_created=True):
        if model.__name__.startswith("Historical"):
            continue
        for f in model._meta.fields:
            if f.many_to_one and f.related_model in (Leerling, Ouder):
                ids = pupil.pk if f.related_model is Leerling else ouder_ids
                ids = [ids] if isinstance(ids, int) else list(ids)
                out.setdefault(model, set()).update(
                    model._default_manager.filter(**{f"{f.attname}__in": ids}).values_list(
                        "pk", flat=True
                    )
                )
    return {m: pks for m, pks in out.items() if pks}


def test_the_hooks_are_registered_by_the_feature_apps():
    assert request_hooks.anonymise_for_erasure in app_hooks("anonymise_for_erasure")
    from leerlingen.retention.models import Bewaarcategorie
    from leerlingen.retention.producers import producers

    assert request_hooks.retention_candidates in producers(Bewaarcategorie.VERZOEKEN)


def test_erasing_a_pupil_erases_every_apps_rows_and_history_with_the_real_hooks(world):
    school, pupil = world.schools["a1"], world.pupils["g5"]
    director, admin = world.users["directeur"], world.users["administratie"]
    ouder, vader = world.ouders["gezag"], world.ouders["zonder_gezag"]  # linked to this pupil only
    accounts = [ouder.account_id, vader.account_id]

    # Consent (toestemming): a yes, then a withdrawal, so the pupil has several decisions and history.
    ensure_default_doelen(school=school)
    publish_form(school=school)
    website = Doel.objects.get(school=school, code="website")
    give_consent(leerling=pupil, doel=website, gegeven=True, ouder=ouder)
    withdraw_consent(leerling=pupil, doel=website, ouder=ouder)
    # Requests (verzoeken): an access request answered, a restriction granted and lifted.
    inzage = services.file_request(
        leerling=pupil,
        soort=Soort.INZAGE,
        kanaal="brief",
        ouder=ouder,
        omschrijving="Graag alles van Aalbers",
        vastgelegd_door=admin,
    )
    services.record_identity(verzoek=inzage, document_soort=IdDocument.PASPOORT, user=admin)
    services.submit(verzoek=inzage, uitkomst=Uitkomst.TOEGEWEZEN, motivering="ok", user=admin)
    work_off_documents()
    services.approve(verzoek=inzage, user=director)
    work_off_documents()
    services.answer(verzoek=inzage, user=director)
    beperking = services.restrict(leerling=pupil, user=director, reden="Juistheid betwist")
    services.lift_restriction(beperking=beperking, user=director, reden="Juistheid vastgesteld")
    # Disclosures (delen): one to DUO of the pupil and a classmate, and a police demand.
    ensure_default_register(school)
    duo = school.ontvangers.get(soort="duo")
    verstrekking = disclose(
        user=director,
        aanvraag=Aanvraag(
            ontvanger=duo,
            leerlingen=[pupil, world.pupils["g6"]],
            velden=duo.velden,
            doel="bekostiging",
        ),
    ).verstrekking
    VorderingFactory(school=school, leerling=pupil)

    pupil.refresh_from_db()
    pupil.datum_uitschrijving = date(2019, 7, 15)  # left long ago: erasure on request is allowed
    pupil.save()
    wissen = services.file_request(
        leerling=pupil,
        soort=Soort.WISSEN,
        kanaal="email",
        ouder=ouder,
        omschrijving="Alles wissen a.u.b.",
        vastgelegd_door=admin,
    )
    services.record_identity(verzoek=wissen, document_soort=IdDocument.PASPOORT, user=admin)
    services.submit(
        verzoek=wissen,
        uitkomst=Uitkomst.TOEGEWEZEN,
        motivering="De bewaartermijn is verstreken.",
        user=admin,
    )
    services.approve(verzoek=wissen, user=director)
    work_off_documents()

    ouder_ids = [ouder.pk, vader.pk]
    before = live_dependants(pupil, ouder_ids)
    referring = referring_rows(Leerling, [pupil.pk])
    for label in (
        "toestemming.Toestemming.leerling",
        "toestemming.HistoricalToestemming.leerling",
        "verzoeken.Verzoek.leerling",
        "verzoeken.HistoricalVerzoek.leerling",
        "verzoeken.Beperking.leerling",
        "verzoeken.HistoricalBeperking.leerling",
        "delen.Verstrekking_leerlingen.leerling",
        "delen.HistoricalVerstrekking_leerlingen.leerling",
        "delen.Vordering.leerling",
        "delen.HistoricalVordering.leerling",
        "leerlingen.DossierItem.leerling",
        "leerlingen.HistoricalDossierItem.leerling",
        "leerlingen.Gezagsrelatie.leerling",
    ):
        assert label in referring, label  # the world this test erases is as rich as it claims

    services.answer(verzoek=wissen, user=director)

    # Nothing of any app refers to the pupil or the guardians any more, live or in history.
    assert referring_rows(Leerling, [pupil.pk]) == {}
    assert referring_rows(Ouder, ouder_ids) == {}
    assert referring_rows(get_user_model(), accounts) == {}
    assert not get_user_model().objects.filter(pk__in=accounts).exists()
    # What outlives the pupil, detached from them (the checks above): the request register, the
    # access log (who read or exported what, when, why) and the police demand (delen keeps the
    # disclosure register anonymised, issue 17).
    kept = {
        Verzoek: {inzage.pk, wissen.pk},
        Toegangslog: before.get(Toegangslog, set()),
        Vordering: before.get(Vordering, set()),
    }
    for model, pks in before.items():
        gone = pks - kept.get(model, set())
        assert not model._default_manager.filter(pk__in=gone).exists(), model._meta.label
        history = history_model_for(model)
        if history is not None:
            assert not history._default_manager.filter(
                **{f"{model._meta.pk.attname}__in": gone}
            ).exists(), history._meta.label

    # The hook of the requests app ran before the pupil went: the requests are kept, emptied.
    for v in Verzoek.objects.filter(pk__in=[inzage.pk, wissen.pk]):
        assert (v.leerling_id, v.indiener_ouder_id, v.omschrijving) == (None, None, "")
        assert not v.documenten.exists()
    history = Verzoek.history.filter(id__in=[inzage.pk, wissen.pk])
    assert history.exists() and all(
        h.omschrijving == "" and h.indiener_ouder_id is None for h in history
    )
    # The disclosure is kept in the register without the pupil; the classmate stays in it.
    verstrekking = Verstrekking.objects.get(pk=verstrekking.pk)
    assert list(verstrekking.leerlingen.all()) == [world.pupils["g6"]]
    assert (
        kept[Vordering]
        and not Vordering.objects.filter(pk__in=kept[Vordering], leerling__isnull=False).exists()
    )

    tombs = VernietigdRecord.objects.filter(
        verzoek_kenmerk=wissen.kenmerk, soort="leerlingen.Leerling"
    )
    assert [(t.object_id, t.grond, t.besloten_door) for t in tombs] == [
        (str(pupil.pk), VernietigdRecord.Grond.VERZOEK, director)
    ]
    assert tombs[0].aantallen["history"] > 0 and tombs[0].aantallen["toestemming.Toestemming"] >= 2
    guardians = VernietigdRecord.objects.filter(
        soort="leerlingen.Ouder", grond=VernietigdRecord.Grond.GEEN_KOPPELING
    )
    assert sorted(int(t.object_id) for t in guardians) == sorted(ouder_ids)
