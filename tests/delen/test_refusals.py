"""Disclosures explain and log what they refuse (issue 17): every field shown, the forbidden ones
marked with their rule; choosing one refuses naming the rule; every refused attempt is in the
access log."""

import re

from django.urls import reverse

import pytest

from delen.models import Soort, Verstrekking
from leerlingen.models import Toegangslog

from .factories import VorderingFactory
from .test_views import previewed

pytestmark = pytest.mark.django_db


def form_data(world, velden, **extra):
    return {
        "groep": str(world.groepen["g5"].pk),
        "leerlingen": [str(world.pupils["g5"].pk)],
        "velden": velden,
        "formaat": "csv",
        "doel": "Oproep",
        **extra,
    }


def _field_line(page: str, code: str) -> str:
    match = re.search(rf'<div[^>]*><input[^>]*value="{code}"[^>]*>.*?</div>', page, re.S)
    assert match, code
    return match.group(0)


def test_the_jgz_page_shows_the_bsn_marked_with_its_rule(world, register, client):
    client.force_login(world.users["directeur"])
    jgz = register[Soort.JGZ]
    page = client.get(
        reverse("delen:nieuw", args=[jgz.pk]), {"groep": world.groepen["g5"].pk}
    ).content.decode()
    bsn = _field_line(page, "bsn")
    assert (
        "allowed field set" in bsn and "never given to the GGD/JGZ" in bsn and "checked" not in bsn
    )
    medical = _field_line(page, "dossier_medisch")
    assert "Not in the allowed field set of this recipient." in medical
    assert "not allowed" not in _field_line(page, "achternaam")  # an allowed field carries no mark
    assert "checked" in _field_line(page, "achternaam")


def test_the_police_page_marks_medical_and_non_identifying_fields(world, register, client):
    client.force_login(world.users["directeur"])
    VorderingFactory(leerling=world.pupils["g5"])
    page = client.get(reverse("delen:nieuw", args=[register[Soort.POLITIE].pk])).content.decode()
    assert "Medical data are never given to the police." in _field_line(page, "dossier_medisch")
    assert "identifying data only" in _field_line(page, "telefoon")


def test_choosing_a_forbidden_field_refuses_naming_the_rule_and_is_logged(world, register, client):
    client.force_login(world.users["directeur"])
    jgz = register[Soort.JGZ]
    pupil = world.pupils["g5"]
    # The confirmation is refused too when the field is added after an allowed preview.
    confirmed = previewed(client, jgz, form_data(world, ["achternaam"]))
    for step in ("controle", "bevestig"):
        response = client.post(
            reverse(f"delen:{step}", args=[jgz.pk]),
            {**confirmed, "velden": ["achternaam", "bsn"]},
        )
        page = response.content.decode()
        assert response.status_code == 400
        assert "Select a valid choice" not in page
        assert "“allowed field set”" in page and "The BSN/PGN is never given to the GGD/JGZ" in page
    assert not Verstrekking.objects.exists()
    entries = list(Toegangslog.objects.filter(soort=Toegangslog.Soort.WEIGERING).order_by("id"))
    assert len(entries) == 2
    for entry in entries:
        assert entry.gebruiker == world.users["directeur"] and entry.leerling == pupil
        assert (entry.object_type, entry.object_id) == ("ontvanger", str(jgz.pk))
        assert "rules: velden" in entry.reden and f"pupils: {pupil.pk}" in entry.reden
        assert pupil.achternaam not in entry.reden and "bsn" in entry.categorieen

    client.force_login(world.users["fg"])
    review = client.get(reverse("leerlingen:access-review")).content.decode()
    # English: the test client sends no language; the rule's code stays visible to the FG.
    assert "disclosure refused by the rules (velden)" in review and f"recipient {jgz.pk}" in review


def test_a_refusal_by_another_rule_is_logged_with_that_rule(world, register, client):
    client.force_login(world.users["directeur"])
    vt = register[Soort.VEILIG_THUIS]
    response = client.post(
        reverse("delen:controle", args=[vt.pk]), form_data(world, ["achternaam"])
    )
    assert response.status_code == 400
    entry = Toegangslog.objects.get(soort=Toegangslog.Soort.WEIGERING)
    assert "rules: veilig_thuis" in entry.reden


def test_an_allowed_disclosure_writes_no_refusal(world, register, client):
    client.force_login(world.users["directeur"])
    jgz = register[Soort.JGZ]
    response = client.post(
        reverse("delen:bevestig", args=[jgz.pk]),
        previewed(client, jgz, form_data(world, ["achternaam"])),
    )
    assert response.status_code == 200
    assert not Toegangslog.objects.filter(soort=Toegangslog.Soort.WEIGERING).exists()


