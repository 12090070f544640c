"""The flow of an import: upload, map, preview, confirm (at once, or in the background), cancel;
and the command's path in one go. The admin, the command and the tests call these."""

from __future__ import annotations

import base64
import hashlib

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import School
from . import formats, workflow
from . import tasks as import_tasks
from .apply import ImportRefused, NotWaiting, apply_plan
from .models import Bronsysteem, Importprofiel, Leerlingimport
from .plan import Plan, build_plan
from .progress import Progress, StoredProgress
from .reading import ImportFileError, Table, check_upload, read_table

BACKGROUND_ROWS = settings.PUPIL_IMPORT_BACKGROUND_ROWS  # larger files import in a Celery task


def choose_mapping(
    headers: list[str], *, bron: str = "", profiel: Importprofiel | None = None
) -> tuple[str, dict[str, str]]:
    """The mapping for a file: a saved profile, a named system, or the best-matching system."""
    if profiel is not None:
        return profiel.bron, formats.resolve(profiel.kolommen, headers)
    if bron in formats.FORMATS:
        return bron, formats.resolve(formats.FORMATS[bron], headers)
    detected, mapping = formats.detect(headers)
    return detected or Bronsysteem.ANDERS, mapping


def table_of(run: Leerlingimport) -> Table:
    if not run.bestand:
        raise ImportFileError(_("The file of this import is no longer kept. Upload it again."))
    return read_table(base64.b64decode(run.bestand), run.bestandstype)


@transaction.atomic
def start_import(
    *,
    school: School,
    user,
    data: bytes,
    filename: str,
    bron: str = "",
    profiel: Importprofiel | None = None,
    keep_file: bool = True,
) -> tuple[Leerlingimport, Table]:
    """Check and read an uploaded export and record it as a preview. Raises ``ImportFileError``."""
    kind = check_upload(data)
    table = read_table(data, kind)
    bron, mapping = choose_mapping(table.headers, bron=bron, profiel=profiel)
    run = _record_run(
        school=school,
        user=user,
        data=data,
        filename=filename,
        kind=kind,
        table=table,
        bron=bron,
        mapping=mapping,
        profiel=profiel,
        keep_file=keep_file,
    )
    return run, table


def _record_run(
    *, school, user, data, filename, kind, table, bron, mapping, profiel, keep_file
) -> Leerlingimport:
    user = user if user is not None and user.is_authenticated else None
    for old in Leerlingimport.objects.filter(school=school, status=Leerlingimport.Status.VOORBEELD):
        old.bestand = ""
        workflow.transition(old, "replace", user=user, reason="replaced by a newer upload")
    run = Leerlingimport(
        school=school,
        bron=bron,
        profiel=profiel,
        kolommen=mapping,
        bestandsnaam=(filename or "export")[-255:],
        bestandstype=kind,
        bestand_sha256=hashlib.sha256(data).hexdigest(),
        bestand=base64.b64encode(data).decode() if keep_file else "",
        aantal_rijen=len(table.rows),
        aangemaakt_door=user,
    )
    run._history_user = user
    run.save()
    return run


def preview_import(
    *, run: Leerlingimport, table: Table | None = None, progress: Progress | None = None
) -> Plan:
    """The plan of a run; its counts and fingerprint are recorded on the run."""
    table = table or table_of(run)
    plan = build_plan(school=run.school, table=table, mapping=run.kolommen, progress=progress)
    counts = plan.counts()
    if any(getattr(run, k) != v for k, v in counts.items()) or run.plan_digest != plan.digest:
        for name, value in counts.items():
            setattr(run, name, value)
        run.plan_digest = plan.digest
        run.save()
    return plan


def confirm_import(
    *,
    run: Leerlingimport,
    user,
    digest: str,
    skip_bad_rows: bool = False,
    progress: Progress | None = None,
) -> Plan:
    """Import what the preview showed. If the plan no longer matches ``digest``, nothing is written."""
    table = table_of(run)
    with transaction.atomic():
        School.objects.select_for_update().filter(
            pk=run.school_id
        ).first()  # one import per school at a time
        run = Leerlingimport.objects.select_for_update().get(pk=run.pk)
        workflow.MACHINE.check(run, "import")
        plan = build_plan(school=run.school, table=table, mapping=run.kolommen, progress=progress)
        if plan.digest != digest:
            raise ImportRefused(
                _(
                    "The register or the column mapping changed since the preview. Check the new preview and confirm again."
                )
            )
        apply_plan(plan=plan, run=run, user=user, skip_bad_rows=skip_bad_rows, progress=progress)
    return plan


