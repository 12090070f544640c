"""Factories for retention tests: pupils who left, with dependants, and destruction lists."""

from datetime import date

import factory
from factory.django import DjangoModelFactory

from leerlingen.models import Blokkade

from .factories import DossierItemFactory, GezagsrelatieFactory, LeerlingFactory, OuderFactory


class VertrokkenLeerlingFactory(LeerlingFactory):
    """A pupil who left the school."""

    groep = None
    school = factory.SubFactory("tests.leerlingen.factories.SchoolFactory")
    datum_inschrijving = date(2010, 8, 20)
    datum_uitschrijving = date(2018, 7, 15)

    class Params:
        nooit_ingeschreven = factory.Trait(
            datum_inschrijving=date(2025, 8, 20), datum_uitschrijving=date(2025, 6, 1)
        )


class BlokkadeFactory(DjangoModelFactory):
    class Meta:
        model = Blokkade

    leerling = factory.SubFactory(VertrokkenLeerlingFactory)
    reden = Blokkade.Reden.GESCHIL
    toelichting = "Zaak 2026-17"


def pupil_with_family(
    *, school, left, bsn=None, achternaam=None, ouder=None, items=("studievoortgang",)
):
    """A pupil who left on ``left`` with a guardian (their own unless given) and dossier items."""
    kwargs = {"school": school, "datum_uitschrijving": left}
    if bsn:
        kwargs["bsn"] = bsn
    if achternaam:
        kwargs["achternaam"] = achternaam
    leerling = VertrokkenLeerlingFactory(**kwargs)
    ouder = ouder or OuderFactory(bestuur=school.bestuur, achternaam=leerling.achternaam)
    GezagsrelatieFactory(ouder=ouder, leerling=leerling)
    for categorie in items:
        DossierItemFactory(leerling=leerling, categorie=categorie, titel=f"Item {categorie}")
    return leerling
