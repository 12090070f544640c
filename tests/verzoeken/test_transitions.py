"""The request's transition table drives its status (verzoeken/workflow.py MACHINE): each step
takes its target from the table, a step the table does not allow from the current status is
refused with a message naming the step and the status, and every change is in the history."""

from django.urls import reverse

import pytest

from tests.verzoeken.factories import work_off_documents
from verzoeken.models import IdDocument, Status, Uitkomst
from verzoeken.services import steps
from verzoeken.workflow import MACHINE, TransitionRefused, allowed_steps

pytestmark = pytest.mark.django_db


def _refused(call) -> str:
    with pytest.raises(TransitionRefused) as exc:
        call()
    assert exc.value.rule == "state"
    return exc.value.messages[0]


def _identify(v, user):
    return steps.record_identity(verzoek=v, document_soort=IdDocument.PASPOORT, user=user)


def test_a_step_the_table_does_not_allow_is_refused_naming_the_step_and_the_status(world, inzage):
    admin, directeur = world.users["administratie"], world.users["directeur"]
    assert _refused(lambda: steps.answer(verzoek=inzage, user=directeur)) == (
        "Rule “order of steps”: sending the answer is not possible while the request is “received”."
    )
    assert _refused(lambda: steps.approve(verzoek=inzage, user=directeur)) == (
        "Rule “order of steps”: approving is not possible while the request is “received”."
    )
    _identify(inzage, admin)
    assert _refused(lambda: _identify(inzage, admin)) == (
        "Rule “order of steps”: recording the identity check is not possible while the request is "
        "“identity checked”."
    )
    inzage.refresh_from_db()
    assert inzage.status == Status.ID_GECONTROLEERD


def test_the_requester_withdraws_only_until_the_request_goes_to_the_director(
    world, inzage, make_request
):
    admin = world.users["administratie"]
    early = make_request()
    steps.withdraw(verzoek=early, user=None, door_indiener=True)
    early.refresh_from_db()
    assert early.status == Status.INGETROKKEN
    assert early.history.first().history_change_reason == "withdrawn by the requester"

    _identify(inzage, admin)
    steps.submit(verzoek=inzage, uitkomst=Uitkomst.TOEGEWEZEN, motivering="Alles", user=admin)
    work_off_documents()
    assert _refused(lambda: steps.withdraw(verzoek=inzage, user=None, door_indiener=True)) == (
        "Rule “order of steps”: withdrawing is not possible while the request is "
        "“awaiting the director's review”."
    )
    inzage.refresh_from_db()
    assert inzage.status == Status.TER_BEOORDELING
    # The school may still record a withdrawal (e.g. by letter) in any open status.
    steps.withdraw(verzoek=inzage, user=admin, reden="Brief van de ouder")
    inzage.refresh_from_db()
    assert inzage.status == Status.INGETROKKEN
    assert _refused(lambda: steps.withdraw(verzoek=inzage, user=admin)) == (
        "Rule “order of steps”: withdrawing is not possible while the request is “withdrawn”."
    )


def test_sent_back_the_request_returns_to_the_status_the_table_chooses(world, make_request):
    admin, directeur = world.users["administratie"], world.users["directeur"]
    unchecked = make_request()
    steps.submit(
        verzoek=unchecked,
        uitkomst=Uitkomst.AFGEWEZEN,
        motivering="Geen gezag aangetoond",
        user=admin,
    )
    work_off_documents()
    assert (
        steps.send_back(verzoek=unchecked, user=directeur, opmerking="Eerst bellen").status
        == Status.ONTVANGEN
    )

    checked = make_request()
    _identify(checked, admin)
    steps.submit(verzoek=checked, uitkomst=Uitkomst.TOEGEWEZEN, motivering="Alles", user=admin)
    work_off_documents()
    v = steps.send_back(verzoek=checked, user=directeur, opmerking="Navragen bij IB")
    assert v.status == Status.ID_GECONTROLEERD
    last = v.history.first()
    assert (last.status, last.history_user, last.history_change_reason) == (
        Status.ID_GECONTROLEERD,
        directeur,
        "sent back by the director",
    )


def test_every_status_change_of_a_full_request_is_an_edge_of_the_table(world, inzage):
    admin, directeur = world.users["administratie"], world.users["directeur"]
    _identify(inzage, admin)
    steps.submit(verzoek=inzage, uitkomst=Uitkomst.TOEGEWEZEN, motivering="Alles", user=admin)
    work_off_documents()
    steps.approve(verzoek=inzage, user=directeur)
    work_off_documents()
    steps.answer(verzoek=inzage, user=directeur)
    statuses = list(
        inzage.history.order_by("history_date", "history_id").values_list("status", flat=True)
    )
    changes = {(a, b) for a, b in zip(statuses, statuses[1:], strict=False) if a != b}
    edges = {(source, target) for source, _action, target in MACHINE.edges()}
    assert changes == {
        (Status.ONTVANGEN, Status.ID_GECONTROLEERD),
        (Status.ID_GECONTROLEERD, Status.TER_BEOORDELING),
        (Status.TER_BEOORDELING, Status.BESLOTEN),
        (Status.BESLOTEN, Status.AFGEHANDELD),
    }
    assert changes <= edges


def test_the_staff_page_offers_what_the_table_allows_and_never_the_portal_withdrawal(world, inzage):
    admin = world.users["administratie"]
    offered = allowed_steps(inzage, admin)
    assert offered == [
        a for a in MACHINE.actions_from(Status.ONTVANGEN) if a not in ("withdraw_by_requester",)
    ]
    assert "withdraw" in offered and "withdraw_by_requester" not in offered


def test_the_admin_lists_the_next_steps_the_table_allows(world, inzage, client):
    client.force_login(world.users["directeur"])
    url = reverse("admin:verzoeken_verzoek_change", args=[inzage.pk])
    page = client.get(url).content.decode()
    assert "recording the identity check, sending to the director, withdrawing" in page
    steps.withdraw(verzoek=inzage, user=world.users["administratie"])
    page = client.get(url).content.decode()
    assert "recording the identity check" not in page and "withdrawing" not in page
