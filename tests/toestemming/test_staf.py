"""Staff pages: the photo list per group (page and PDF), counts, reminders, paper forms."""

import io
import re
from datetime import date

from django.core import mail
from django.urls import reverse
from django.utils import timezone

import pytest

from leerlingen.models import Toegangslog
from toestemming.models import Doel, Herinnering, Toestemming
from toestemming.services import give_consent

from ..leerlingen.factories import GezagsrelatieFactory, OuderFactory

pytestmark = pytest.mark.django_db


def test_teacher_sees_only_own_groups(client, consent):
    client.force_login(consent.users["leerkracht"])
    page = client.get(reverse("toestemming_staf:index")).content.decode()
    assert "Groep 5" in page and "Groep 6" not in page
    assert (
        client.get(reverse("toestemming_staf:groep", args=[consent.groepen["g5"].pk])).status_code
        == 200
    )
    for other in ("g6", "k5", "gb"):
        pk = consent.groepen[other].pk
        assert client.get(reverse("toestemming_staf:groep", args=[pk])).status_code == 404
        assert client.get(reverse("toestemming_staf:fotolijst", args=[pk])).status_code == 404


def test_outsider_and_anonymous(client, consent):
    pk = consent.groepen["g5"].pk
    assert client.get(reverse("toestemming_staf:groep", args=[pk])).status_code == 302
    client.force_login(consent.users["buitenstaander"])
    assert client.get(reverse("toestemming_staf:groep", args=[pk])).status_code == 404
    client.force_login(consent.users["ouder_gezag"])
    assert client.get(reverse("toestemming_staf:groep", args=[pk])).status_code == 404


def test_group_list_shows_answers_and_counts(client, consent, doel):
    school = consent.schools["a1"]
    g5 = consent.pupils["g5"]
    give_consent(leerling=g5, doel=doel(school), gegeven=True, ouder=consent.ouders["gezag"])
    give_consent(
        leerling=g5, doel=doel(school, "social-media"), gegeven=False, ouder=consent.ouders["gezag"]
    )
    client.force_login(consent.users["leerkracht"])
    page = client.get(
        reverse("toestemming_staf:groep", args=[consent.groepen["g5"].pk])
    ).content.decode()
    assert (
        page.count("✓</span> yes") == 1
        and page.count("✗</span> no") == 1
        and page.count("?</span> open") == 5
    )
    assert "Aalbers" in page


