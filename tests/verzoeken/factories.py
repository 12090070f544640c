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
