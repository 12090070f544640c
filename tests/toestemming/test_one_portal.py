"""Issue 18, one portal: the navigation shows each person the links they can use; a pupil of 16+
is addressed as themselves; a child's yearly form is answered in one submit, then the next child."""

from datetime import date

from django.core import mail
from django.utils import timezone, translation

import pytest

from core import outbox
from core.models import Opdracht
from datalekken import services as breach_services
from datalekken.models import Datalek, Risico
from toestemming.models import Doel, Toestemming
from toestemming.portal_auth import request_link
from toestemming.services import give_consent, hand_over_to_pupil

from ..leerlingen.factories import GezagsrelatieFactory
from ..verzoeken.factories import file
from .test_portal_navigation import _navs

pytestmark = pytest.mark.django_db

PARENT_PHRASES = ("Ouderportaal", "Mijn kinderen", "van uw kind", "Beste ouder", "ouder/verzorger")


def _nav(client, url) -> dict:
    response = client.get(url, follow=True)
    assert response.status_code == 200, url
    (nav,) = [n for n in _navs(response.content.decode()) if n["label"] in ("Portal", "Portaal")]
    return nav


def _run(kind):
    for job in Opdracht.objects.filter(soort=kind, status=Opdracht.Status.WACHT):
        assert outbox.run(job.pk) == "done"


# --- the navigation ------------------------------------------------------------------------------

BREACH, ADULT = "/portaal/datalekken/", "/portaal/18-plus/"
ALWAYS = (
    "/portaal/",
    "/portaal/toestemming/",
    "/portaal/verzoeken/",
    "/portaal/privacyverklaring/",
    "/portaal/geschiedenis/",
)


def test_a_parent_sees_the_portal_links_and_breach_letters_only_when_there_are_some(
    client, consent
):
    client.force_login(consent.users["ouder_gezag"])
    nav = _nav(client, "/portaal/")
    assert nav["hrefs"] == list(ALWAYS)
    assert nav["current"] == {"/portaal/": "page"}

    d = Datalek(
        school=consent.schools["a1"],
        bestuur=consent.schools["a1"].bestuur,
        titel="USB-stick kwijt",
        omschrijving="Verloren.",
        risico=Risico.HOOG,
    )
    d = breach_services.record(d, by=consent.users["fg"])
    d.leerlingen.add(consent.pupils["g5"])
    breach_services.decide_people(d, by=consent.users["fg"], besluit="informeren")
    nav = _nav(client, BREACH)
    assert nav["hrefs"] == [*ALWAYS, BREACH]
    assert nav["current"] == {BREACH: "page"}
    client.force_login(consent.users["ouder_ander"])  # no letter for this family
    assert BREACH not in _nav(client, "/portaal/")["hrefs"]


def test_aria_current_marks_the_section_of_each_page(client, consent):
    pupil = consent.pupils["g5"]
    verzoek = file(pupil, ouder=consent.ouders["gezag"], by=consent.users["administratie"])
    client.force_login(consent.users["ouder_gezag"])
    kind = f"/portaal/kind/{pupil.pk}/"
    pages = {
        "/portaal/": ("/portaal/", "page"),
        kind: ("/portaal/toestemming/", "true"),
        f"{kind}geschiedenis/": ("/portaal/geschiedenis/", "true"),
        f"{kind}privacyverklaring/": ("/portaal/privacyverklaring/", "true"),
        "/portaal/verzoeken/": ("/portaal/verzoeken/", "page"),
        f"/portaal/verzoeken/{verzoek.pk}/": ("/portaal/verzoeken/", "true"),
    }
    for url, (section, value) in pages.items():
        assert _nav(client, url)["current"] == {section: value}, url


def test_the_navigation_links_lead_to_the_one_child(client, consent):
    pupil = consent.pupils["g5"]
    client.force_login(consent.users["ouder_gezag"])
    for link, target in (
        ("/portaal/toestemming/", f"/portaal/kind/{pupil.pk}/"),
        ("/portaal/geschiedenis/", f"/portaal/kind/{pupil.pk}/geschiedenis/"),
        ("/portaal/privacyverklaring/", f"/portaal/kind/{pupil.pk}/privacyverklaring/"),
    ):
        response = client.get(link)
        assert response.status_code == 302 and response["Location"] == target, link


