"""Every published retention term is applied (issue 17): a producer per category, consent
evidence, an honest destruction list, the auditor's dry run for a future date, and the demo."""

import io
from datetime import UTC, date, datetime, timedelta

from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

import pytest

from delen.models import Soort, Verstrekking, Vordering
from delen.services import disclose, ensure_default_register
from leerlingen.models import Bewaarcategorie, Vernietigingslijst, VernietigingslijstItem
from leerlingen.retention import producers
from leerlingen.retention.destruction import (
    approve_list,
    carry_out_list,
    take_off_item,
)
from leerlingen.retention.rules import ensure_default_terms
from leerlingen.retention.sweep import run_sweep
from toestemming.models import Doel, Toestemming
from toestemming.services import ensure_default_doelen, give_consent, publish_form, withdraw_consent

from ..delen.factories import VorderingFactory

pytestmark = pytest.mark.django_db

APPROVED = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
AFTER_WAIT = APPROVED + timedelta(days=8)


@pytest.fixture(autouse=True)
def _english(client):
    """These tests read the English texts; the Dutch ones are checked by tests/dutch_pages.py."""
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


# --- a producer for every category ---------------------------------------------------------------


def test_every_category_the_statement_can_publish_has_a_producer(world):
    """A term in the statement that no producer applies is a promise no code keeps (issue 17)."""
    from delen.privacyverklaring import statement_context
    from leerlingen.retention.rules import DEFAULT_TERMS

    school = world.schools["a1"]
    ensure_default_terms(school=school)
    with translation.override("en"):
        published = [row["categorie"] for row in statement_context(school)["bewaartermijnen"]]
        labels = {str(Bewaarcategorie(c).label): c for c in Bewaarcategorie.values}
    assert set(DEFAULT_TERMS) == set(Bewaarcategorie.values) and set(labels) <= set(published)
    unapplied = [
        label
        for label in published
        if label not in labels or producers.missing_producers([labels[label]])
    ]
    assert unapplied == [], (
        f"published in the statement, applied by no retention producer: {unapplied}"
    )


def test_a_category_without_producer_is_named(monkeypatch):
    monkeypatch.setitem(producers._producers, Bewaarcategorie.TOESTEMMINGSBEWIJS, [])
    assert producers.missing_producers() == [Bewaarcategorie.TOESTEMMINGSBEWIJS]
    with pytest.raises(ValueError, match="unknown retention category"):
        producers.register_producer("foto's", lambda **kw: [])


def test_the_apps_fill_the_registry_in_their_ready():
    owners = {
        c: {p.__module__.split(".")[0] for p in producers.producers(c)}
        for c in Bewaarcategorie.values
    }
    assert owners[Bewaarcategorie.TOESTEMMINGSBEWIJS] == {"toestemming"}
    assert owners[Bewaarcategorie.VERSTREKKINGEN] == {"delen"}
    assert owners[Bewaarcategorie.PROFESSIONALISERING] == {"trajecten"}
    assert owners[Bewaarcategorie.VERZOEKEN] == {"verzoeken"}
    apps.get_app_config("toestemming").ready()  # a second ready() adds nothing
    assert len(producers.producers(Bewaarcategorie.TOESTEMMINGSBEWIJS)) == 1


# --- consent evidence: 1 year after the consent ended -------------------------------------------


def test_consent_evidence_goes_a_year_after_the_consent_ended(world):
    from leerlingen.custody import anniversary

    school, pupil, ouder = world.schools["a1"], world.pupils["g5"], world.ouders["gezag"]
    ensure_default_terms(school=school)
    ensure_default_doelen(school=school)
    publish_form(school=school)
    website = Doel.objects.get(school=school, code="website")
    yes = give_consent(leerling=pupil, doel=website, gegeven=True, ouder=ouder)
    no = withdraw_consent(leerling=pupil, doel=website, ouder=ouder)
    withdrawn_on = timezone.localdate(no.tijdstip)
    year_end = date(int(no.schooljaar[5:9]), 7, 31)

    def listed(today):
        result = run_sweep(today=today, school=school, dry_run=True)
        return {
            c.object_id
            for _brin, c in result.candidates
            if c.categorie == Bewaarcategorie.TOESTEMMINGSBEWIJS
        }

    # The yes ended when it was withdrawn; the withdrawal (still current) when its school year ended.
    a_year_after = anniversary(withdrawn_on, years=1)
    assert listed(a_year_after - timedelta(days=1)) == set()
    assert listed(a_year_after) == {yes.pk}
    assert listed(anniversary(year_end, years=1) - timedelta(days=1)) == {yes.pk}
    assert listed(anniversary(year_end, years=1)) == {yes.pk, no.pk}
    # On the list they go with the pupil's record: the sweep lists them on their own.
    [lijst] = run_sweep(today=anniversary(year_end, years=1), school=school).lists
    assert {i.object_id for i in lijst.items.filter(categorie="toestemmingsbewijs")} == {
        yes.pk,
        no.pk,
    }
    assert Toestemming.objects.filter(pk__in=[yes.pk, no.pk]).count() == 2


