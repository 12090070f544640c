"""Erasure is decided per category (AVG art. 17, issue 17): while the child is enrolled, the data
held on consent and without a legal duty are erased; the pupil administration and study progress
are kept, naming the rule and the date from which erasure is possible; "partly granted" end to
end."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

import pytest

from leerlingen.models import DossierItem, Leerling, VernietigdRecord
from tests.verzoeken.factories import work_off_documents
from verzoeken import services
from verzoeken.models import IdDocument, Soort, Uitkomst
from verzoeken.workflow import TransitionRefused

from ..leerlingen.factories import DossierItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    from django.utils import translation

    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


def _erasure(world):
    v = services.file_request(
        leerling=world.pupils["g5"],
        soort=Soort.WISSEN,
        kanaal="email",
        ouder=world.ouders["gezag"],
        omschrijving="Het hele dossier wissen",
        vastgelegd_door=world.users["administratie"],
    )
    services.record_identity(
        verzoek=v, document_soort=IdDocument.PASPOORT, user=world.users["administratie"]
    )
    return v


def test_an_enrolled_childs_file_is_partly_erased_per_category(world, client, settings):
    pupil = world.pupils["g5"]
    photo = DossierItemFactory(leerling=pupil, categorie="beeld", titel="Schoolreisfoto")
    kept_ids = {world.items["studie"].pk, world.items["financieel"].pk}
    erased_ids = {photo.pk, world.items["medisch"].pk, world.items["religie"].pk}
    v = _erasure(world)

    client.force_login(world.users["directeur"])
    page = client.get(reverse("verzoeken:detail", args=[v.pk])).content.decode()
    assert "Can be erased now:" in page and "Must be kept:" in page and "partly granted" in page

    with pytest.raises(TransitionRefused):  # the whole file cannot go while the child is enrolled
        services.submit(
            verzoek=v,
            uitkomst=Uitkomst.TOEGEWEZEN,
            motivering="Alles",
            user=world.users["administratie"],
        )
    services.submit(
        verzoek=v,
        uitkomst=Uitkomst.DEELS,
        motivering="Per categorie beslist",
        user=world.users["administratie"],
    )
    work_off_documents()
    v = services.approve(verzoek=v, user=world.users["directeur"])
    work_off_documents()
    settings.LANGUAGE_CODE = "en"  # the letter is in the school's language; read in English here
    _pdf, html = services.render_besluit(v)
    assert "Erased:" in html and "Kept:" in html
    assert (
        "images (photo, video)" in html
        and "held on consent" in html
        and "no legal duty to keep" in html
    )
    assert "Erasure is possible 5 years after the pupil leaves" in html and "legal term" in html

    services.answer(verzoek=v, user=world.users["directeur"])
    remaining = set(DossierItem.objects.filter(leerling=pupil).values_list("pk", flat=True))
    assert not erased_ids & remaining and kept_ids <= remaining
    assert Leerling.objects.filter(pk=pupil.pk).exists()
    tombs = VernietigdRecord.objects.filter(verzoek_kenmerk=v.kenmerk)
    assert tombs.filter(grond=VernietigdRecord.Grond.VERZOEK).count() >= len(erased_ids)
    assert not DossierItem.history.filter(id=photo.pk).exists()  # the history goes with it
    v.refresh_from_db()
    assert v.uitkomst == Uitkomst.DEELS and v.status == "afgehandeld"


def test_a_left_pupils_kept_part_names_the_date(world):
    pupil = world.pupils["g5"]
    pupil.datum_uitschrijving = timezone.localdate() - timedelta(days=365)
    pupil.save()
    v = _erasure(world)
    erase, keep = services.erasure_parts(v)
    possible = pupil.datum_uitschrijving.replace(year=pupil.datum_uitschrijving.year + 5)
    assert {p.categorie for p in erase} == {"begeleiding", "medisch", "religie"}
    assert any(
        date_format(possible, "j F Y") in o.bericht and o.mogelijk_vanaf == possible for o in keep
    )


def test_partly_granted_needs_something_to_erase(world):
    DossierItem.objects.filter(
        leerling=world.pupils["g5"], categorie__in=["medisch", "religie", "beeld", "begeleiding"]
    ).delete()
    v = _erasure(world)
    with pytest.raises(TransitionRefused) as exc:
        services.submit(
            verzoek=v, uitkomst=Uitkomst.DEELS, motivering="x", user=world.users["administratie"]
        )
    assert exc.value.rule == "erasure_nothing"