def test_photo_list_pdf(client, consent, doel):
    from pypdf import PdfReader

    school = consent.schools["a1"]
    g5 = consent.pupils["g5"]
    tweede = OuderFactory(bestuur=consent.besturen["a"])
    GezagsrelatieFactory(ouder=tweede, leerling=g5)
    give_consent(leerling=g5, doel=doel(school), gegeven=True, ouder=consent.ouders["gezag"])
    give_consent(
        leerling=g5, doel=doel(school, "nieuwsbrief"), gegeven=True, ouder=consent.ouders["gezag"]
    )
    give_consent(leerling=g5, doel=doel(school, "nieuwsbrief"), gegeven=False, ouder=tweede)
    client.force_login(consent.users["leerkracht"])
    response = client.get(reverse("toestemming_staf:fotolijst", args=[consent.groepen["g5"].pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Photo list Groep 5" in text and "School A1" in text
    assert f"{g5.achternaam}, {g5.roepnaam}" in text
    from toestemming.models import Doel

    first = Doel.objects.filter(school=school, actief=True).order_by("volgorde", "id").first()
    # headers wrap; the school's own name for the purpose, in English as the school gave it
    assert first.naam_en in " ".join(text.split())
    row = next(line for line in text.splitlines() if g5.achternaam in line)
    assert row.split()[-7:] == ["YES", "?", "NO*", "?", "?", "?", "?"]
    assert Toegangslog.objects.filter(
        soort="export", object_type="fotolijst", gebruiker=consent.users["leerkracht"]
    ).exists()


def test_reminders_once_per_day_to_parents_with_gezag(
    client, consent, eager_tasks, django_capture_on_commit_callbacks
):
    client.force_login(consent.users["leerkracht"])
    url = reverse("toestemming_staf:herinnering", args=[consent.groepen["g5"].pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"bevestigd": "ja"})  # confirmed (the question: tests/test_ask_first.py)
    assert [m.to for m in mail.outbox] == [
        [consent.ouders["gezag"].email]
    ]  # not the parent without gezag
    assert Herinnering.objects.get().verzonden_op is not None
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"bevestigd": "ja"})
    assert len(mail.outbox) == 1 and Herinnering.objects.count() == 1


def test_no_reminder_when_answered(
    client, consent, doel, eager_tasks, django_capture_on_commit_callbacks
):
    for d in Doel.objects.filter(school=consent.schools["a1"]):
        give_consent(
            leerling=consent.pupils["g5"], doel=d, gegeven=False, ouder=consent.ouders["gezag"]
        )
    client.force_login(consent.users["directeur"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("toestemming_staf:herinnering", args=[consent.groepen["g5"].pk]),
            {"bevestigd": "ja"},
        )
    assert not mail.outbox


def test_fg_looks_but_does_not_remind(client, consent):
    client.force_login(consent.users["fg"])
    page = client.get(
        reverse("toestemming_staf:groep", args=[consent.groepen["g5"].pk])
    ).content.decode()
    assert "Send a reminder" not in page
    for data in ({}, {"bevestigd": "ja"}):
        client.post(reverse("toestemming_staf:herinnering", args=[consent.groepen["g5"].pk]), data)
    assert not Herinnering.objects.exists()
    assert (
        client.get(reverse("toestemming_staf:papier", args=[consent.pupils["g5"].pk])).status_code
        == 404
    )


def test_teacher_records_a_paper_form(client, consent, doel):
    g5, school = consent.pupils["g5"], consent.schools["a1"]
    client.force_login(consent.users["leerkracht"])
    url = reverse("toestemming_staf:papier", args=[g5.pk])
    page = client.get(url).content.decode()
    assert "Aalbers-Vader" not in page  # a parent without gezag cannot have signed
    data = {
        "beslisser": consent.ouders["gezag"].pk,
        "ondertekend_op": date.today().isoformat(),
        f"doel_{doel(school).pk}": "ja",
        f"doel_{doel(school, 'social-media').pk}": "nee",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    rows = Toestemming.objects.order_by("doel__volgorde")
    assert [(r.gegeven, r.kanaal, r.vastgelegd_door.username) for r in rows] == [
        (True, "papier", "leerkracht"),
        (False, "papier", "leerkracht"),
    ]
    assert (
        client.get(reverse("toestemming_staf:papier", args=[consent.pupils["g6"].pk])).status_code
        == 404
    )


def test_paper_form_needs_an_answer(client, consent):
    client.force_login(consent.users["directeur"])
    url = reverse("toestemming_staf:papier", args=[consent.pupils["g5"].pk])
    response = client.post(
        url, {"beslisser": consent.ouders["gezag"].pk, "ondertekend_op": date.today().isoformat()}
    )
    assert response.status_code == 200 and "at least one answer" in response.content.decode()


def _pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_codes_are_printed_in_letters_never_shown_on_a_page(client, consent):
    from toestemming.models import Toegangscode

    nieuw = OuderFactory(bestuur=consent.besturen["a"], achternaam="Nieuwenhuis")
    GezagsrelatieFactory(ouder=nieuw, leerling=consent.pupils["g5"])
    groep = consent.groepen["g5"]
    client.force_login(consent.users["leerkracht"])
    old_url = f"/staf/toestemming/groep/{groep.pk}/codes/"
    assert client.get(old_url).status_code == 404 and client.post(old_url).status_code == 404
    url = reverse("toestemming_staf:brieven", args=[groep.pk])
    assert client.get(url).status_code == 405
    page = client.get(reverse("toestemming_staf:groep", args=[groep.pk])).content.decode()
    assert f'action="{url}"' in page

    response = client.post(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    text = _pdf_text(response.content)
    codes = re.findall(r"\b[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}\b", text)
    assert len(codes) == 1 and "Nieuwenhuis" in text  # "gezag" has an account already: no letter
    assert consent.ouders["gezag"].achternaam + "\n" not in text
    row = Toegangscode.objects.get()
    assert row.ouder == nieuw and codes[0] not in row.code_hash and row.history.count() == 1
    assert Toegangslog.objects.filter(
        object_type="toegangscodes", object_id=str(groep.pk), gebruiker=consent.users["leerkracht"]
    ).exists()
    client.logout()
    assert (
        client.post("/portaal/inloggen/", {"methode": "code", "code": codes[0]})["Location"]
        == "/portaal/"
    )
    client.force_login(consent.users["fg"])  # board level: looks, does not issue
    assert client.post(url).status_code == 404


def test_letters_for_a_second_group_keep_the_code_sent_home_with_the_first(client, consent):
    """Issue 18: a family with children in two groups. The letters of group 5 are printed, then
    those of group 6: the code sent home with the first child still makes the account; printing
    the same group again replaces that group's unused letter."""
    nieuw = OuderFactory(bestuur=consent.besturen["a"], achternaam="Nieuwenhuis")
    GezagsrelatieFactory(ouder=nieuw, leerling=consent.pupils["g5"])
    GezagsrelatieFactory(ouder=nieuw, leerling=consent.pupils["g6"])
    client.force_login(consent.users["directeur"])

    def print_letters(key):
        url = reverse("toestemming_staf:brieven", args=[consent.groepen[key].pk])
        text = _pdf_text(client.post(url).content)
        return re.findall(r"\b[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}\b", text)

    (sent_home,) = print_letters("g5")
    print_letters("g6")
    (reprinted,) = print_letters("g6")  # a lost letter of group 6: its old code stops working
    client.logout()
    login = {"methode": "code", "code": sent_home}
    assert client.post("/portaal/inloggen/", login)["Location"] == "/portaal/"
    nieuw.refresh_from_db()
    assert nieuw.account is not None
    from toestemming.models import Toegangscode

    assert Toegangscode.objects.filter(ouder=nieuw, geldig_tot__gt=timezone.now()).count() == 2
