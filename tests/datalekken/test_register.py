"""The breach register (issue 19, AVG art. 33/34): who sees it, the 72 hours, the decisions, the
warnings, the letters, the processors' links, the access review's flag and the exports."""

from datetime import timedelta

from django.core import mail
from django.utils import timezone

import pytest

from core.models import Opdracht
from datalekken import rules, services
from datalekken.models import APBesluit, Bericht, Bron, Datalek, Meldlink, Risico
from leerlingen.models import Toegangslog

from .conftest import run_jobs

pytestmark = pytest.mark.django_db


def incident(world, school="a1", **kwargs) -> Datalek:
    values = {
        "titel": "USB-stick kwijt",
        "omschrijving": "Een USB-stick met cijferlijsten is verloren.",
        "risico": Risico.HOOG,
        "gevolgen": "Cijfers kunnen bekend worden.",
        "maatregelen_genomen": "Wachtwoorden gewijzigd.",
    }
    values.update(kwargs)
    s = world.schools.get(school) if school else None
    d = Datalek(school=s, bestuur=s.bestuur if s else world.besturen["a"], **values)
    return services.record(d, by=world.users["fg"])


# --- who sees what (the access matrix of the new pages) ----------------------------------------

PAGES = [
    "/staf/datalekken/{pk}/",
    "/staf/datalekken/{pk}/wijzigen/",
    "/staf/datalekken/{pk}/ap-formulier/",
    "/staf/datalekken/{pk}/brief.pdf",
]


def test_fg_sees_the_board_and_the_director_their_school(world):
    a1, a2, board, b1 = (
        incident(world),
        incident(world, "a2"),
        incident(world, None),
        incident(world, "b1"),
    )
    seen = {role: set(Datalek.objects.visible_to(world.users[role])) for role in world.users}
    assert seen["fg"] == {a1, a2, board}
    assert seen["directeur"] == {a1}
    assert seen["beheerder"] == {a1, a2, board, b1}
    for role in (
        "ib",
        "administratie",
        "leerkracht",
        "bestuur",
        "buitenstaander",
        "ouder_gezag",
        "leerling_a2_16",
    ):
        assert seen[role] == set(), role


@pytest.mark.parametrize(
    "role",
    [
        "ib",
        "administratie",
        "leerkracht",
        "bestuur",
        "buitenstaander",
        "ouder_gezag",
        "leerling_a2_16",
    ],
)
def test_everyone_else_gets_404_on_every_page(client, world, role):
    d = incident(world)
    d.leerlingen.add(world.pupils["g5"])
    client.force_login(world.users[role])
    assert client.get("/staf/datalekken/").status_code == 404
    assert client.get("/staf/datalekken/nieuw/").status_code == 404
    for page in PAGES:
        assert client.get(page.format(pk=d.pk)).status_code == 404, page
    assert (
        client.post(f"/staf/datalekken/{d.pk}/ap-besluit/", {"besluit": "niet_gemeld"}).status_code
        == 404
    )


def test_director_gets_404_on_an_incident_of_another_school(client, world):
    other = incident(world, "a2")
    other.leerlingen.add(world.pupils["a2_15"])
    client.force_login(world.users["directeur"])
    for page in PAGES:
        assert client.get(page.format(pk=other.pk)).status_code == 404, page
    assert client.get(f"/admin/datalekken/datalek/{other.pk}/change/").status_code == 404
    assert client.get(f"/admin/datalekken/datalek/{other.pk}/history/").status_code == 404
    client.force_login(world.users["fg"])
    assert client.get(f"/staf/datalekken/{other.pk}/").status_code == 200
    assert client.get(f"/admin/datalekken/datalek/{other.pk}/history/").status_code == 200


# --- the 72 hours --------------------------------------------------------------------------------


def test_hours_left_count_from_awareness(world):
    d = incident(world, ontdekt_op=timezone.now() - timedelta(hours=30, minutes=10))
    assert rules.hours_left(d) == 41
    late = incident(world, ontdekt_op=timezone.now() - timedelta(hours=73))
    assert rules.hours_left(late) < 0