def request_import(*, run: Leerlingimport, user, digest: str, skip_bad_rows: bool = False) -> bool:
    """The user confirms the preview. A small file is imported at once (returns True); a large one
    is recorded as confirmed and handed to a background task (returns False), which shows progress.
    """
    if run.aantal_fouten and not skip_bad_rows:
        raise ImportRefused(
            _("The file has rows with errors. Fix the file, or choose to skip the bad rows.")
        )
    if run.aantal_rijen <= BACKGROUND_ROWS:
        confirm_import(run=run, user=user, digest=digest, skip_bad_rows=skip_bad_rows)
        return True
    with transaction.atomic():
        run = Leerlingimport.objects.select_for_update().get(pk=run.pk)
        workflow.MACHINE.check(run, "confirm")
        run.bevestigd_digest, run.overslaan, run.melding = digest, skip_bad_rows, ""
        run.uitgevoerd_door = user if user is not None and user.is_authenticated else None
        workflow.transition(
            run, "confirm", user=run.uitgevoerd_door, reason="confirmed, imported in the background"
        )
        StoredProgress(run.pk).start()
        import_tasks.enqueue(run.pk)
    return False


def carry_out_confirmed(*, run_id: int) -> str:
    """Work off a confirmed import (the background task). Idempotent: a repeated call does nothing."""
    run = (
        Leerlingimport.objects.filter(pk=run_id, status=Leerlingimport.Status.BEZIG)
        .select_related("school", "uitgevoerd_door")
        .first()
    )
    if run is None:
        return "not waiting"
    try:
        confirm_import(
            run=run,
            user=run.uitgevoerd_door,
            digest=run.bevestigd_digest,
            skip_bad_rows=run.overslaan,
            progress=StoredProgress(run.pk),
        )
    except NotWaiting:
        return "not waiting"
    except (ImportRefused, ImportFileError) as exc:
        # Back to the preview, with the reason (never personal data); nothing was written.
        run.refresh_from_db()
        run.melding = str(exc)[:300]
        workflow.transition(
            run, "refuse", user=run.uitgevoerd_door, reason="not imported, back to the preview"
        )
        return "refused"
    finally:
        StoredProgress(run_id).clear()
    return "imported"


def cancel_import(*, run: Leerlingimport, user) -> None:
    if not workflow.MACHINE.allows(run.status, "cancel"):
        return  # already imported, cancelled or replaced: nothing to cancel
    run.bestand = ""
    workflow.transition(run, "cancel", user=user, reason="cancelled")


@transaction.atomic
def save_mapping(
    *, run: Leerlingimport, user, kolommen: dict[str, str], profiel_naam: str = ""
) -> Importprofiel | None:
    """Use an adjusted mapping for this run and, if named, save it for the next exports."""
    kolommen = {k: v for k, v in kolommen.items() if k in formats.FIELDS_BY_KEY and v}
    user = user if user is not None and user.is_authenticated else None
    profiel = None
    if profiel_naam:
        profiel = Importprofiel.objects.filter(
            school=run.school, naam=profiel_naam
        ).first() or Importprofiel(school=run.school, naam=profiel_naam)
        profiel.bron = run.bron if run.bron in Bronsysteem.values else Bronsysteem.ANDERS
        profiel.kolommen, profiel.gewijzigd_door, profiel.gewijzigd_op = (
            kolommen,
            user,
            timezone.now(),
        )
        profiel._history_user = user
        profiel.save()
    run.kolommen, run.profiel, run._history_user = kolommen, profiel or run.profiel, user
    run.save()
    return profiel


def import_file(
    *,
    school: School,
    user,
    data: bytes,
    filename: str,
    bron: str = "",
    profiel: Importprofiel | None = None,
    dry_run: bool = False,
    skip_bad_rows: bool = False,
    progress: Progress | None = None,
) -> tuple[Plan, Leerlingimport | None]:
    """Read, check and (unless ``dry_run``) import a file in one go: the command's path."""
    kind = check_upload(data)
    table = read_table(data, kind)
    bron_used, mapping = choose_mapping(table.headers, bron=bron, profiel=profiel)
    plan = build_plan(school=school, table=table, mapping=mapping, progress=progress)
    if dry_run or plan.fatal or (plan.errors and not skip_bad_rows):
        return plan, None
    with transaction.atomic():
        run = _record_run(
            school=school,
            user=user,
            data=data,
            filename=filename,
            kind=kind,
            table=table,
            bron=bron_used,
            mapping=mapping,
            profiel=profiel,
            keep_file=False,
        )
        apply_plan(plan=plan, run=run, user=user, skip_bad_rows=skip_bad_rows, progress=progress)
    return plan, run
