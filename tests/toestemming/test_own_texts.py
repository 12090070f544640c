"""The school's own texts in the reader's language: a consent purpose's name and question are
shown in the school's English when the portal is in English; without it the Dutch is shown, marked
as Dutch (``<span lang="nl">``) so a screen reader pronounces it right; in Dutch, the Dutch."""

from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

import pytest

from core.owntext import own_text, own_text_plain
from toestemming.models import Doel

pytestmark = pytest.mark.django_db


def _page(client, consent, language):
    client.cookies["django_language"] = language
    client.force_login(consent.users["ouder_gezag"])
    with translation.override(language):
        return client.get(reverse("portaal:kind", args=[consent.pupils["g5"].pk])).content.decode()


def test_default_purposes_carry_their_english(consent, doel):
    website = doel(consent.schools["a1"])
    assert website.naam_en == "Photos and video on the public website"
    assert website.naam == "Foto's en video op de openbare website"
    assert website.teksten.get().tekst_en == website.omschrijving_en != ""


def test_english_portal_shows_the_schools_english(client, consent):
    page = _page(client, consent, "en")
    assert "Photos and video on the public website" in page
    assert "We may show photos and short videos of school activities" in page
    assert "Foto's en video op de openbare website" not in page
    assert 'lang="nl"' not in page.split("<main", 1)[1].split("</main>")[0]


def test_english_portal_without_a_translation_shows_the_dutch_marked(client, consent, doel):
    website = doel(consent.schools["a1"])
    Doel.objects.filter(pk=website.pk).update(naam="Schoolfotograaf", naam_en="")
    website.teksten.update(tekst="Mag de schoolfotograaf foto's maken?", tekst_en="")
    page = _page(client, consent, "en")
    assert f'<h2 id="doel-{website.pk}-titel"><span lang="nl">Schoolfotograaf</span></h2>' in page
    assert '<span lang="nl">Mag de schoolfotograaf foto&#x27;s maken?</span>' in page


def test_dutch_portal_shows_the_dutch_unmarked(client, consent):
    page = _page(client, consent, "nl")
    assert "Foto&#x27;s en video op de openbare website" in page
    assert "Photos and video on the public website" not in page
    assert '<span lang="nl">' not in page


def test_the_filter_escapes_and_reads_snapshots_too():
    snapshot = {"naam": "<b>Foto's</b>", "naam_en": ""}
    template = Template('{% load own_text %}{{ d|own_text:"naam" }}')
    with translation.override("en"):
        assert template.render(Context({"d": snapshot})) == (
            '<span lang="nl">&lt;b&gt;Foto&#x27;s&lt;/b&gt;</span>'
        )
        assert own_text({"naam": "x", "naam_en": "<i>"}, "naam") == "&lt;i&gt;"
        assert own_text_plain(snapshot, "naam") == "<b>Foto's</b>"
    with translation.override("nl"):
        assert template.render(Context({"d": snapshot})) == "&lt;b&gt;Foto&#x27;s&lt;/b&gt;"
        assert own_text({"naam": "Foto", "naam_en": "Photo"}, "naam") == "Foto"