def test_register_page_shows_hours_left(client, world):
    incident(world, ontdekt_op=timezone.now() - timedelta(hours=60, minutes=30))
    client.force_login(world.users["directeur"])
    body = client.get("/staf/datalekken/").content.decode()
    assert "11 hours left to notify the AP" in body


def test_warnings_are_outbox_jobs_at_48_and_12_hours_left_with_ids_only(world):
    d = incident(world)
    jobs = {
        j.argumenten["uren"]: j for j in Opdracht.objects.filter(soort="datalekken.waarschuwing")
    }
    assert set(jobs) == {48, 12}
    assert jobs[48].niet_voor == d.ontdekt_op + timedelta(hours=24)
    assert jobs[12].niet_voor == d.ontdekt_op + timedelta(hours=60)
    assert jobs[48].argumenten == {"datalek_id": d.pk, "uren": 48}
    # a corrected moment of awareness moves the warnings, it does not add any
    d.ontdekt_op -= timedelta(hours=5)
    services.record(d)
    moved = Opdracht.objects.get(sleutel=services.warning_key(d.pk, 12))
    assert moved.niet_voor == d.ontdekt_op + timedelta(hours=60)
    assert Opdracht.objects.filter(soort="datalekken.waarschuwing").count() == 2


def test_warning_mails_the_fg_and_the_director_while_open_only(world):
    world.users["fg"].email, world.users["directeur"].email = "fg@example.test", "dir@example.test"
    world.users["fg"].save(), world.users["directeur"].save()
    d = incident(world)
    assert run_jobs("datalekken.waarschuwing", due_only=True) == []  # not due yet
    Opdracht.objects.filter(sleutel=services.warning_key(d.pk, 48)).update(niet_voor=timezone.now())
    run_jobs("datalekken.waarschuwing", due_only=True)
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == ["dir@example.test", "fg@example.test"]
    assert d.kenmerk in mail.outbox[0].subject
    services.decide_ap(
        d, by=world.users["fg"], besluit=APBesluit.GEMELD, gemeld_op=timezone.now(), kenmerk="AP-1"
    )
    run_jobs("datalekken.waarschuwing")
    assert len(mail.outbox) == 1  # decided: the 12-hour warning sends nothing


# --- the decisions ----------------------------------------------------------------------------


def test_notified_needs_date_and_reference_and_late_needs_a_reason(world):
    from django.core.exceptions import ValidationError

    d = incident(world, ontdekt_op=timezone.now() - timedelta(hours=80))
    with pytest.raises(ValidationError) as e:
        services.decide_ap(d, by=None, besluit=APBesluit.GEMELD)
    assert {"gemeld_op", "kenmerk"} <= set(e.value.message_dict)
    with pytest.raises(ValidationError) as e:
        services.decide_ap(
            d, by=None, besluit=APBesluit.GEMELD, gemeld_op=timezone.now(), kenmerk="AP-9"
        )
    assert set(e.value.message_dict) == {"vertraging_reden"}
    services.decide_ap(
        d,
        by=None,
        besluit=APBesluit.GEMELD,
        gemeld_op=timezone.now(),
        kenmerk="AP-9",
        vertraging_reden="Pas na het weekend bekend bij de FG.",
    )
    d.refresh_from_db()
    assert (d.ap_besluit, d.ap_kenmerk) == (APBesluit.GEMELD, "AP-9") and d.vertraging_reden


def test_not_notified_needs_a_reason_and_no_risk(world):
    from django.core.exceptions import ValidationError

    d = incident(world)  # high risk
    with pytest.raises(ValidationError) as e:
        services.decide_ap(d, by=None, besluit=APBesluit.NIET_GEMELD, niet_reden="Versleuteld.")
    assert "besluit" in e.value.message_dict
    low = incident(world, risico=Risico.GEEN)
    with pytest.raises(ValidationError):
        services.decide_ap(low, by=None, besluit=APBesluit.NIET_GEMELD)
    services.decide_ap(
        low, by=None, besluit=APBesluit.NIET_GEMELD, niet_reden="De stick was versleuteld."
    )
    assert low.history.count() == 2  # recorded, then decided: the register keeps every version