# --- an honest list ------------------------------------------------------------------------------


def _failing_list(world):
    """A list whose police demand is used for a disclosure between listing and destruction."""
    school = world.schools["a1"]
    ensure_default_terms(school=school)
    ensure_default_register(school)
    vordering = VorderingFactory(leerling=world.pupils["g5"])
    Vordering.objects.filter(pk=vordering.pk).update(ontvangen_op=date(2020, 1, 6))
    [lijst] = run_sweep(today=date(2026, 11, 23), school=school).lists
    approve_list(lijst=lijst, user=world.users["directeur"], bevestiging=lijst.naam, now=APPROVED)
    police = school.ontvangers.get(soort=Soort.POLITIE)
    from delen.rules import Aanvraag

    verstrekking = disclose(
        user=world.users["directeur"],
        aanvraag=Aanvraag(
            ontvanger=police,
            leerlingen=[world.pupils["g5"]],
            velden=vordering.gevraagde_gegevens,
            doel="vordering",
            vordering=vordering,
        ),
    ).verstrekking
    carry_out_list(lijst_id=lijst.pk, now=AFTER_WAIT)
    lijst.refresh_from_db()
    return lijst, vordering, verstrekking


def test_a_list_with_records_that_could_not_be_destroyed_is_not_carried_out(client, world):
    lijst, vordering, verstrekking = _failing_list(world)
    [item] = lijst.items.all()
    assert item.status == VernietigingslijstItem.Status.MISLUKT
    assert (item.fout_code, item.fout_params) == ("referenced", {"kinds": ["delen.Verstrekking"]})
    assert lijst.status == Vernietigingslijst.Status.ONVOLLEDIG and lijst.voltooid_op is None
    assert Vordering.objects.filter(pk=vordering.pk).exists()

    client.force_login(world.users["directeur"])
    page = client.get(
        reverse("admin:leerlingen_vernietigingslijst_change", args=[lijst.pk])
    ).content.decode()
    assert "not completed: records could not be destroyed" in page
    assert (
        "Records that could not be destroyed" in page
        and "Records that must be kept refer to this record: disclosures." in page
    )  # which and why, in the reader's language
    assert (
        "Try the failed records again" in page and "Take off the list" in page
    )  # what the director can do
    assert "carried out</dd>" not in page

    # The cause goes (the disclosure reached its own term): trying again completes the list.
    Verstrekking.objects.filter(pk=verstrekking.pk).delete()
    response = client.post(reverse("admin:leerlingen_vernietigingslijst_retry", args=[lijst.pk]))
    assert response.status_code == 302
    carry_out_list(lijst_id=lijst.pk)
    lijst.refresh_from_db()
    assert (
        lijst.status == Vernietigingslijst.Status.UITGEVOERD
        and not Vordering.objects.filter(pk=vordering.pk).exists()
    )


def test_the_director_may_take_a_failed_record_off_and_the_list_is_then_done(world):
    lijst, vordering, _v = _failing_list(world)
    [item] = lijst.items.all()
    with pytest.raises(Exception, match="director"):
        take_off_item(item=item, user=world.users["ib"], reden="Nog in gebruik")
    take_off_item(
        item=item,
        user=world.users["directeur"],
        reden="De vordering is gebruikt voor een verstrekking",
    )
    lijst.refresh_from_db()
    assert lijst.status == Vernietigingslijst.Status.UITGEVOERD
    assert Vordering.objects.filter(pk=vordering.pk).exists()