def test_with_children_at_two_schools_the_statement_link_asks_which_school(client, consent):
    GezagsrelatieFactory(ouder=consent.ouders["gezag"], leerling=consent.pupils["a2_15"])
    client.force_login(consent.users["ouder_gezag"])
    html = client.get("/portaal/privacyverklaring/").content.decode()
    for key in ("g5", "a2_15"):
        pupil = consent.pupils[key]
        assert f'href="/portaal/kind/{pupil.pk}/privacyverklaring/"' in html
        assert pupil.school.naam in html
    html = client.get("/portaal/geschiedenis/").content.decode()
    assert consent.pupils["a2_15"].volledige_naam in html


def test_the_18_plus_page_is_linked_for_a_pupil_of_18_only(client, consent):
    pupil = consent.pupils["a2_16"]
    client.force_login(consent.users["leerling_a2_16"])
    assert ADULT not in _nav(client, "/portaal/")["hrefs"]  # 17: not yet
    pupil.geboortedatum = date(timezone.localdate().year - 19, 1, 1)
    pupil.save()
    nav = _nav(client, ADULT)
    assert ADULT in nav["hrefs"] and nav["current"] == {ADULT: "page"}
    client.force_login(consent.users["ouder_gezag"])
    assert ADULT not in _nav(client, "/portaal/")["hrefs"]


def test_staff_pages_get_no_portal_context(client, consent):
    client.force_login(consent.users["directeur"])
    response = client.get("/staf/")
    assert "portaal" not in (response.context or {})


# --- a pupil of 16+ is addressed as themselves (Dutch, the default) -----------------------------


@pytest.fixture
def dutch(client):
    client.cookies["django_language"] = "nl"
    with translation.override("nl"):
        yield


