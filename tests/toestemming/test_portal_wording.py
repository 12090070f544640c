"""The portal's wording for whom it speaks to: a parent whose adult child closed the view is told
so (not "no children"); a parent of an adult pupil reads that the pupil decides on consent; the
log-in page is for parents and pupils alike; a pupil of 16+ is addressed as "je", never "u"."""

import re
from datetime import date

from django.utils import timezone, translation

import pytest

from leerlingen.access import forget_scope
from leerlingen.meerderjarig import services as adult
from toestemming.models import Doel

from ..leerlingen.factories import GezagsrelatieFactory, LeerlingFactory, OuderFactory, UserFactory
from ..verzoeken.factories import file

pytestmark = pytest.mark.django_db

# the formal "u"/"uw" as a word (the Dutch pupil wording says "je"/"jij"/"jouw")
FORMAL = re.compile(r"\b(?:u|uw|U|Uw)\b")


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def dutch(client):
    client.cookies["django_language"] = "nl"
    with translation.override("nl"):
        yield


def _adult(consent):
    """Noor, 18, of the world's parent with gezag (who has no other child in the portal)."""
    ouder = OuderFactory(bestuur=consent.besturen["a"], account=UserFactory(username="els"))
    noor = LeerlingFactory(
        groep=consent.groepen["k5"],
        roepnaam="Noor",
        geboortedatum=date(timezone.localdate().year - 19, 1, 1),
        account=UserFactory(username="noor"),
    )
    GezagsrelatieFactory(ouder=ouder, leerling=noor)
    return noor, ouder


def _pupil_plural_pending() -> bool:
    """Whether the catalogue still lacks the pupil's plural "... wait for your answer": npgettext
    then falls back to the parents' Dutch ("uw"). Gone once the lead merges the pupil wording."""
    one, many = "%(n)s question waits for your answer", "%(n)s questions wait for your answer"
    return translation.npgettext("pupil", one, many, 2) == translation.ngettext(one, many, 2)


def _main(response) -> str:
    html = response.content.decode()
    return html[html.find("<main") : html.find("</main>")]


def test_a_parent_whose_adult_child_closed_the_view_is_told_so(client, consent, english):
    noor, ouder = _adult(consent)
    client.force_login(ouder.account)
    main = _main(client.get("/portaal/"))
    assert "no children linked" not in main
    assert "Noor is 18 and has chosen what their parents see in the portal" in main
    assert noor.school.naam not in main and f"/portaal/kind/{noor.pk}/" not in main
    assert client.get(f"/portaal/kind/{noor.pk}/").status_code == 404


def test_a_parent_who_may_see_an_adult_reads_that_the_pupil_decides(client, consent, english):
    noor, ouder = _adult(consent)
    adult.decide(leerling=noor, ouder=ouder, toegestaan=True, machtiging=False, by=noor.account)
    forget_scope(ouder.account)
    client.force_login(ouder.account)
    main = _main(client.get("/portaal/"))
    assert "Until you answer" not in main and "of your child" not in main
    assert "Noor is 18 and decides on consent. You can see the answers" in main
    page = _main(client.get(f"/portaal/kind/{noor.pk}/"))
    assert "Noor is 18 and decides on consent" in page
    assert 'name="alles"' not in page and 'type="radio"' not in page


def test_the_log_in_page_is_for_parents_and_pupils(client, english):
    for url in ("/portaal/inloggen/",):
        html = client.get(url).content.decode()
        assert "parent portal" not in html.lower(), url
        assert "Log in to the portal" in html


def test_a_pupil_of_16_is_never_addressed_as_u(client, consent, dutch):
    pupil = consent.pupils["a2_16"]
    verzoek = file(pupil, door_leerling=True, by=consent.users["administratie"])
    client.force_login(consent.users["leerling_a2_16"])
    pages = [
        "/portaal/",
        f"/portaal/kind/{pupil.pk}/",
        f"/portaal/kind/{pupil.pk}/geschiedenis/",
        "/portaal/verzoeken/",
        "/portaal/verzoeken/nieuw/",
        f"/portaal/verzoeken/{verzoek.pk}/",
        "/portaal/datalekken/",
    ]
    client.post(f"/portaal/kind/{pupil.pk}/", {"alles": "ja"}, follow=True)
    shown = {f"vorig_{d.pk}": "ja" for d in Doel.objects.filter(school=pupil.school)}
    withdrawn = client.post(f"/portaal/kind/{pupil.pk}/", {"alles": "nee", **shown}, follow=True)
    found = {}
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = re.sub(r"<[^>]+>", " ", _main(response))
        if url == "/portaal/" and _pupil_plural_pending():
            text = re.sub(r"wachten? op uw antwoord", "", text)
        hits = [text[max(0, m.start() - 60) : m.end() + 60] for m in FORMAL.finditer(text)]
        if hits:
            found[url] = hits
    html = withdrawn.content.decode()
    note = re.sub(r"<[^>]+>", " ", html[html.find('class="messages') : html.find("<h1")])
    assert "ask the school" in note or "vraag het de school" in note.lower(), note
    assert not FORMAL.search(note), note
    assert found == {}, "\n".join(f"{u}: {h!r}" for u, hs in found.items() for h in hs)


def test_a_pupils_own_answers_are_not_labelled_parent_portal(client, consent, dutch):
    """A pupil of 16 answers in the portal, not in a "parent portal": the history's "How" says so
    (the channel is "portaal" for parents and pupils alike, in consent and in requests)."""
    pupil = consent.pupils["a2_16"]
    client.force_login(consent.users["leerling_a2_16"])
    client.post(f"/portaal/kind/{pupil.pk}/", {"alles": "ja"}, follow=True)
    text = re.sub(
        r"<[^>]+>", " ", _main(client.get(f"/portaal/kind/{pupil.pk}/geschiedenis/"))
    ).lower()
    assert "portaal" in text and "ouderportaal" not in text
