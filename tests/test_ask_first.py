"""Actions that reach many people or cannot be undone ask first and say how many (issue 18),
through the real pages: without the confirmation nothing is sent or changed; a confirmation sent
twice (a reload, a second click) does the work once and says so."""

import re
from datetime import date
from html import unescape

from django.urls import reverse

import pytest

from core.models import Opdracht
from delen.models import Soort, Verstrekking
from toestemming.models import Herinnering
from verzoeken.models import Verzoek

from .delen.conftest import register  # noqa: F401  (fixture: the standard register of A1)
from .delen.test_views import form_data
from .leerlingen.factories import GezagsrelatieFactory, LeerlingFactory, OuderFactory
from .toestemming.conftest import consent  # noqa: F401  (fixture: published consent forms)
from .verzoeken.factories import work_off_documents

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"


def form_fields(html: str, form_id: str) -> dict:
    """The fields the browser posts from the form ``form_id`` (inputs only: hidden and checked)."""
    form = re.search(rf'<form[^>]*id="{form_id}"[^>]*>(.*?)</form>', html, re.S)
    assert form, form_id
    data: dict = {}
    for tag in re.findall(r"<input[^>]*>", form.group(1)):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if not name or (kind and kind.group(1) in ("checkbox", "radio") and "checked" not in tag):
            continue
        data.setdefault(name.group(1), []).append(unescape(value.group(1)) if value else "")
    return data


# --- confirming a disclosure: once, however often the confirmation is posted ------------------


def test_a_disclosure_confirmed_twice_is_made_once(world, register, client):  # noqa: F811
    jgz = register[Soort.JGZ]
    client.force_login(world.users["directeur"])
    preview = client.post(
        reverse("delen:controle", args=[jgz.pk]), form_data(world, ["achternaam", "geboortedatum"])
    )
    page = preview.content.decode()
    assert "1 pupil" in page or ">1<" in page  # the preview says how many pupils
    confirm = form_fields(page, "confirm-form")
    first = client.post(reverse("delen:bevestig", args=[jgz.pk]), confirm)
    assert first.status_code == 200 and first["Content-Disposition"].startswith("attachment")
    made = Verstrekking.objects.get()
    # The same confirmation again (the browser's reload re-POSTs it): nothing new, and it says so.
    again = client.post(reverse("delen:bevestig", args=[jgz.pk]), confirm)
    assert Verstrekking.objects.count() == 1
    assert "Content-Disposition" not in again
    text = again.content.decode()
    assert again.status_code == 409 and "already confirmed" in text and made.kenmerk in text
    assert reverse("delen:verstrekking", args=[made.pk]) in text
    # A new preview is a new disclosure, on purpose.
    page = client.post(
        reverse("delen:controle", args=[jgz.pk]), form_data(world, ["achternaam"])
    ).content.decode()
    client.post(reverse("delen:bevestig", args=[jgz.pk]), form_fields(page, "confirm-form"))
    assert Verstrekking.objects.count() == 2


def test_a_confirmation_of_someone_else_is_refused(world, register, client):  # noqa: F811
    jgz = register[Soort.JGZ]
    client.force_login(world.users["directeur"])
    page = client.post(
        reverse("delen:controle", args=[jgz.pk]), form_data(world, ["achternaam"])
    ).content.decode()
    confirm = form_fields(page, "confirm-form")
    confirm["bevestiging"] = ["forged"]
    response = client.post(reverse("delen:bevestig", args=[jgz.pk]), confirm)
    assert response.status_code == 400 and not Verstrekking.objects.exists()


def test_a_confirmation_without_the_preview_records_nothing(world, register, client):  # noqa: F811
    """A hand-made POST without the preview's signed confirmation: nothing is recorded or made,
    and the page says so and leads back to the preview."""
    jgz = register[Soort.JGZ]
    client.force_login(world.users["directeur"])
    data = form_data(world, ["achternaam"])
    response = client.post(reverse("delen:bevestig", args=[jgz.pk]), data)
    assert response.status_code == 400 and "Content-Disposition" not in response
    assert not Verstrekking.objects.exists()
    page = response.content.decode()
    assert "Nothing was recorded" in page
    # The choices are kept and the form leads to the preview again.
    assert reverse("delen:controle", args=[jgz.pk]) in page
    assert form_fields(page, "disclosure-form")["velden"] == ["achternaam"]


# --- reminders to the families that have not answered -----------------------------------------


def _reminder_jobs() -> int:
    return Opdracht.objects.filter(soort="toestemming.herinnering").count()