def test_a_pupil_of_16_never_reads_the_parent_wording(client, consent, dutch):
    pupil = consent.pupils["a2_16"]
    verzoek = file(pupil, door_leerling=True, by=consent.users["administratie"])
    client.force_login(consent.users["leerling_a2_16"])
    pages = [
        "/portaal/",
        f"/portaal/kind/{pupil.pk}/",
        f"/portaal/kind/{pupil.pk}/geschiedenis/",
        f"/portaal/kind/{pupil.pk}/privacyverklaring/",
        "/portaal/verzoeken/",
        "/portaal/verzoeken/nieuw/",
        f"/portaal/verzoeken/{verzoek.pk}/",
        "/portaal/datalekken/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        main = response.content.decode()
        if "privacyverklaring" in url:  # the school's published statement itself is left out:
            main = main[: main.find('<div class="card">')]  # one text for parents and pupils
        for phrase in PARENT_PHRASES:
            assert phrase not in main, (url, phrase)
    nav = _nav(client, "/portaal/")
    assert nav["hrefs"][0] == "/portaal/" and "/portaal/18-plus/" not in nav["hrefs"]


def test_the_pupil_s_e_mails_speak_to_the_pupil(client, consent, dutch):
    pupil = consent.pupils["a2_16"]
    pupil.email = "leerling@example.test"
    pupil.save()
    hand_over_to_pupil(leerling=pupil)
    _run("toestemming.uitnodiging")
    request_link(email="leerling@example.test", ip="10.0.0.1")
    _run("toestemming.inloglink")
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        text = message.subject + message.body
        for phrase in PARENT_PHRASES:
            assert phrase not in text, (message.subject, phrase)
    assert "ouderportaal" not in mail.outbox[1].body.lower()
    assert all(m.body.startswith(f"Beste {pupil.roepnaam},") for m in mail.outbox)


# --- consent for several children: one submit per child, then the next --------------------------


@pytest.fixture
def family(consent):
    """The parent with gezag of g5 also has gezag of g6 (another group of the same school)."""
    GezagsrelatieFactory(ouder=consent.ouders["gezag"], leerling=consent.pupils["g6"])
    return consent


def _doelen(pupil):
    return list(Doel.objects.filter(school=pupil.school, actief=True).order_by("volgorde", "id"))


def _mine(pupil, ouder):
    return dict(
        Toestemming.objects.filter(leerling=pupil, ouder=ouder, huidig=True).values_list(
            "doel__code", "gegeven"
        )
    )


def test_yes_to_all_saves_every_question_and_goes_to_the_next_child(client, family):
    first, second = family.pupils["g5"], family.pupils["g6"]
    ouder = family.ouders["gezag"]
    client.force_login(family.users["ouder_gezag"])
    assert client.get("/portaal/toestemming/")["Location"] == f"/portaal/kind/{first.pk}/"
    response = client.post(f"/portaal/kind/{first.pk}/", {"alles": "ja"})
    assert response["Location"] == f"/portaal/kind/{second.pk}/"
    assert _mine(first, ouder) == {d.code: True for d in _doelen(first)}
    page = client.get(response["Location"]).content.decode()
    assert f"Saved for {first.roepnaam}" in page  # the confirmation of the previous child in view
    assert client.get("/portaal/toestemming/")["Location"] == f"/portaal/kind/{second.pk}/"

    website, *rest = _doelen(second)
    response = client.post(
        f"/portaal/kind/{second.pk}/", {f"doel_{website.pk}": "ja", f"doel_{rest[0].pk}": "nee"}
    )
    assert response["Location"] == "/portaal/"  # the last child: back to the overview
    assert _mine(second, ouder) == {website.code: True, rest[0].code: False}


def test_no_to_all_withdraws_and_keeps_the_history(client, family):
    pupil, ouder = family.pupils["g5"], family.ouders["gezag"]
    client.force_login(family.users["ouder_gezag"])
    client.post(f"/portaal/kind/{pupil.pk}/", {"alles": "ja"})
    vorig = {f"vorig_{d.pk}": "ja" for d in _doelen(pupil)}
    client.post(f"/portaal/kind/{pupil.pk}/", {"alles": "nee", **vorig})
    assert set(_mine(pupil, ouder).values()) == {False}
    rows = Toestemming.objects.filter(leerling=pupil, ouder=ouder)
    assert rows.count() == 2 * len(_doelen(pupil)) and rows.filter(is_intrekking=True).exists()


def test_an_older_tab_saves_nothing_of_the_form(client, family):
    pupil, ouder = family.pupils["g5"], family.ouders["gezag"]
    website, nieuwsbrief = _doelen(pupil)[0], _doelen(pupil)[-1]
    give_consent(leerling=pupil, doel=nieuwsbrief, gegeven=True, ouder=ouder)  # in another tab
    client.force_login(family.users["ouder_gezag"])
    response = client.post(
        f"/portaal/kind/{pupil.pk}/",
        {
            f"doel_{website.pk}": "ja",
            f"vorig_{website.pk}": "",
            f"doel_{nieuwsbrief.pk}": "nee",
            f"vorig_{nieuwsbrief.pk}": "",
        },
    )
    assert response["Location"] == f"/portaal/kind/{pupil.pk}/"  # stays, with the refusal
    assert _mine(pupil, ouder) == {nieuwsbrief.code: True}  # the form as a whole saved nothing


def test_who_may_not_decide_cannot_post_the_form(client, family):
    pupil = family.pupils["g5"]
    client.force_login(family.users["ouder_zonder_gezag"])
    html = client.get(f"/portaal/kind/{pupil.pk}/").content.decode()
    assert 'name="alles"' not in html
    client.post(f"/portaal/kind/{pupil.pk}/", {"alles": "ja"})
    assert not Toestemming.objects.filter(leerling=pupil).exists()
    client.force_login(family.users["ouder_ander"])
    assert client.post(f"/portaal/kind/{pupil.pk}/", {"alles": "ja"}).status_code == 404


def test_an_empty_submit_asks_for_an_answer(client, family):
    pupil = family.pupils["g5"]
    client.force_login(family.users["ouder_gezag"])
    response = client.post(f"/portaal/kind/{pupil.pk}/", {}, follow=True)
    assert "Choose yes or no for at least one question." in response.content.decode()
    assert not Toestemming.objects.filter(leerling=pupil).exists()