def test_decision_through_the_page(client, world):
    d = incident(world)
    client.force_login(world.users["fg"])
    bad = client.post(f"/staf/datalekken/{d.pk}/ap-besluit/", {"besluit": "gemeld"})
    assert bad.status_code == 400 and "reference number" in bad.content.decode()
    ok = client.post(
        f"/staf/datalekken/{d.pk}/ap-besluit/",
        {
            "besluit": "gemeld",
            "gemeld_op": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "kenmerk": "AP-2026-1",
        },
    )
    assert ok.status_code == 302
    d.refresh_from_db()
    assert d.ap_kenmerk == "AP-2026-1" and d.ap_besloten_door == world.users["fg"]


# --- art. 34: the letters ----------------------------------------------------------------------


def test_letters_go_to_the_parents_through_the_outbox_and_show_in_their_portal(client, world):
    d = incident(world)
    d.leerlingen.add(world.pupils["g5"])
    made = services.decide_people(d, by=world.users["fg"], besluit="informeren")
    assert made == 2  # both parents of the pupil (under 16: no letter to the pupil)
    assert {b.ouder for b in Bericht.objects.filter(datalek=d)} == {
        world.ouders["gezag"],
        world.ouders["zonder_gezag"],
    }
    jobs = Opdracht.objects.filter(soort="datalekken.bericht")
    assert all(set(j.argumenten) == {"bericht_id"} for j in jobs)
    run_jobs("datalekken.bericht")
    assert len(mail.outbox) == 2 and all(
        m.attachments[0][2] == "application/pdf" for m in mail.outbox
    )
    assert set(Bericht.objects.values_list("status", flat=True)) == {Bericht.Status.VERZONDEN}
    mine = Bericht.objects.get(datalek=d, ouder=world.ouders["gezag"])
    client.force_login(world.users["ouder_gezag"])
    assert d.titel in client.get("/portaal/datalekken/").content.decode()
    pdf = client.get(f"/portaal/datalekken/{mine.pk}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    client.force_login(world.users["ouder_ander"])
    assert client.get(f"/portaal/datalekken/{mine.pk}.pdf").status_code == 404


def test_letter_says_what_happened_consequences_measures_and_contact(world):
    from core.pdf import render_pdf
    from datalekken.letters import letter_context

    d = incident(world, contactpersoon="mevrouw De Vries (directie)")
    b = Bericht(datalek=d, leerling=world.pupils["g5"], ouder=world.ouders["gezag"])
    _pdf, html = render_pdf("pdf/datalek_brief.html", letter_context(b))
    for text in (d.omschrijving, d.gevolgen, d.maatregelen_genomen, "mevrouw De Vries", d.kenmerk):
        assert text in html


def test_not_telling_needs_a_reason(world):
    from django.core.exceptions import ValidationError

    d = incident(world)
    with pytest.raises(ValidationError):
        services.decide_people(d, by=None, besluit="niet")
    services.decide_people(d, by=None, besluit="niet", niet_reden="Gegevens waren versleuteld.")
    assert not Bericht.objects.exists()


# --- processors ----------------------------------------------------------------------------------


def test_processor_link_works_once_and_lands_with_the_fg(client, world):
    from tests.delen.factories import VerwerkerFactory

    verwerker = VerwerkerFactory(school=world.schools["a1"], naam="Topicus", product="ParnasSys")
    link = services.issue_link(
        verwerker=verwerker, email="security@topicus.example", by=world.users["fg"]
    )
    job = Opdracht.objects.get(soort="datalekken.meldlink")
    assert job.argumenten == {"meldlink_id": link.pk}
    run_jobs("datalekken.meldlink")
    url = next(line for line in mail.outbox[0].body.splitlines() if "/datalek-melden/" in line)
    token = url.rstrip("/").rsplit("/", 1)[1]
    link.refresh_from_db()
    assert link.token_hash and token not in link.token_hash
    path = f"/datalek-melden/{token}/"
    assert client.get(path).status_code == 200
    sent = client.post(
        path,
        {
            "titel": "Lek in ParnasSys-koppeling",
            "omschrijving": "Verkeerde school zag lijsten.",
            "vertrouwelijkheid": "on",
            "aantal_personen": "12",
        },
    )
    assert sent.status_code == 200
    d = Datalek.objects.get(bron=Bron.VERWERKER)
    assert d.verwerker == verwerker and d.verwerker_naam == "ParnasSys (Topicus)"
    assert d.school == world.schools["a1"] and d.door_verwerker
    assert d in Datalek.objects.visible_to(world.users["fg"])
    assert client.get(path).status_code == 404  # used
    assert client.post(path, {"titel": "x", "omschrijving": "y"}).status_code == 404
    assert Datalek.objects.count() == 1
    assert Meldlink.objects.get().datalek == d


# --- the access review's flag ----------------------------------------------------------------


def test_unusual_volume_flag_becomes_an_incident_with_its_facts(client, world, settings):
    from leerlingen import audit
    from tests.leerlingen.factories import LeerlingFactory

    settings.ACCESS_REVIEW_THRESHOLD = 3
    ib = world.users["ib"]
    pupils = LeerlingFactory.create_batch(4, groep=world.groepen["g6"])
    for p in pupils:
        audit.special_data_viewed(
            user=ib, leerling=p, obj=p, categorieen={"medisch"}, reden="admin: dossier item"
        )
    client.force_login(world.users["fg"])
    review = client.get("/staf/toegangscontrole/")
    flag = review.context["flags"][0]
    assert "/staf/datalekken/uit-toegangscontrole/" in review.content.decode()
    response = client.post(
        "/staf/datalekken/uit-toegangscontrole/",
        {"gebruiker": flag.gebruiker_id, "uur": flag.uur.isoformat()},
    )
    d = Datalek.objects.get(bron=Bron.TOEGANGSCONTROLE)
    assert response.status_code == 302 and response["Location"] == f"/staf/datalekken/{d.pk}/"
    assert (
        d.aantal_personen == 4 and set(d.leerlingen.all()) == set(pupils) and "ib" in d.omschrijving
    )
    # a forged flag (someone who read nothing) is no incident
    forged = client.post(
        "/staf/datalekken/uit-toegangscontrole/",
        {"gebruiker": world.users["leerkracht"].pk, "uur": flag.uur.isoformat()},
    )
    assert forged.status_code == 404
    client.force_login(world.users["directeur"])
    assert (
        client.post(
            "/staf/datalekken/uit-toegangscontrole/",
            {"gebruiker": flag.gebruiker_id, "uur": flag.uur.isoformat()},
        ).status_code
        == 404
    )


# --- exports -------------------------------------------------------------------------------------


def test_csv_and_pdf_exports_are_logged_and_filtered(client, world):
    incident(world, titel="=HYPERLINK(1)")
    incident(world, "a2", titel="Ander lek")
    client.force_login(world.users["directeur"])
    csv_body = client.get("/staf/datalekken/", {"formaat": "csv"}).content.decode()
    assert "'=HYPERLINK(1)" in csv_body and "Ander lek" not in csv_body
    pdf = client.get("/staf/datalekken/", {"formaat": "pdf"})
    assert pdf.content.startswith(b"%PDF")
    client.force_login(world.users["fg"])
    only_a2 = client.get(
        "/staf/datalekken/", {"formaat": "csv", "school": world.schools["a2"].pk}
    ).content.decode()
    assert "Ander lek" in only_a2 and "HYPERLINK" not in only_a2
    logged = Toegangslog.objects.filter(soort=Toegangslog.Soort.EXPORT, object_type="datalek")
    assert logged.count() == 3


def test_csv_export_is_the_kernels_one_dialect(client, world):
    from core.spreadsheet import parse_csv
    from datalekken import exports

    d = incident(world, titel="Lek; met puntkomma")
    client.force_login(world.users["directeur"])
    response = client.get("/staf/datalekken/", {"formaat": "csv"})
    assert response.content.startswith("\ufeff".encode())
    header, rows = parse_csv(response.content)
    assert header == list(exports.CSV_HEADER)
    assert [row[header.index("titel")] for row in rows] == [d.titel]  # ";" inside one cell


def test_portal_pages_send_a_visitor_to_the_portal_log_in(client):
    from django.urls import reverse

    for path in ("/portaal/datalekken/", "/portaal/18-plus/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == f"{reverse('portaal:login')}?next={path}", path


def test_ap_form_export_has_the_fields_of_the_form(client, world):
    d = incident(world, aantal_personen=30, categorieen=["contact", "studievoortgang"])
    client.force_login(world.users["fg"])
    text = client.get(f"/staf/datalekken/{d.pk}/ap-formulier/", {"formaat": "txt"}).content.decode()
    for expected in (
        "Number of people concerned: 30",
        d.omschrijving,
        "Measures taken: Wachtwoorden gewijzigd.",
        "Date and time the organisation became aware",
        d.kenmerk,
    ):
        assert expected in text
    assert Toegangslog.objects.filter(reden="breach AP notification form").exists()


# --- the privacy statement and the demo ------------------------------------------------------


def test_statement_publishes_the_register_and_its_term(world):
    from delen.privacyverklaring import statement_context

    ctx = statement_context(world.schools["a1"])
    assert ctx["datalekregister"] is True
    row = next(t for t in ctx["bewaartermijnen"] if "breaches" in t["categorie"])
    assert row["duur"].startswith("5")


def test_demo_step_runs_a_deadline_and_an_adult_who_let_one_parent_see(world):
    from datalekken.demo import load_demo
    from leerlingen.access import forget_scope
    from leerlingen.models import Leerling, Ouder

    logins = load_demo(world.besturen["a"])
    running = Datalek.objects.get(ap_besluit=APBesluit.OPEN)
    assert 0 < rules.hours_left(running) < 72 and running.leerlingen.exists()
    assert Datalek.objects.filter(ap_besluit=APBesluit.NIET_GEMELD).exists()
    assert {login.username for login in logins} == {"leerling18", "ouder18"}
    adult = Leerling.objects.get(account__username="leerling18")
    mum, dad = Ouder.objects.filter(relaties__leerling=adult).order_by("id")
    forget_scope(mum.account)
    assert Leerling.objects.visible_to(mum.account).filter(pk=adult.pk).exists()
    assert dad.account is None and adult.pk not in [
        p.pk for p in Leerling.objects.visible_to(world.users["ouder_gezag"])
    ]


def test_my_tasks_shows_the_open_incident_with_hours_left(client, world):
    d = incident(world, ontdekt_op=timezone.now() - timedelta(hours=60, minutes=30))
    client.force_login(world.users["directeur"])
    body = client.get("/staf/").content.decode()
    assert d.kenmerk in body and "11 hours left to notify the AP" in body
    client.force_login(world.users["ib"])
    assert d.kenmerk not in client.get("/staf/").content.decode()


def test_an_incident_is_destroyed_five_years_after_it_was_recorded(world):
    """The register's own term is applied, not only published (issue 17, 19)."""
    from datetime import date, datetime

    from leerlingen.models import VernietigdRecord
    from leerlingen.retention.destruction import approve_list, carry_out_list
    from leerlingen.retention.rules import ensure_default_terms
    from leerlingen.retention.sweep import run_sweep

    school = world.schools["a1"]
    ensure_default_terms(school=school)
    old, recent = incident(world), incident(world)
    Datalek.objects.filter(pk=old.pk).update(
        aangemaakt=timezone.make_aware(datetime(2021, 3, 1, 10))
    )
    Datalek.objects.filter(pk=recent.pk).update(
        aangemaakt=timezone.make_aware(datetime(2022, 3, 1, 10))
    )
    [lijst] = run_sweep(today=date(2026, 11, 23), school=school).lists
    items = list(lijst.items.all())
    assert [(i.categorie, i.object_id) for i in items] == [("datalekken", old.pk)]
    approve_list(lijst=lijst, user=world.users["directeur"], bevestiging=lijst.naam)
    carry_out_list(lijst_id=lijst.pk, now=timezone.now() + timedelta(days=30))
    assert not Datalek.objects.filter(pk=old.pk).exists()
    assert not Datalek.history.filter(id=old.pk).exists()
    assert Datalek.objects.filter(pk=recent.pk).exists()
    assert VernietigdRecord.objects.filter(categorie="datalekken").count() == 1
