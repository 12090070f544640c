"""The states of a pupil import follow its table (leerlingen/imports/workflow.py): a step the table
does not allow is refused with a message naming the step and the state, every change is in the
run's history with who and why, and the admin reads the table."""

from pathlib import Path
from types import SimpleNamespace

from django.urls import reverse
from django.utils import translation

import pytest

from leerlingen.imports import services, workflow
from leerlingen.imports.apply import NotWaiting
from leerlingen.imports.models import Leerlingimport
from leerlingen.models import Rol
from leerlingen.roles import grant_role

from .factories import BestuurFactory, GroepFactory, SchoolFactory, UserFactory

FILE = Path(__file__).parent / "files" / "parnassys.csv"
Status = Leerlingimport.Status


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def po(db):
    school = SchoolFactory(bestuur=BestuurFactory(), naam="OBS De Vlieger", brin="07XY")
    for jaar in range(3, 9):
        GroepFactory(school=school, naam=f"Groep {jaar}", jaargroep=jaar)
    directeur = UserFactory(username="directeur_vlieger")
    grant_role(user=directeur, rol=Rol.DIRECTEUR, container=school)
    return SimpleNamespace(school=school, user=directeur)


def _upload(po) -> Leerlingimport:
    run, _table = services.start_import(
        school=po.school, user=po.user, data=FILE.read_bytes(), filename="p.csv"
    )
    return run


def _last(run):
    return run.history.order_by("-history_date", "-history_id").first()


def test_a_step_the_table_does_not_allow_is_refused_naming_the_step_and_the_state(po, monkeypatch):
    monkeypatch.setattr(services, "BACKGROUND_ROWS", 3)  # this file is confirmed for the background
    run = _upload(po)
    digest = services.preview_import(run=run).digest
    assert services.request_import(run=run, user=po.user, digest=digest) is False
    run.refresh_from_db()
    assert run.status == Status.BEZIG
    assert _last(run).history_change_reason == "confirmed, imported in the background"
    with pytest.raises(NotWaiting) as exc:
        services.request_import(run=run, user=po.user, digest=digest)
    assert str(exc.value) == (
        "Rule “order of steps”: confirming the import is not possible while the import is "
        "“confirmed: being imported”."
    )

    services.confirm_import(run=run, user=po.user, digest=digest)  # what the worker does
    run.refresh_from_db()
    assert run.status == Status.INGELEZEN
    assert (_last(run).history_user, _last(run).history_change_reason) == (po.user, "imported")
    with pytest.raises(NotWaiting) as exc:
        workflow.transition(run, "import", user=po.user, reason="again")
    assert str(exc.value) == (
        "Rule “order of steps”: importing is not possible while the import is “imported”."
    )
    run.refresh_from_db()
    assert run.status == Status.INGELEZEN


def test_a_newer_upload_replaces_the_waiting_one_and_cancel_keeps_what_is_done(po):
    first = _upload(po)
    second = _upload(po)
    first.refresh_from_db()
    assert first.status == Status.VERVALLEN and first.bestand == ""
    assert (_last(first).history_user, _last(first).history_change_reason) == (
        po.user,
        "replaced by a newer upload",
    )

    services.cancel_import(run=second, user=po.user)
    second.refresh_from_db()
    assert second.status == Status.GEANNULEERD
    assert _last(second).history_change_reason == "cancelled"
    services.cancel_import(
        run=first, user=po.user
    )  # replaced: the table allows no cancel, nothing changes
    first.refresh_from_db()
    assert first.status == Status.VERVALLEN


def test_the_admin_offers_the_preview_only_while_the_table_allows_confirming(client, po):
    run = _upload(po)
    client.force_login(po.user)
    change = reverse("admin:leerlingen_leerlingimport_change", args=[run.pk])
    preview = reverse("admin:leerlingen_leerlingimport_voorbeeld", args=[run.pk])
    assert workflow.waiting(run) and preview in client.get(change).content.decode()
    services.cancel_import(run=run, user=po.user)
    run.refresh_from_db()
    assert not workflow.waiting(run)
    assert preview not in client.get(change).content.decode()
    assert client.get(preview).url == change
