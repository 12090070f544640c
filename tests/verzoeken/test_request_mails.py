"""Issue 18: a request's e-mails go through the outbox (ids only): the receipt to the requester with
the deadline, a notice to the school's handlers, and "your answer is ready" with the portal link;
the requester follows each step in Dutch in the portal."""

from django.conf import settings
from django.core import mail
from django.utils import translation

import pytest

from core import outbox
from core.models import Opdracht
from tests.verzoeken.factories import work_off_documents
from verzoeken import services
from verzoeken.models import IdDocument, Soort, Uitkomst

pytestmark = pytest.mark.django_db


def _run():
    jobs = list(Opdracht.objects.filter(soort="verzoeken.mail", status=Opdracht.Status.WACHT))
    for job in jobs:
        assert set(job.argumenten) == {"verzoek_id", "soort"}  # ids and codes, no address or name
        assert outbox.run(job.pk) == "done"
    return jobs


def test_the_requester_and_the_school_are_mailed_at_each_step(client, world):
    ouder = world.ouders["gezag"]
    v = services.file_request(
        leerling=world.pupils["g5"],
        soort=Soort.INZAGE,
        kanaal="portaal",
        ouder=ouder,
        vastgelegd_door=ouder.account,
    )
    assert len(_run()) == 2
    receipt = next(m for m in mail.outbox if m.to == [ouder.email])
    assert v.kenmerk in receipt.subject and v.uiterste_datum.strftime("%-d") in receipt.body
    assert f"{settings.SITE_URL}/portaal/verzoeken/{v.pk}/" in receipt.body
    notice = next(m for m in mail.outbox if m is not receipt)
    handlers = {world.users["administratie"].email, world.users["directeur"].email}
    assert set(notice.to) == handlers and ouder.email not in notice.to
    assert world.pupils["g5"].achternaam not in notice.subject + notice.body  # no pupil's name
    assert f"/staf/verzoeken/{v.pk}/" in notice.body

    mail.outbox.clear()
    staff = world.users["administratie"]
    services.record_identity(verzoek=v, document_soort=IdDocument.RIJBEWIJS, user=staff)
    services.submit(verzoek=v, uitkomst=Uitkomst.TOEGEWEZEN, motivering="Alles", user=staff)
    work_off_documents()
    services.approve(verzoek=v, user=world.users["directeur"])
    work_off_documents()
    services.answer(verzoek=v, user=world.users["directeur"])
    assert len(_run()) == 1
    (ready,) = mail.outbox
    assert ready.to == [ouder.email] and v.kenmerk in ready.subject
    assert f"{settings.SITE_URL}/portaal/verzoeken/{v.pk}/" in ready.body

    client.cookies["django_language"] = "nl"
    client.force_login(ouder.account)
    with translation.override("nl"):
        html = client.get(f"/portaal/verzoeken/{v.pk}/").content.decode()
    for step in ("Ontvangen", "Identiteit gecontroleerd", "Wordt beoordeeld", "Beantwoord"):
        assert step in html
    for english in ("Received", "Identity checked", "Being decided", "Answered"):
        assert f">{english}<" not in html


def test_a_pupil_s_receipt_speaks_to_the_pupil(world):
    pupil = world.pupils["a2_16"]
    pupil.email = "leerling@example.test"
    pupil.save()
    services.file_request(
        leerling=pupil,
        soort=Soort.INZAGE,
        kanaal="portaal",
        door_leerling=True,
        vastgelegd_door=pupil.account,
    )
    _run()
    receipt = next(m for m in mail.outbox if m.to == ["leerling@example.test"])
    assert receipt.body.startswith(f"Beste {pupil.roepnaam},")
