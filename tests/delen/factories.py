from datetime import date, timedelta

from django.utils import timezone

import factory
from factory.django import DjangoModelFactory

from delen.models import Verwerker, Verwerkersovereenkomst, Vordering

from ..leerlingen.factories import LeerlingFactory, SchoolFactory


class VerwerkerFactory(DjangoModelFactory):
    class Meta:
        model = Verwerker

    school = factory.SubFactory(SchoolFactory)
    naam = "Topicus"
    product = factory.Sequence(lambda n: f"Systeem {n}")
    doel = "Leerlingadministratie"
    gegevens = ["contact", "leerlingnummer"]


class VerwerkersovereenkomstFactory(DjangoModelFactory):
    class Meta:
        model = Verwerkersovereenkomst

    verwerker = factory.SubFactory(VerwerkerFactory)
    datum = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=365))
    einddatum = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=365))
    model_privacyconvenant = True
    convenant_versie = "4.0"

    class Params:
        verlopen = factory.Trait(
            einddatum=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1))
        )
        bijna_verlopen = factory.Trait(
            einddatum=factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
        )


class VorderingFactory(DjangoModelFactory):
    class Meta:
        model = Vordering

    leerling = factory.SubFactory(LeerlingFactory)
    school = factory.SelfAttribute("leerling.school")
    gevraagde_gegevens = [
        "roepnaam",
        "achternaam",
        "geboortedatum",
        "straat",
        "huisnummer",
        "postcode",
        "woonplaats",
    ]
    termijn = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=3))
    wijze_van_verstrekking = "Persoonlijk afhalen"
    titel = "Art. 126nc Sv"
    ontvangen_op = factory.LazyFunction(timezone.localdate)
    kenmerk_politie = "PL-1"


def today() -> date:
    return timezone.localdate()
