from datetime import date

from django.contrib.auth.models import User

import factory
from factory.django import DjangoModelFactory

from leerlingen.demo import bsn_from
from leerlingen.models import (
    Bestuur,
    DossierItem,
    Gegevenscategorie,
    Gezagsrelatie,
    Groep,
    Leerling,
    Ouder,
    Relatie,
    School,
)
from leerlingen.schooljaar import current_schooljaar


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.test")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class BestuurFactory(DjangoModelFactory):
    class Meta:
        model = Bestuur

    naam = factory.Sequence(lambda n: f"Stichting {n}")
    fg_naam = "FG"
    fg_email = "fg@example.test"


class SchoolFactory(DjangoModelFactory):
    class Meta:
        model = School

    bestuur = factory.SubFactory(BestuurFactory)
    naam = factory.Sequence(lambda n: f"School {n}")
    brin = factory.Sequence(lambda n: f"{n % 100:02d}{chr(65 + (n // 100) % 26)}{chr(65 + n % 26)}")


class GroepFactory(DjangoModelFactory):
    class Meta:
        model = Groep

    school = factory.SubFactory(SchoolFactory)
    schooljaar = factory.LazyFunction(current_schooljaar)
    jaargroep = 5
    naam = factory.Sequence(lambda n: f"Groep {n}")


class LeerlingFactory(DjangoModelFactory):
    class Meta:
        model = Leerling
        skip_postgeneration_save = True

    groep = factory.SubFactory(GroepFactory)
    school = factory.SelfAttribute("groep.school")
    leerlingnummer = factory.Sequence(lambda n: f"{10000 + n}")
    voornamen = factory.Faker("first_name", locale="nl_NL")
    roepnaam = factory.SelfAttribute("voornamen")
    achternaam = factory.Faker("last_name", locale="nl_NL")
    geboortedatum = date(2017, 5, 17)
    bsn = factory.Sequence(lambda n: bsn_from(20_000_000 + n * 13))
    datum_inschrijving = date(2021, 8, 20)

    @factory.post_generation
    def _hash(obj, create, extracted, **kwargs):
        obj.set_bsn_hash()
        if create:
            obj.save()


class OuderFactory(DjangoModelFactory):
    class Meta:
        model = Ouder

    bestuur = factory.SubFactory(BestuurFactory)
    voornaam = factory.Faker("first_name", locale="nl_NL")
    achternaam = factory.Faker("last_name", locale="nl_NL")
    email = factory.Sequence(lambda n: f"ouder{n}@example.test")


class GezagsrelatieFactory(DjangoModelFactory):
    class Meta:
        model = Gezagsrelatie

    ouder = factory.SubFactory(OuderFactory)
    leerling = factory.SubFactory(LeerlingFactory)
    relatie = Relatie.MOEDER
    heeft_gezag = True

    class Params:
        zonder_gezag = factory.Trait(heeft_gezag=False, relatie=Relatie.VADER)


class DossierItemFactory(DjangoModelFactory):
    class Meta:
        model = DossierItem

    leerling = factory.SubFactory(LeerlingFactory)
    categorie = Gegevenscategorie.STUDIEVOORTGANG
    titel = factory.Sequence(lambda n: f"Item {n}")
    inhoud = "Inhoud"

    class Params:
        medisch = factory.Trait(
            categorie=Gegevenscategorie.MEDISCH, titel="Dyslexie", inhoud="Dyslexieverklaring"
        )
        religie = factory.Trait(
            categorie=Gegevenscategorie.RELIGIE, titel="Religie", inhoud="Vrije dag"
        )
        zeer_vertrouwelijk_item = factory.Trait(
            categorie=Gegevenscategorie.BEGELEIDING, zeer_vertrouwelijk=True, titel="Meldcode"
        )
