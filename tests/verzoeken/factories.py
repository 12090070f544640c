from datetime import date

import factory
from factory.django import DjangoModelFactory

from verzoeken import services
from verzoeken.models import Beperking, Kanaal, Soort


def file(
    leerling,
    *,
    soort=Soort.INZAGE,
    ouder=None,
    door_leerling=False,
    ontvangen_op: date | None = None,
    kanaal=Kanaal.BRIEF,
    omschrijving="",
    by=None,
):
    """A request through the service (as the portal and the staff pages make them)."""
    return services.file_request(
        leerling=leerling,
        soort=soort,
        kanaal=kanaal,
        ontvangen_op=ontvangen_op,
        omschrijving=omschrijving,
        ouder=ouder,
        door_leerling=door_leerling,
        vastgelegd_door=by,
    )


class BeperkingFactory(DjangoModelFactory):
    class Meta:
        model = Beperking

    reden = "Verzoek om beperking"
    leerling = factory.SubFactory("tests.leerlingen.factories.LeerlingFactory")


def work_off_documents() -> list[str]:
    """Run the pending document jobs (``verzoeken.tasks.DOCUMENTS``) in-process, as the worker
    would: the preview export after ``submit``, the final export and the letter after ``approve``.
    The browser tests do the same with a real worker (tests/drain.py)."""
    from core import outbox
    from core.models import Opdracht
    from verzoeken.tasks import DOCUMENTS

    jobs = Opdracht.objects.filter(soort=DOCUMENTS, status=Opdracht.Status.WACHT).order_by("pk")
    return [outbox.run(pk) for pk in list(jobs.values_list("pk", flat=True))]
