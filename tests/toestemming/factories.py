import factory
from factory.django import DjangoModelFactory

from leerlingen.schooljaar import current_schooljaar
from toestemming.models import Beslisser, Doel, Kanaal, Toestemming

from ..leerlingen.factories import SchoolFactory


class DoelFactory(DjangoModelFactory):
    class Meta:
        model = Doel

    school = factory.SubFactory(SchoolFactory)
    code = factory.Sequence(lambda n: f"doel-{n}")
    naam = factory.Sequence(lambda n: f"Purpose {n}")
    omschrijving = "May we?"
    volgorde = factory.Sequence(lambda n: n)


class ToestemmingFactory(DjangoModelFactory):
    """A decision row written directly (tests of the rules use the services instead)."""

    class Meta:
        model = Toestemming

    schooljaar = factory.LazyFunction(current_schooljaar)
    gegeven = True
    beslisser = Beslisser.OUDER
    kanaal = Kanaal.PORTAAL

    class Params:
        nee = factory.Trait(gegeven=False)
        ingetrokken = factory.Trait(gegeven=False, is_intrekking=True)
