"""The state machine: nothing released before the identity check and the director's approval;
illegal steps are refused with a message that names the rule; every step is in the history."""

from datetime import timedelta

from django.utils import timezone

import pytest

from tests.verzoeken.factories import work_off_documents
from verzoeken import services
from verzoeken.models import Document, IdDocument, Soort, Status, Uitkomst
from verzoeken.rules import RequestRefused
from verzoeken.workflow import TransitionRefused, allowed_steps

pytestmark = pytest.mark.django_db


def _identify(v, user):
    return services.record_identity(verzoek=v, document_soort=IdDocument.PASPOORT, user=user)


def test_request_gets_its_deadline_and_a_legal_hold(inzage):
    assert inzage.status == Status.ONTVANGEN
    assert inzage.uiterste_datum == inzage.ontvangen_op + timedelta(weeks=4)
    assert inzage.leerling.blokkades.filter(
        opgeheven_op__isnull=True, toelichting=inzage.kenmerk
    ).exists()


def test_who_may_file(world, make_request):
    with pytest.raises(RequestRefused) as exc:
        make_request(ouder="zonder_gezag")
    assert exc.value.rule == "no_gezag"
    with pytest.raises(RequestRefused):
        make_request("g5", ouder="ander")  # not a parent of this pupil
    with pytest.raises(RequestRefused) as exc:
        make_request("a2_15", door_leerling=True)
    assert exc.value.rule == "under_16"
    assert make_request("a2_16", door_leerling=True).indiener_rol == "leerling"


def test_no_decision_before_the_identity_check(world, inzage):
    admin = world.users["administratie"]
    with pytest.raises(TransitionRefused) as exc:
        services.submit(verzoek=inzage, uitkomst=Uitkomst.TOEGEWEZEN, motivering="ok", user=admin)
    assert exc.value.rule == "identity_first"
    assert "identity" in exc.value.messages[0]
    assert not inzage.documenten.exists()


def test_no_release_before_the_director_approved(world, inzage):
    admin, directeur = world.users["administratie"], world.users["directeur"]
    _identify(inzage, admin)
    services.submit(verzoek=inzage, uitkomst=Uitkomst.TOEGEWEZEN, motivering="Alles", user=admin)
    work_off_documents()
    inzage.refresh_from_db()
    assert inzage.status == Status.TER_BEOORDELING
    preview = inzage.documenten.get(soort=Document.Soort.AFSCHRIFT_PDF)
    assert not preview.definitief and preview.vrijgegeven_op is None and preview.paginas >= 1
    with pytest.raises(TransitionRefused) as exc:
        services.answer(verzoek=inzage, user=admin)
    assert exc.value.rule == "state"
    with pytest.raises(TransitionRefused) as exc:
        services.approve(verzoek=inzage, user=admin)  # the administration is no director
    assert exc.value.rule == "director_review"
    assert "approve" not in allowed_steps(inzage, admin) and "approve" in allowed_steps(
        inzage, directeur
    )

    services.approve(verzoek=inzage, user=directeur)
    work_off_documents()
    inzage.refresh_from_db()
    assert inzage.status == Status.BESLOTEN and inzage.beoordelaar == directeur
    assert not inzage.documenten.filter(vrijgegeven_op__isnull=False).exists()
    services.answer(verzoek=inzage, user=admin)
    inzage.refresh_from_db()
    assert inzage.status == Status.AFGEHANDELD and inzage.beantwoord_op
    released = set(
        inzage.documenten.filter(vrijgegeven_op__isnull=False).values_list("soort", flat=True)
    )
    assert released == {Document.Soort.AFSCHRIFT_PDF, Document.Soort.BESLUIT}
    assert inzage.kopieen.get().kosten == 0  # the first copy is free
    assert not inzage.leerling.blokkades.filter(opgeheven_op__isnull=True).exists()  # hold lifted
    steps = list(
        inzage.history.order_by("history_date", "history_id").values_list(
            "history_change_reason", flat=True
        )
    )
    assert (
        steps[0] == "received" and "identity checked" in steps and "sent to the director" in steps
    )
    assert any(s.startswith("approved by the director") for s in steps) and steps[-1] == "answered"