# --- Police: an incomplete written demand and a phone request are recorded and refused -------


def _demand(world, **fields):
    pupil = world.pupils["g5"]
    data = {
        "school": world.schools["a1"].pk,
        "ontvangstwijze": "schriftelijk",
        "leerling": pupil.pk,
        "gevraagde_gegevens": ["achternaam", "geboortedatum"],
        "termijn": "2030-01-10",
        "wijze_van_verstrekking": "Per beveiligde mail",
        "titel": "",
        "ontvangen_op": "2026-11-02",
        "kenmerk_politie": "PL-77",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def _pdf_text(content: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_an_incomplete_written_demand_is_recorded_as_refused_with_a_reply_letter(
    world, register, client
):
    from delen.models import Vordering

    client.force_login(world.users["directeur"])
    url = reverse("admin:delen_vordering_add")
    response = client.post(url, _demand(world))  # (d) missing, not marked refused: not recorded
    assert response.status_code == 200 and not Vordering.objects.exists()
    assert "Record an incomplete demand as received and refused" in response.content.decode()

    response = client.post(url, _demand(world, geweigerd="on"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    vordering = Vordering.objects.get()
    assert vordering.geweigerd and vordering.history.get().history_user == world.users["directeur"]
    change = client.get(
        reverse("admin:delen_vordering_change", args=[vordering.pk])
    ).content.decode()
    letter_url = reverse("delen:vordering-brief", args=[vordering.pk])
    assert letter_url in change

    letter = client.get(letter_url)
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"
    text = _pdf_text(letter.content)
    assert "(d) The demand must state its legal title." in text and "PL-77" in text
    assert world.pupils["g5"].achternaam not in text  # the reply names no pupil

    # A refused demand never opens the disclosure: the police page offers no pupil for it.
    page = client.get(reverse("delen:nieuw", args=[register[Soort.POLITIE].pk])).content.decode()
    assert world.pupils["g5"].achternaam not in page
    data = {
        "leerlingen": [str(world.pupils["g5"].pk)],
        "velden": ["achternaam"],
        "formaat": "pdf",
        "doel": "Vordering",
        "vordering": str(vordering.pk),
    }
    assert (
        client.post(reverse("delen:bevestig", args=[register[Soort.POLITIE].pk]), data).status_code
        == 400
    )
    assert not Verstrekking.objects.exists()


def test_a_phone_request_is_recorded_as_refused(world, client):
    from delen.models import Vordering

    client.force_login(world.users["directeur"])
    url = reverse("admin:delen_vordering_add")
    phone = _demand(
        world,
        ontvangstwijze="telefonisch",
        titel="Art. 126nc Sv",
        leerling="",
        termijn="",
        wijze_van_verstrekking="",
        gevraagde_gegevens=None,
    )
    response = client.post(url, phone)
    assert (
        response.status_code == 200
        and "A request by phone is never a written demand" in response.content.decode()
    )
    assert client.post(url, {**phone, "geweigerd": "on"}).status_code == 302
    vordering = Vordering.objects.get()
    assert vordering.ontvangstwijze == "telefonisch" and vordering.leerling is None
    text = _pdf_text(client.get(reverse("delen:vordering-brief", args=[vordering.pk])).content)
    assert "by phone" in text and "A request by phone is not a written demand" in text


def test_a_complete_demand_cannot_be_refused_and_has_no_letter(world, client):
    client.force_login(world.users["directeur"])
    response = client.post(
        reverse("admin:delen_vordering_add"), _demand(world, titel="Art. 126nc Sv", geweigerd="on")
    )
    assert response.status_code == 200 and "answered, not refused" in response.content.decode()
    complete = VorderingFactory(leerling=world.pupils["g5"])
    assert client.get(reverse("delen:vordering-brief", args=[complete.pk])).status_code == 404


def test_another_schools_staff_cannot_reach_the_reply_letter(world, client):
    refused = VorderingFactory(leerling=world.pupils["g5"], titel="", geweigerd=True)
    client.force_login(world.users["leerkracht"])
    assert client.get(reverse("delen:vordering-brief", args=[refused.pk])).status_code in (302, 404)
    client.force_login(world.users["buitenstaander"])
    assert client.get(reverse("delen:vordering-brief", args=[refused.pk])).status_code == 404


# --- Care team: anonymous by default; the family's own care providers on a consent for the case -


def test_the_anonymous_care_team_default_ticks_no_medical_data_and_no_quasi_identifiers(
    world, register, client
):
    client.force_login(world.users["ib"])
    zorgteam = register[Soort.ZORGTEAM]
    page = client.get(
        reverse("delen:nieuw", args=[zorgteam.pk]), {"groep": world.groepen["g5"].pk}
    ).content.decode()
    for code in (
        "dossier_medisch",
        "geslacht",
        "geboortedatum",
        "groep_naam",
        "school_naam",
        "achternaam",
    ):
        assert "checked" not in _field_line(page, code), code
    assert "checked" in _field_line(page, "dossier_begeleiding")


def test_the_familys_gp_joins_only_on_a_consent_for_the_case(world, register, client):
    from datetime import date

    client.force_login(world.users["ib"])
    zorgteam = register[Soort.ZORGTEAM]
    pupil = world.pupils["g5"]
    data = {
        "groep": str(world.groepen["g5"].pk),
        "leerlingen": [str(pupil.pk)],
        "velden": ["jaargroep"],
        "formaat": "pdf",
        "doel": "Zorgteam 12 november",
        "anoniem": "on",
        "eigen_zorgverleners": "on",
    }
    url = reverse("delen:bevestig", args=[zorgteam.pk])
    # Confirmed from a preview of the anonymous overview, then the family's GP added to the post.
    confirmed = previewed(client, zorgteam, {**data, "eigen_zorgverleners": ""})
    data["bevestiging"] = confirmed["bevestiging"]
    response = client.post(url, data)
    assert response.status_code == 400
    assert "join only with a consent for this case" in response.content.decode()
    page = client.get(
        reverse("delen:nieuw", args=[zorgteam.pk]), {"groep": world.groepen["g5"].pk}
    ).content.decode()
    gezag = f"{pupil.pk}:{world.ouders['gezag'].pk}"
    assert f'value="{gezag}"' in page
    assert (
        f'value="{pupil.pk}:{world.ouders["zonder_gezag"].pk}"' not in page
    )  # no parental authority
    response = client.post(
        url,
        {
            **data,
            "zorgverleners_toestemming_op": "2026-11-10",
            "zorgverleners_toestemming_door": gezag,
        },
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    v = Verstrekking.objects.get()
    assert v.eigen_zorgverleners and v.zorgverleners_toestemming_op == date(2026, 11, 10)
    assert (
        v.zorgverleners_toestemming_ouder == world.ouders["gezag"]
        and not v.zorgverleners_toestemming_leerling
    )
    detail = client.get(reverse("delen:verstrekking", args=[v.pk])).content.decode()
    assert "Consent for this case" in detail and "10 November 2026" in detail


# --- Survey bureau: the minimum counts respondents; a small group leaves only merged ----------


def test_a_group_with_too_few_respondents_leaves_only_as_the_merged_unit(
    world, register, aanvraag, settings
):
    from core.spreadsheet import parse_csv
    from delen.services import disclose
    from tests.leerlingen.factories import GroepFactory, LeerlingFactory

    from .test_rules import with_processor

    settings.SURVEY_MIN_GROUP_SIZE = 3
    onderzoek = register[Soort.ONDERZOEK]
    with_processor(onderzoek)
    g7 = GroepFactory(school=world.schools["a1"], naam="Groep 7", jaargroep=7)
    g5 = [world.pupils["g5"], *LeerlingFactory.create_batch(3, groep=world.groepen["g5"])]
    LeerlingFactory.create_batch(
        4, groep=world.groepen["g6"]
    )  # pupils of groep 6 who did not respond
    g6 = [
        world.pupils["g6"],
        LeerlingFactory(groep=world.groepen["g6"]),
    ]  # 2 respondents of 7 pupils
    g7_respondents = LeerlingFactory.create_batch(2, groep=g7)
    velden = ["rapportage_eenheid", "groep_naam", "geslacht"]
    export = disclose(
        user=world.users["directeur"],
        aanvraag=aanvraag(onderzoek, leerlingen=g5 + g6 + g7_respondents, velden=velden),
    )
    header, rows = parse_csv(export.content)
    text = export.content.decode("utf-8-sig")
    assert "Groep 6" not in text and "Groep 7" not in text
    by_unit = [row[header.index("groep_naam")] for row in rows]
    assert by_unit.count("Groep 5") == 4 and by_unit.count("School A1 (groups merged)") == 4