def test_reminders_ask_first_with_the_number_of_parents(client, consent):  # noqa: F811
    g5 = consent.groepen["g5"]
    second = LeerlingFactory(groep=g5, achternaam="Zwart")
    for naam in ("Zwart", "Zwart-de Wit"):
        GezagsrelatieFactory(
            ouder=OuderFactory(bestuur=g5.school.bestuur, achternaam=naam), leerling=second
        )
    # Three parents with gezag and e-mail have open questions (the parent without gezag is not asked).
    client.force_login(consent.users["leerkracht"])
    url = reverse("toestemming_staf:herinnering", args=[g5.pk])
    group_page = client.get(reverse("toestemming_staf:groep", args=[g5.pk])).content.decode()
    assert f'action="{url}"' in group_page  # the button the teacher presses
    question = client.post(url)
    page = question.content.decode()
    assert question.status_code == 200 and "3 parents and guardians" in page
    assert "Send 3 reminders" in page
    assert _reminder_jobs() == 0 and not Herinnering.objects.exists()  # nothing sent yet
    confirm = form_fields(page, "confirm-form")
    done = client.post(url, confirm)
    assert done.status_code == 302 and _reminder_jobs() == 3
    # Confirmed again (a reload): once per parent per day, and it says so.
    again = client.post(url, confirm, follow=True)
    assert _reminder_jobs() == 3 and "No reminders to send" in again.content.decode()
    # Nothing left to send: no question, straight back with that message.
    assert client.post(url).status_code == 302 and _reminder_jobs() == 3


# --- releasing the answer to a request ---------------------------------------------------------


def _decided_request(client, world) -> Verzoek:
    """A request for access, recorded, checked and decided by the director through the pages."""
    client.force_login(world.users["directeur"])
    pupil, ouder = world.pupils["g5"], world.ouders["gezag"]
    client.post(
        f"/staf/verzoeken/nieuw/{pupil.pk}/",
        {
            "indiener": ouder.pk,
            "soort": "inzage",
            "kanaal": "brief",
            "ontvangen_op": date.today().isoformat(),
            "omschrijving": "Per brief",
        },
    )
    v = Verzoek.objects.get()
    client.post(
        f"/staf/verzoeken/{v.pk}/identiteit/", {"document_soort": "paspoort", "bevestiging": "on"}
    )
    client.post(
        f"/staf/verzoeken/{v.pk}/voorleggen/", {"uitkomst": "toegewezen", "motivering": "Alles"}
    )
    work_off_documents()  # the worker makes the preview export (no PDF inside the POST)
    client.post(
        f"/staf/verzoeken/{v.pk}/beoordeling/", {"uitkomst": "toegewezen", "motivering": "Alles"}
    )
    work_off_documents()  # ... and the final export and the letter
    v.refresh_from_db()
    assert v.status == "besloten"
    return v


def _answer_mails(v) -> int:
    return Opdracht.objects.filter(
        soort__startswith="verzoeken.", argumenten__verzoek_id=v.pk, argumenten__soort="beantwoord"
    ).count()


def test_releasing_an_answer_asks_first(client, world):
    v = _decided_request(client, world)
    page = client.get(f"/staf/verzoeken/{v.pk}/").content.decode()
    box = re.search(r'<label for="answer-confirm">(.*?)</label>', page, re.S)
    assert box and "cannot be undone" in box.group(1)
    assert re.search(r"\d+ documents? go", box.group(1))  # says how much goes out
    # Without the tick: nothing is released, nothing is sent, and the page says why.
    response = client.post(f"/staf/verzoeken/{v.pk}/beantwoorden/", follow=True)
    v.refresh_from_db()
    assert v.status == "besloten" and _answer_mails(v) == 0
    assert not v.documenten.filter(vrijgegeven_op__isnull=False).exists()
    assert "Nothing was sent" in response.content.decode()
    # With it: released, one "your answer is ready" e-mail in the outbox.
    client.post(f"/staf/verzoeken/{v.pk}/beantwoorden/", {"bevestigd": "ja"})
    v.refresh_from_db()
    assert v.status == "afgehandeld" and _answer_mails(v) == 1


# --- a second identical request, recorded by staff ---------------------------------------------


def test_a_second_identical_request_warns_and_may_go_on(client, world):
    client.force_login(world.users["directeur"])
    pupil, ouder = world.pupils["g5"], world.ouders["gezag"]
    url = f"/staf/verzoeken/nieuw/{pupil.pk}/"
    data = {
        "indiener": ouder.pk,
        "soort": "inzage",
        "kanaal": "brief",
        "ontvangen_op": date.today().isoformat(),
        "omschrijving": "Per brief",
    }
    assert client.post(url, data).status_code == 302
    first = Verzoek.objects.get()
    warned = client.post(url, {**data, "kanaal": "email"})
    page = warned.content.decode()
    assert warned.status_code == 200 and Verzoek.objects.count() == 1
    assert first.kenmerk in page and "already has an open request" in page
    assert 'name="toch"' in page
    # Another kind of request is not the same request.
    assert client.post(url, {**data, "soort": "overdraagbaarheid"}).status_code == 302
    # Going on anyway records the second one.
    before = Verzoek.objects.count()
    assert client.post(url, {**data, "toch": "ja"}).status_code == 302
    assert Verzoek.objects.count() == before + 1
