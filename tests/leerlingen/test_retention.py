"""Retention: terms as data, the sweep, approval, legal holds, and erasure that removes history."""

import io
from datetime import UTC, date, datetime, timedelta

from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

import pytest

from leerlingen.erasure import ErasureRefused, erase_record, history_tables
from leerlingen.models import (
    Bewaarcategorie,
    Bewaartermijn,
    DossierItem,
    DossierItemGrant,
    Gegevenscategorie,
    Gezagsrelatie,
    Leerling,
    Ouder,
    VernietigdRecord,
    Vernietigingslijst,
    VernietigingslijstItem,
)
from leerlingen.retention.destruction import (
    approve_list,
    cancel_list,
    carry_out_item,
    carry_out_list,
    due_lists,
    progress_of,
    take_off_item,
)
from leerlingen.retention.rules import (
    ensure_default_terms,
    expiry_date,
    is_expired,
    lift_hold,
    set_term,
)
from leerlingen.retention.sweep import run_sweep

from .factories import DossierItemFactory, GezagsrelatieFactory, OuderFactory, UserFactory
from .factories_retention import BlokkadeFactory, VertrokkenLeerlingFactory, pupil_with_family

TODAY = date(2026, 11, 23)
APPROVED = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
AFTER_WAIT = APPROVED + timedelta(days=8)