def test_the_states_are_one_table_the_code_and_the_admin_follow(client, world):
    from core.workflow import TransitionNotAllowed
    from leerlingen.retention.destruction import cancel_list
    from leerlingen.retention.workflow import LIST

    S = Vernietigingslijst.Status
    edges = {(source, target) for source, _action, target in LIST.edges()}
    assert {s for pair in edges for s in pair} == set(S.values)
    assert (S.IN_UITVOERING, S.UITGEVOERD) in edges and (S.ONVOLLEDIG, S.UITGEVOERD) in edges
    for source, action in [(S.UITGEVOERD, "retry"), (S.ONVOLLEDIG, "cancel"), (S.OPEN, "finish")]:
        with pytest.raises(TransitionNotAllowed):
            LIST.apply(Vernietigingslijst(status=source), action, user=None, reason="", save=False)
    lijst, _vordering, _v = _failing_list(world)
    with pytest.raises(Exception, match="no longer be cancelled"):
        cancel_list(lijst=lijst, user=world.users["directeur"], reden="toch niet")
    # The admin page reads the table: the steps out of the list's state, and no cancel button.
    client.force_login(world.users["directeur"])
    page = client.get(
        reverse("admin:leerlingen_vernietigingslijst_change", args=[lijst.pk])
    ).content.decode()
    assert "What happens next" in page
    assert str(LIST["retry"].label).capitalize()[:20] in page and 'name="cancel"' not in page
    history = list(lijst.history.order_by("history_id").values_list("status", flat=True))
    assert history == [S.OPEN, S.GOEDGEKEURD, S.IN_UITVOERING, S.ONVOLLEDIG]


# --- the auditor's dry run -----------------------------------------------------------------------


def _row_counts() -> dict[str, int]:
    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models(include_auto_created=True)
    }


def test_dry_run_for_a_future_date_prints_candidates_per_category_and_changes_nothing(world):
    from tests.leerlingen.factories_retention import pupil_with_family

    school = world.schools["a1"]
    ensure_default_terms(school=school)
    ensure_default_register(school)
    left = pupil_with_family(school=school, left=date(2021, 11, 23))
    vordering = VorderingFactory(leerling=world.pupils["g6"])
    Vordering.objects.filter(pk=vordering.pk).update(ontvangen_op=date(2022, 5, 2))
    before = _row_counts()
    out = io.StringIO()
    call_command(
        "retention_sweep",
        "--dry-run",
        "--today",
        "2027-05-02",
        "--school",
        "11AA",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert _row_counts() == before  # not even a record of the run
    text = out.getvalue()
    assert "Sweep 2027-05-02 (dry run):" in text
    assert "pupil administration (the whole pupil record): 1" in text
    assert f"11AA leerlingen.Leerling #{left.pk}: term ran out on 2026-11-23" in text
    assert "disclosure records: 1" in text
    assert f"11AA delen.Vordering #{vordering.pk}: term ran out on 2027-05-02" in text
    assert "consent evidence: 0" in text and "professional-development recordings: 0" in text
    out = io.StringIO()
    call_command(
        "retention_sweep", "--dry-run", "--today", "2027-05-01", stdout=out, stderr=io.StringIO()
    )
    assert f"delen.Vordering #{vordering.pk}" not in out.getvalue()
    with pytest.raises(Exception, match="YYYY-MM-DD"):
        call_command(
            "retention_sweep",
            "--dry-run",
            "--today",
            "1-5-2027",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )


# --- the demo ------------------------------------------------------------------------------------


def test_the_demo_puts_a_trajectorys_recordings_on_the_destruction_list(settings, tmp_path):
    from trajecten.models import Opname, Traject

    settings.MEDIA_ROOT = tmp_path
    call_command("demo", stdout=io.StringIO())  # the demo runs the nightly sweep once
    result = run_sweep()  # a second sweep finds nothing new
    items = VernietigingslijstItem.objects.filter(categorie=Bewaarcategorie.PROFESSIONALISERING)
    ended = {i.object_id: i.extern for i in items}
    trajecten = {t.pk: t for t in Traject.objects.filter(pk__in=ended)}
    assert len(ended) == 2 and set(ended.values()) == {True, False}
    uploaded = next(t for pk, t in trajecten.items() if not ended[pk])
    assert Opname.objects.filter(traject=uploaded).exists()
    assert Traject.objects.exclude(pk__in=ended).exists()  # the running trajectory is not listed
    assert {i.lijst.status for i in items} == {Vernietigingslijst.Status.OPEN}  # for the director
    assert not result.lists