def test_every_decision_carries_a_reason(world, inzage):
    _identify(inzage, world.users["administratie"])
    with pytest.raises(TransitionRefused) as exc:
        services.submit(
            verzoek=inzage,
            uitkomst=Uitkomst.AFGEWEZEN,
            motivering="  ",
            user=world.users["administratie"],
        )
    assert exc.value.rule == "reason"


def test_a_refusal_may_go_to_the_director_without_identity_check(world, inzage):
    services.submit(
        verzoek=inzage,
        uitkomst=Uitkomst.AFGEWEZEN,
        user=world.users["administratie"],
        motivering="De identiteit kon niet worden vastgesteld.",
    )
    work_off_documents()
    services.approve(verzoek=inzage, user=world.users["directeur"])
    work_off_documents()
    services.answer(verzoek=inzage, user=world.users["directeur"])
    inzage.refresh_from_db()
    assert inzage.status == Status.AFGEHANDELD
    assert not inzage.documenten.filter(soort__startswith="afschrift_").exists()


def test_the_director_sends_back(world, inzage):
    admin = world.users["administratie"]
    _identify(inzage, admin)
    services.submit(verzoek=inzage, uitkomst=Uitkomst.TOEGEWEZEN, motivering="x", user=admin)
    work_off_documents()
    services.send_back(
        verzoek=inzage, user=world.users["directeur"], opmerking="Eerst navragen bij IB."
    )
    inzage.refresh_from_db()
    assert inzage.status == Status.ID_GECONTROLEERD and inzage.teruggestuurd_reden


def test_illegal_steps_name_the_rule(world, inzage):
    admin = world.users["administratie"]
    _identify(inzage, admin)
    with pytest.raises(TransitionRefused) as exc:
        _identify(inzage, admin)
    assert exc.value.rule == "state" and "order of steps" in exc.value.messages[0]
    with pytest.raises(TransitionRefused) as exc:
        services.record_identity(
            verzoek=inzage, document_soort="paspoort", user=world.users["leerkracht"]
        )
    assert exc.value.rule in ("state", "handler")


def test_teacher_and_fg_cannot_handle(world, make_request):
    v = make_request()
    for name in ("leerkracht", "fg", "bestuur"):
        with pytest.raises(TransitionRefused) as exc:
            _identify(v, world.users[name])
        assert exc.value.rule == "handler"


def test_extension_before_the_first_deadline_only(world, make_request):
    v = make_request(ontvangen_op=timezone.localdate() - timedelta(days=10))
    admin = world.users["administratie"]
    with pytest.raises(TransitionRefused) as exc:
        services.extend(verzoek=v, maanden=2, reden="", gemeld_op=timezone.localdate(), user=admin)
    assert exc.value.rule == "extension_reason"
    with pytest.raises(TransitionRefused) as exc:
        services.extend(
            verzoek=v, maanden=3, reden="Veel gegevens", gemeld_op=timezone.localdate(), user=admin
        )
    assert exc.value.rule == "extension_months"
    first = v.uiterste_datum
    v = services.extend(
        verzoek=v,
        maanden=2,
        reden="Veel gegevens in drie systemen",
        gemeld_op=timezone.localdate(),
        user=admin,
    )
    assert v.uiterste_datum > first and v.eerste_termijn == first

    late = make_request("g5", ontvangen_op=timezone.localdate() - timedelta(days=40))
    with pytest.raises(TransitionRefused) as exc:
        services.extend(
            verzoek=late, maanden=1, reden="te laat", gemeld_op=timezone.localdate(), user=admin
        )
    assert exc.value.rule == "extension_deadline"


def test_access_request_of_a_pupil_of_sixteen(world, make_request):
    v = make_request("a2_16", door_leerling=True, soort=Soort.OVERDRAAGBAARHEID)
    directeur = world.users["directeur"]
    # The director of A1 is not a handler of school A2.
    with pytest.raises(TransitionRefused):
        _identify(v, directeur)