@pytest.fixture(autouse=True)
def _english():
    """These tests read the rules' English source texts; the Dutch ones are checked elsewhere."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def school(world):
    s = world.schools["a1"]
    ensure_default_terms(school=s)
    return s


@pytest.fixture
def directeur(world):
    return world.users["directeur"]


def terms(school) -> dict:
    return {t.categorie: t for t in Bewaartermijn.objects.filter(school=school)}


def listed(lijst) -> set:
    return {(i.content_type.model, i.object_id) for i in lijst.items.select_related("content_type")}


def approve_and_run(lijst, user):
    approve_list(lijst=lijst, user=user, bevestiging=lijst.naam, now=APPROVED)
    return carry_out_list(lijst_id=lijst.pk, now=AFTER_WAIT)


# --- terms -------------------------------------------------------------------------------------


def test_new_school_gets_the_domain_terms(school):
    t = terms(school)
    assert set(t) == set(Bewaarcategorie.values)
    assert (t["leerlingadministratie"].jaren, t["leerlingadministratie"].gebeurtenis) == (
        5,
        "uitschrijving",
    )
    assert (t["examens"].jaren, t["examens"].gebeurtenis) == (2, "einde_overeenkomst")
    assert t["professionalisering"].totaal_maanden == 0
    assert ensure_default_terms(school=school) == []  # idempotent


@pytest.mark.parametrize(
    ("categorie", "event", "expires"),
    [
        ("leerlingadministratie", date(2021, 7, 15), date(2026, 7, 15)),
        ("examens", date(2024, 7, 15), date(2026, 7, 15)),
        # A leap day plus two years ends on 1 March, as a pupil born on 29 February turns 16 on
        # 1 March (DOMAIN.md: one 29 February convention, leerlingen.custody.anniversary).
        ("zorgdossier", date(2024, 2, 29), date(2026, 3, 1)),
        ("toestemmingsbewijs", date(2025, 3, 31), date(2026, 3, 31)),
        ("verzoeken", date(2024, 11, 24), date(2026, 11, 24)),
        ("verstrekkingen", date(2021, 1, 1), date(2026, 1, 1)),
        (
            "professionalisering",
            date(2026, 6, 30),
            date(2026, 6, 30),
        ),  # wiped when the trajectory ends
        ("niet_ingeschreven", date(2025, 11, 23), date(2026, 11, 23)),
    ],
)
def test_term_arithmetic_per_category_and_event(school, categorie, event, expires):
    termijn = terms(school)[categorie]
    assert expiry_date(termijn, event) == expires
    assert is_expired(termijn, event, expires)
    assert not is_expired(termijn, event, expires - timedelta(days=1))
    assert not is_expired(termijn, None, expires)


def test_months_count_too(school):
    termijn = terms(school)["zorgdossier"]
    termijn.jaren, termijn.maanden = 1, 6
    # 31 August plus 18 months: no 31 February, so the 1st of the next month (the same convention).
    assert expiry_date(termijn, date(2025, 8, 31)) == date(2027, 3, 1)
    assert termijn.duur_tekst == "1 year 6 months"


def test_director_cannot_go_below_the_legal_minimum(school, directeur):
    termijn = terms(school)["leerlingadministratie"]
    with pytest.raises(ValidationError) as exc:
        set_term(termijn=termijn, jaren=4, maanden=11, toelichting="korter", changed_by=directeur)
    assert "minimum of 5 years" in str(exc.value)
    exam = terms(school)["examens"]
    with pytest.raises(ValidationError, match="minimum of 2 years"):
        set_term(termijn=exam, jaren=1, maanden=0, toelichting="", changed_by=directeur)


def test_a_term_counted_from_leaving_cannot_outlive_the_pupil_record(school, directeur):
    with pytest.raises(ValidationError, match="cannot be longer"):
        set_term(
            termijn=terms(school)["zorgdossier"],
            jaren=6,
            maanden=0,
            toelichting="",
            changed_by=directeur,
        )


def test_director_sets_another_term_and_it_is_in_the_history(school, directeur):
    termijn = set_term(
        termijn=terms(school)["leerlingadministratie"],
        jaren=7,
        maanden=0,
        toelichting="Langere bekostigingscontrole",
        changed_by=directeur,
    )
    last = termijn.history.first()
    assert (last.jaren, last.history_user, last.history_change_reason) == (
        7,
        directeur,
        "Langere bekostigingscontrole",
    )
    assert termijn.history.count() == 2


def test_only_the_director_changes_terms(school, world):
    with pytest.raises(PermissionDenied):
        set_term(
            termijn=terms(school)["zorgdossier"],
            jaren=1,
            maanden=0,
            toelichting="",
            changed_by=world.users["ib"],
        )


# --- the sweep -----------------------------------------------------------------------------------


@pytest.fixture
def cases(school):
    """Pupils around the edges of their terms on TODAY (23 November 2026)."""
    c = {
        "exactly_5y": pupil_with_family(school=school, left=date(2021, 11, 23)),
        "day_short": pupil_with_family(school=school, left=date(2021, 11, 24)),
        "long_ago": pupil_with_family(school=school, left=date(2018, 7, 15)),
        "never": VertrokkenLeerlingFactory(
            school=school, nooit_ingeschreven=True
        ),  # ended 2025-06-01: 1 year
        "left_2024": pupil_with_family(
            school=school,
            left=date(2024, 6, 1),
            items=("studievoortgang", "medisch", "begeleiding", "contact"),
        ),
        "left_2025": pupil_with_family(
            school=school, left=date(2025, 1, 1), items=("studievoortgang", "medisch")
        ),
    }
    return c


def test_the_sweep_lists_exactly_the_expired_records(school, cases, world):
    result = run_sweep(today=TODAY)
    [lijst] = result.lists
    assert lijst.school == school and lijst.status == "open" and lijst.naam == "VL-11AA-2026-11-23"
    items_2024 = {i.categorie: i.pk for i in cases["left_2024"].dossieritems.all()}
    expected = {
        ("leerling", cases["exactly_5y"].pk),
        ("leerling", cases["long_ago"].pk),
        ("leerling", cases["never"].pk),
        ("dossieritem", items_2024["studievoortgang"]),
        ("dossieritem", items_2024["medisch"]),
        ("dossieritem", items_2024["begeleiding"]),
        # Exams go 2 years after leaving, even when the pupil record itself has time left.
        ("dossieritem", cases["day_short"].dossieritems.get().pk),
    }
    assert listed(lijst) == expected
    by_object = {(i.content_type.model, i.object_id): i for i in lijst.items.all()}
    assert by_object[("leerling", cases["exactly_5y"].pk)].vervaldatum == TODAY
    assert by_object[("leerling", cases["never"].pk)].categorie == "niet_ingeschreven"
    assert by_object[("dossieritem", items_2024["medisch"])].categorie == "zorgdossier"
    assert (
        by_object[("dossieritem", items_2024["studievoortgang"])].termijn_omschrijving
        == "2 years after the education agreement ended"
    )
    # Other schools have nothing: the world's pupils are all enrolled.
    assert result.found["22BB"] == 0 and result.found["33CC"] == 0
    assert result.run.status == "klaar" and result.run.toegevoegd == 7


def test_the_sweep_is_idempotent_and_the_next_day_adds_to_the_open_list(school, cases):
    lijst = run_sweep(today=TODAY).lists[0]
    again = run_sweep(today=TODAY)
    assert again.lists == [] and sum(again.added.values()) == 0
    tomorrow = run_sweep(today=TODAY + timedelta(days=1))
    assert tomorrow.lists == [lijst]
    assert ("leerling", cases["day_short"].pk) in listed(lijst)
    assert Vernietigingslijst.objects.count() == 1


def test_dry_run_changes_nothing(school, cases):
    result = run_sweep(today=TODAY, dry_run=True)
    assert result.found["11AA"] == 7 and result.added["11AA"] == 7
    assert not Vernietigingslijst.objects.exists()


def test_a_sweep_for_one_school(school, cases, world):
    result = run_sweep(today=TODAY, school=world.schools["b1"])
    assert result.lists == [] and set(result.found) == {"33CC"}


# --- approval ------------------------------------------------------------------------------------


def test_nothing_is_destroyed_without_approval(school, cases, directeur):
    lijst = run_sweep(today=TODAY).lists[0]
    assert carry_out_list(lijst_id=lijst.pk, now=AFTER_WAIT) == {}
    assert Leerling.objects.filter(pk=cases["long_ago"].pk).exists()
    assert not VernietigdRecord.objects.exists()


def test_approval_needs_the_director_and_the_typed_name(school, cases, world, directeur):
    lijst = run_sweep(today=TODAY).lists[0]
    with pytest.raises(PermissionDenied):
        approve_list(lijst=lijst, user=world.users["ib"], bevestiging=lijst.naam)
    with pytest.raises(PermissionDenied):
        approve_list(lijst=lijst, user=world.users["fg"], bevestiging=lijst.naam)
    with pytest.raises(ValidationError, match="Type the name of the list exactly"):
        approve_list(lijst=lijst, user=directeur, bevestiging="ja")
    lijst = approve_list(lijst=lijst, user=directeur, bevestiging=f" {lijst.naam} ", now=APPROVED)
    assert lijst.status == "goedgekeurd"
    assert lijst.uitvoeren_vanaf == APPROVED + timedelta(days=7)
    assert lijst.history.first().history_user == directeur


def test_the_waiting_period_holds_destruction_back_and_allows_cancelling(school, cases, directeur):
    lijst = run_sweep(today=TODAY).lists[0]
    approve_list(lijst=lijst, user=directeur, bevestiging=lijst.naam, now=APPROVED)
    with pytest.raises(ValidationError, match="waiting period"):
        carry_out_list(lijst_id=lijst.pk, now=APPROVED + timedelta(days=6))
    assert due_lists(now=APPROVED + timedelta(days=6)) == []
    cancel_list(lijst=lijst, user=directeur, reden="Controle door de accountant")
    lijst.refresh_from_db()
    assert lijst.status == "geannuleerd"
    assert carry_out_list(lijst_id=lijst.pk, now=AFTER_WAIT) == {}
    assert Leerling.objects.filter(pk=cases["long_ago"].pk).exists()
    # A cancelled list frees its records: the next sweep lists them again, on a new list.
    new = run_sweep(today=TODAY + timedelta(days=1)).lists[0]
    assert new != lijst and ("leerling", cases["long_ago"].pk) in listed(new)


def test_a_list_being_carried_out_cannot_be_cancelled(school, cases, directeur):
    lijst = run_sweep(today=TODAY).lists[0]
    approve_list(lijst=lijst, user=directeur, bevestiging=lijst.naam, now=APPROVED)
    assert due_lists(now=AFTER_WAIT) == [lijst.pk]
    with pytest.raises(ValidationError, match="can no longer be cancelled"):
        cancel_list(lijst=lijst, user=directeur, reden="te laat")


def test_items_taken_off_get_a_new_date_or_are_kept(school, cases, directeur):
    lijst = run_sweep(today=TODAY).lists[0]
    item_new_date = lijst.items.get(object_id=cases["long_ago"].pk, content_type__model="leerling")
    item_kept = lijst.items.get(object_id=cases["exactly_5y"].pk, content_type__model="leerling")
    with pytest.raises(ValidationError, match="reason"):
        take_off_item(item=item_kept, user=directeur, reden=" ", today=TODAY)
    with pytest.raises(ValidationError, match="future"):
        take_off_item(item=item_kept, user=directeur, reden="x", nieuwe_datum=TODAY, today=TODAY)
    take_off_item(
        item=item_new_date,
        user=directeur,
        reden="Nog in beroep",
        nieuwe_datum=date(2027, 1, 1),
        today=TODAY,
    )
    take_off_item(item=item_kept, user=directeur, reden="Archiefwaardig (historisch)", today=TODAY)
    summary = approve_and_run(lijst, directeur)
    assert summary["vernietigd"] == 5
    assert (
        Leerling.objects.filter(pk__in=[cases["long_ago"].pk, cases["exactly_5y"].pk]).count() == 2
    )
    # Not listed again before the new date; the kept one not at all (the day-short pupil's term
    # has run out meanwhile).
    later = run_sweep(today=date(2026, 12, 31)).lists[0]
    assert listed(later) == {("leerling", cases["day_short"].pk)}
    run_sweep(today=date(2027, 1, 1))
    pupils_listed = {pk for model, pk in listed(later) if model == "leerling"}
    assert pupils_listed == {cases["day_short"].pk, cases["long_ago"].pk}


# --- legal hold ------------------------------------------------------------------------------------


def test_legal_hold_is_respected_and_shown(school, cases, directeur):
    hold = BlokkadeFactory(leerling=cases["long_ago"])
    held_item = BlokkadeFactory(leerling=cases["left_2024"], reden="inspectie")
    lijst = run_sweep(today=TODAY).lists[0]
    summary = approve_and_run(lijst, directeur)
    assert summary == {"vernietigd": 3, "overgeslagen": 4}
    skipped = lijst.items.get(object_id=cases["long_ago"].pk, content_type__model="leerling")
    assert (skipped.status, skipped.blokkade, skipped.get_blokkade_reden_display()) == (
        "overgeslagen",
        hold,
        "a dispute or legal proceedings",
    )
    assert Leerling.objects.filter(pk=cases["long_ago"].pk).exists()
    assert cases["left_2024"].dossieritems.count() == 4
    with pytest.raises(ErasureRefused, match="legal hold"):
        erase_record(obj=cases["long_ago"], grond="verzoek")
    # Lifted: the next sweep lists the records again and they can go.
    lift_hold(blokkade=hold, user=directeur)
    lift_hold(blokkade=held_item, user=directeur)
    lijst2 = run_sweep(today=TODAY + timedelta(days=1)).lists[0]
    assert ("leerling", cases["long_ago"].pk) in listed(lijst2)
    assert ("leerling", cases["day_short"].pk) in listed(lijst2)  # its term ran out meanwhile
    assert approve_and_run(lijst2, directeur)["vernietigd"] == 5


# --- erasure -------------------------------------------------------------------------------------------


def _rows_containing(needle: str) -> dict[str, int]:
    """Rows in every table of the database whose text holds ``needle``."""
    found = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'"
        )
        for (table,) in cursor.fetchall():
            cursor.execute(
                f'select count(*) from "{table}" t where t::text ilike %s', [f"%{needle}%"]
            )
            n = cursor.fetchone()[0]
            if n:
                found[table] = n
    return found


def test_destruction_removes_data_and_every_history_row_and_leaves_tombstones(
    school, directeur, world
):
    pupil = pupil_with_family(
        school=school,
        left=date(2019, 7, 1),
        achternaam="Zwanenburgh",
        items=("studievoortgang", "medisch"),
    )
    pupil.woonplaats = "Culemborg"  # a change: a second history row
    pupil.save()
    bsn_hash = pupil.bsn_hash
    sole = pupil.ouders.get()
    shared = OuderFactory(bestuur=school.bestuur, achternaam="Gedeeldeouder")
    sibling = VertrokkenLeerlingFactory(
        school=school, datum_uitschrijving=None, groep=world.groepen["g5"]
    )
    GezagsrelatieFactory(ouder=shared, leerling=pupil)
    GezagsrelatieFactory(ouder=shared, leerling=sibling)
    portal = UserFactory(username="portaal-zwanenburgh", first_name="Zwanenburgh")
    pupil.account = portal
    pupil.save()
    secret = DossierItemFactory(
        leerling=pupil, zeer_vertrouwelijk_item=True, titel="Zwanenburgh meldcode"
    )
    DossierItemGrant.objects.create(
        user=world.users["ib"], permission_id=_perm("view_dossieritem"), content_object=secret
    )
    LogEntry.objects.log_actions(
        user_id=directeur.pk,
        queryset=[pupil],
        action_flag=CHANGE,
        change_message="woonplaats",
        single_object=True,
    )
    hold = BlokkadeFactory(leerling=pupil, reden="geschil")
    lift_hold(blokkade=hold, user=directeur)
    dependants = _dependants_of(pupil)
    assert _rows_containing("Zwanenburgh") and _rows_containing(bsn_hash)

    lijst = run_sweep(today=TODAY).lists[0]
    assert approve_and_run(lijst, directeur) == {"vernietigd": 1}

    assert _rows_containing("Zwanenburgh") == {}
    assert _rows_containing(bsn_hash) == {}
    for table in history_tables():
        assert table.startswith(
            (
                "leerlingen_",
                "toestemming_",
                "delen_",
                "verzoeken_",
                "privacyschool_",
                "trajecten_",
                "datalekken_",
                "sso_",
            )
        )
    for model, pks in dependants.items():
        assert not model._default_manager.filter(pk__in=pks).exists()
        history = model.history.model if hasattr(model, "history") else None
        if history is not None:
            assert not history.objects.filter(**{f"{model._meta.pk.attname}__in": pks}).exists(), (
                model
            )
    # The sole guardian is gone with the pupil; the shared one stays with the sibling.
    assert not Ouder.objects.filter(pk=sole.pk).exists()
    assert not Ouder.history.model.objects.filter(id=sole.pk).exists()
    assert Ouder.objects.filter(pk=shared.pk).exists()
    assert Gezagsrelatie.objects.filter(ouder=shared, leerling=sibling).exists()
    assert not type(portal).objects.filter(pk=portal.pk).exists()
    # Tombstones: which kind, when, on what ground, decided by whom — no personal data.
    tombs = {t.soort: t for t in VernietigdRecord.objects.all()}
    assert set(tombs) == {"leerlingen.Leerling", "leerlingen.Ouder"}
    t = tombs["leerlingen.Leerling"]
    assert (t.object_id, t.grond, t.categorie, t.besloten_door, t.school) == (
        str(pupil.pk),
        "bewaartermijn",
        "leerlingadministratie",
        directeur,
        school,
    )
    assert t.aantallen["leerlingen.DossierItem"] == 3 and t.aantallen["history"] > 5
    assert (
        t.item.lijst == lijst
        and t.termijn_omschrijving == "5 years after the pupil left the school"
    )
    assert tombs["leerlingen.Ouder"].grond == "geen_koppeling"
    item = lijst.items.get()
    assert item.status == "vernietigd" and item.aantal_records > 10
    assert lijst.__class__.objects.get(pk=lijst.pk).status == "uitgevoerd"


def _perm(codename):
    from django.contrib.auth.models import Permission

    return Permission.objects.get(codename=codename, content_type__app_label="leerlingen").pk


def _dependants_of(pupil) -> dict:
    from django.db.models.deletion import Collector

    collector = Collector(using="default")
    collector.collect([pupil])
    return {model: [o.pk for o in objs] for model, objs in collector.data.items()}


def test_running_the_same_list_twice_destroys_nothing_twice(school, cases, directeur):
    lijst = run_sweep(today=TODAY).lists[0]
    first = approve_and_run(lijst, directeur)
    tombstones = VernietigdRecord.objects.count()
    assert first["vernietigd"] == 7
    assert carry_out_list(lijst_id=lijst.pk, now=AFTER_WAIT) == {}
    assert carry_out_item(item_id=lijst.items.first().pk) is None
    assert VernietigdRecord.objects.count() == tombstones


def test_a_record_erased_meanwhile_is_not_destroyed_twice(school, cases, directeur):
    lijst = run_sweep(today=TODAY).lists[0]
    pk = cases["long_ago"].pk
    erase_record(
        obj=cases["long_ago"], grond="verzoek", besloten_door=directeur, verzoek_kenmerk="V-2026-3"
    )
    assert approve_and_run(lijst, directeur)["vernietigd"] == 7
    item = lijst.items.get(object_id=pk, content_type__model="leerling")
    assert item.fout_code == "already_erased" and item.fout_tekst.startswith("Already erased")
    [tomb] = VernietigdRecord.objects.filter(soort="leerlingen.Leerling", object_id=str(pk))
    assert (tomb.grond, tomb.verzoek_kenmerk, tomb.item) == ("verzoek", "V-2026-3", None)


def test_a_dossier_item_alone_is_erased_with_its_history(school, cases, directeur):
    item = cases["left_2024"].dossieritems.get(categorie=Gegevenscategorie.MEDISCH)
    result = erase_record(
        obj=item, grond="bewaartermijn", besloten_door=directeur, categorie="zorgdossier"
    )
    assert not DossierItem.history.model.objects.filter(id=item.pk).exists()
    [tomb] = result.tombstones
    assert (tomb.soort, tomb.school) == ("leerlingen.DossierItem", school)
    assert Leerling.objects.filter(pk=cases["left_2024"].pk).exists()


def test_other_apps_dependants_are_found_through_the_model_meta():
    """Everything hanging from a pupil by CASCADE, in any app, is collected and purged."""
    from django.db.models import CASCADE

    found = set()

    def walk(model, seen):
        for rel in model._meta.related_objects:
            if rel.on_delete is CASCADE and rel.related_model not in seen:
                seen.add(rel.related_model)
                found.add(rel.related_model._meta.label)
                walk(rel.related_model, seen)

    walk(Leerling, {Leerling})
    assert {
        "leerlingen.DossierItem",
        "leerlingen.Gezagsrelatie",
        "leerlingen.DossierItemGrant",
        "leerlingen.Blokkade",
    } <= found
    assert {"toestemming.Toestemming", "verzoeken.Beperking", "delen.Vordering"} <= found
    for label in found:
        model = apps.get_model(label)
        if hasattr(model._meta, "simple_history_manager_attribute"):
            assert model.history.model._meta.db_table in history_tables()


# --- the report -----------------------------------------------------------------------------------------


def test_the_destruction_report_has_no_personal_data(school, directeur):
    from pypdf import PdfReader

    from leerlingen.retention.report import render_report

    pupils = [
        pupil_with_family(
            school=school, left=date(2018, 7, 1), achternaam=f"Vernietigd{n}", items=("medisch",)
        )
        for n in range(3)
    ]
    bsns = [p.bsn for p in pupils]
    directeur.first_name, directeur.last_name = "Marieke", "Jansen"
    directeur.save()
    lijst = run_sweep(today=TODAY).lists[0]
    BlokkadeFactory(leerling=pupils[0], reden="inspectie")
    approve_and_run(lijst, directeur)
    lijst.refresh_from_db()
    pdf, html = render_report(lijst, language="en")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    flat = " ".join(text.split())
    assert "Destruction report" in flat and lijst.naam in flat
    assert "Marieke Jansen (director)" in flat
    assert "5 years after the pupil left the school" in flat
    assert "Legal hold: an inspection or audit" in flat
    assert "pupils" in flat and "history rows" in flat
    for p in pupils:
        assert p.achternaam not in text and p.achternaam not in html
        assert p.roepnaam not in html
    for bsn in bsns:
        assert bsn not in text
    for ouder_name in ("Vernietigd0", "Vernietigd1"):
        assert ouder_name not in html


def test_progress_is_counted_per_status(school, cases, directeur):
    lijst = run_sweep(today=TODAY).lists[0]
    assert progress_of(lijst) == {
        "counts": {"te_vernietigen": 7},
        "total": 7,
        "done": 0,
        "pending": 7,
    }
    approve_and_run(lijst, directeur)
    assert progress_of(lijst)["done"] == 7


def test_the_beat_schedule_runs_the_sweep_at_night(settings):
    from celery.schedules import crontab

    entry = settings.CELERY_BEAT_SCHEDULE["leerlingen-retention-sweep"]
    assert entry["task"] == "leerlingen.retention.tasks.retention_sweep"
    assert isinstance(entry["schedule"], crontab) and entry["schedule"].hour == {2}
    assert (
        settings.CELERY_BEAT_SCHEDULE["leerlingen-start-due-destructions"]["task"]
        == "leerlingen.retention.tasks.start_due_destructions"
    )


def test_commands_show_a_summary(school, cases, directeur):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = io.StringIO()
    call_command(
        "retention_sweep", "--dry-run", "--school", "11aa", stdout=out, stderr=io.StringIO()
    )
    assert "11AA: 7 expired, 7 would be listed" in out.getvalue()
    assert not Vernietigingslijst.objects.exists()
    call_command("retention_sweep", stdout=io.StringIO(), stderr=io.StringIO())
    lijst = Vernietigingslijst.objects.get()
    with pytest.raises(CommandError, match="not been approved"):
        call_command(
            "carry_out_destruction", str(lijst.pk), stdout=io.StringIO(), stderr=io.StringIO()
        )
    approve_list(
        lijst=lijst, user=directeur, bevestiging=lijst.naam, now=APPROVED - timedelta(days=30)
    )
    out = io.StringIO()
    call_command("carry_out_destruction", str(lijst.pk), stdout=out, stderr=io.StringIO())
    assert "carried out" in out.getvalue() and "destroyed: 7" in out.getvalue()


def test_items_point_at_records_by_content_type(school, cases):
    lijst = run_sweep(today=TODAY).lists[0]
    item = lijst.items.get(
        object_id=cases["long_ago"].pk, content_type=ContentType.objects.get_for_model(Leerling)
    )
    assert item.record() == cases["long_ago"]
    assert isinstance(item, VernietigingslijstItem) and item.leerling_id_ref == cases["long_ago"].pk
