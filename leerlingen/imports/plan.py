"""Step 2 of an import: the plan. Every row is checked and compared with the register. The plan
holds the errors (row, column, what is wrong: never a BSN or a name) and what an import would
create, change and mark as left, field by field. Nothing is written.

Pupils who were in the school's previous import and are not in this file get their leaving
date (the import date), which starts their retention clock. The guardians are planned in
``guardians.py``.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from core.crypto import keyed_hash

from ..models import Geslacht, Gezagsrelatie, Groep, Leerling, Ouder, School
from ..schooljaar import current_schooljaar
from . import formats
from .changes import FieldChange, PlanRow, RecordChange, RowError
from .guardians import plan_guardians
from .models import Leerlingimport
from .progress import Progress, noop
from .reading import Table, column_letter
from .values import (
    BadValue,
    cell_text,
    display_value,
    field_label,
    parse_bool,
    parse_bsn,
    parse_date,
    parse_email,
    parse_geslacht,
    parse_postcode,
    parse_relatie,
    parse_telefoon,
)

ERROR_LIMIT = 1_000  # errors listed; more are counted


@contextlib.contextmanager
def gc_paused():
    """Pause the cyclic garbage collector while hundreds of thousands of model instances are made.

    With it on, every collection rescans all live instances and a 40,000-pupil import takes
    twice as long (measured: tests/bench/test_import_bench.py). Reference counting still frees
    memory; the collector runs again afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass
class Plan:
    school: School
    mapping: dict[str, str]
    rows_total: int = 0
    fatal: list[RowError] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    bad_rows: set[int] = field(default_factory=set)
    numbers_in_file: list[str] = field(default_factory=list)
    new_pupils: list[Leerling] = field(default_factory=list)
    changed_pupils: list[RecordChange] = field(default_factory=list)
    unchanged_pupils: int = 0
    leavers: list[Leerling] = field(default_factory=list)
    first_import: bool = True
    not_in_file: int = 0  # enrolled, not in this file and not in a previous import: left alone
    new_ouders: list[Ouder] = field(default_factory=list)
    changed_ouders: list[RecordChange] = field(default_factory=list)
    unchanged_ouders: int = 0
    new_relaties: list[Gezagsrelatie] = field(default_factory=list)
    changed_relaties: list[RecordChange] = field(default_factory=list)
    relaties_not_in_file: int = 0
    # Guardians kept apart from another school of the board (issue 15): row and reason.
    guardian_notices: list[RowError] = field(default_factory=list)
    digest: str = ""

    @property
    def ok(self) -> bool:
        return not self.fatal and not self.errors

    @property
    def importable(self) -> bool:
        """Whether the plan can be applied when the bad rows are skipped."""
        return not self.fatal

    def counts(self) -> dict[str, int]:
        return {
            "aantal_rijen": self.rows_total,
            "aantal_fouten": len(self.bad_rows),
            "leerlingen_nieuw": len(self.new_pupils),
            "leerlingen_gewijzigd": len(self.changed_pupils),
            "leerlingen_ongewijzigd": self.unchanged_pupils,
            "leerlingen_vertrokken": len(self.leavers),
            "ouders_nieuw": len(self.new_ouders),
            "ouders_gewijzigd": len(self.changed_ouders),
            "ouders_ongewijzigd": self.unchanged_ouders,
            "relaties_nieuw": len(self.new_relaties),
            "relaties_gewijzigd": len(self.changed_relaties),
        }

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if error.row is not None:
            self.bad_rows.add(error.row)
        if len(self.errors) < ERROR_LIMIT:
            self.errors.append(error)


PARSERS: dict[str, Callable[[Any], Any]] = {
    "date": parse_date,
    "bsn": parse_bsn,
    "geslacht": parse_geslacht,
    "email": parse_email,
    "postcode": parse_postcode,
    "relatie": parse_relatie,
    "bool": parse_bool,
    "telefoon": parse_telefoon,
}


def _max_length(model, attr: str) -> int | None:
    try:
        return model._meta.get_field(attr).max_length
    except Exception:
        return None


def missing_columns(mapping: dict[str, str]) -> list[formats.Field]:
    """Required fields the mapping has no column for (the import cannot start without them)."""
    missing = [f for f in formats.LEERLING_FIELDS if f.required and f.key not in mapping]
    if "roepnaam" not in mapping and "voornamen" not in mapping:
        missing.append(formats.FIELDS_BY_KEY["roepnaam"])
    for slot in formats.SLOTS:
        if (
            any(f.key in mapping for f in formats.OUDER_FIELDS[slot])
            and f"ouder{slot}_achternaam" not in mapping
        ):
            missing.append(formats.FIELDS_BY_KEY[f"ouder{slot}_achternaam"])
    return missing


def build_plan(
    *,
    school: School,
    table: Table,
    mapping: dict[str, str],
    today: date | None = None,
    progress: Progress | None = None,
) -> Plan:
    """Check every row and compare it with the register. Writes nothing."""
    with gc_paused():
        return _build_plan(
            school=school, table=table, mapping=mapping, today=today, progress=progress
        )


def _build_plan(*, school, table, mapping, today, progress) -> Plan:
    progress = progress or noop
    today = today or timezone.localdate()
    mapping = formats.resolve(mapping, table.headers)
    plan = Plan(school=school, mapping=mapping, rows_total=len(table.rows))
    column_index = {h: i for i, h in reversed(list(enumerate(table.headers)))}

    for f in missing_columns(mapping):
        plan.fatal.append(
            RowError(
                None,
                message=_(
                    "The file has no column for “%(field)s”. Choose the column in the column mapping, or export it from the administration system."
                )
                % {"field": f.verbose},
            )
        )
    if plan.fatal:
        return plan

    groepen = {
        " ".join(g.naam.lower().split()): g
        for g in Groep.objects.filter(school=school, schooljaar=current_schooljaar(today))
    }
    groep_names = {g.pk: g.naam for g in groepen.values()}

    def find_groep(name: str) -> Groep | None:
        key = " ".join(name.lower().split())
        return groepen.get(key) or groepen.get(f"groep {key}") or groepen.get(f"klas {key}")

    # Parse every row: (field key, column index, header, parser, max length)
    columns = []
    for key, header in mapping.items():
        f = formats.FIELDS_BY_KEY[key]
        model = Ouder if f.is_ouder and f.target in formats.OUDER_ATTRS else Leerling
        max_length = (
            None
            if f.kind in ("date", "bool", "relatie", "groep", "geslacht")
            else _max_length(model, f.target)
        )
        columns.append(
            (key, column_index[header], header, PARSERS.get(f.kind, cell_text), max_length, f.kind)
        )

    rows: list[PlanRow] = []
    for number, cells in progress(table.rows, desc=_("Checking rows"), unit=_("rows")):
        values: dict[str, Any] = {}
        failed: set[str] = set()
        for key, index, header, parser, max_length, kind in columns:
            raw = cells[index] if index < len(cells) else None
            try:
                value = parser(raw)
                if max_length and isinstance(value, str) and len(value) > max_length:
                    raise BadValue(_("too long: at most %(n)s characters") % {"n": max_length})
                if kind == "groep" and value:
                    groep = find_groep(value)
                    if groep is None:
                        raise BadValue(
                            _(
                                "the group “%(groep)s” does not exist at this school in school year %(jaar)s; create it first"
                            )
                            % {"groep": value, "jaar": current_schooljaar(today)}
                        )
                    value = groep.pk
            except BadValue as exc:
                plan.add_error(RowError(number, header, column_letter(index), str(exc)))
                failed.add(key)
                continue
            values[key] = value
        rows.append(PlanRow(number, values.get("leerlingnummer", ""), values, failed))

    def err(row: PlanRow, key: str, message: str) -> None:
        header = mapping.get(key, "")
        plan.add_error(
            RowError(
                row.row, header, column_letter(column_index[header]) if header else "", message
            )
        )

    # Row rules: required values, names, guardians without a name, dates in order.
    for row in rows:
        v = row.values
        if not row.nummer and "leerlingnummer" not in row.failed:
            err(row, "leerlingnummer", _("the pupil number is empty"))
        if not v.get("achternaam") and "achternaam" not in row.failed:
            err(row, "achternaam", _("the surname is empty"))
        if (
            not v.get("roepnaam")
            and not v.get("voornamen")
            and not row.failed & {"roepnaam", "voornamen"}
        ):
            err(
                row,
                "roepnaam" if "roepnaam" in mapping else "voornamen",
                _("the first name is empty"),
            )
        if v.get("geboortedatum") is None and "geboortedatum" not in row.failed:
            err(row, "geboortedatum", _("the date of birth is empty"))
        elif v.get("geboortedatum") and v["geboortedatum"] > today:
            err(row, "geboortedatum", _("the date of birth lies in the future"))
        if (
            v.get("datum_uitschrijving")
            and v.get("datum_inschrijving")
            and v["datum_uitschrijving"] < v["datum_inschrijving"]
        ):
            err(row, "datum_uitschrijving", _("the leaving date lies before the enrolment date"))
        for slot in formats.SLOTS:
            keys = [f.key for f in formats.OUDER_FIELDS[slot] if f.key in v]
            has_data = any(
                v[k] not in ("", None) for k in keys if not k.endswith(("relatie", "heeft_gezag"))
            )
            if (
                has_data
                and not v.get(f"ouder{slot}_achternaam")
                and f"ouder{slot}_achternaam" not in row.failed
            ):
                err(
                    row, f"ouder{slot}_achternaam", _("guardian %(n)s has no surname") % {"n": slot}
                )

    # Pupil numbers: unique within the file.
    by_number: dict[str, list[PlanRow]] = {}
    for row in rows:
        if row.nummer:
            by_number.setdefault(row.nummer, []).append(row)
    for dupes in by_number.values():
        if len(dupes) > 1:
            for row in dupes:
                others = ", ".join(str(r.row) for r in dupes if r is not row)
                err(
                    row,
                    "leerlingnummer",
                    _("this pupil number is also in row %(rows)s") % {"rows": others},
                )
    plan.numbers_in_file = sorted(by_number)

    existing = {p.leerlingnummer: p for p in Leerling.objects.filter(school=school)}

    # BSN: unique within the file and within the school.
    if "bsn" in mapping:
        hashes: dict[str, list[PlanRow]] = {}
        for row in rows:
            if row.values.get("bsn"):
                hashes.setdefault(keyed_hash(row.values["bsn"]), []).append(row)
        file_hash_by_number = {r.nummer: h for h, rs in hashes.items() for r in rs}
        for same in hashes.values():
            if len(same) > 1:
                for row in same:
                    others = ", ".join(str(r.row) for r in same if r is not row)
                    err(row, "bsn", _("this BSN/PGN is also in row %(rows)s") % {"rows": others})
        owner_by_hash = {p.bsn_hash: p.leerlingnummer for p in existing.values() if p.bsn_hash}
        for h, same in hashes.items():
            owner = owner_by_hash.get(h)
            if owner is None or len(same) > 1:
                continue
            row = same[0]
            if owner != row.nummer and file_hash_by_number.get(owner, h) == h:
                err(
                    row,
                    "bsn",
                    _(
                        "this BSN/PGN belongs to another pupil of the school (pupil number %(nummer)s)"
                    )
                    % {"nummer": owner},
                )

    good = [r for r in rows if r.row not in plan.bad_rows]
    bad_numbers = {r.nummer for r in rows if r.row in plan.bad_rows}

    # --- pupils --------------------------------------------------------------------------
    digest: list[str] = []
    pupil_by_number: dict[str, Leerling] = {}
    for row in good:
        v = row.values
        wanted = _pupil_values(v, mapping)
        current = existing.get(row.nummer)
        if current is None:
            pupil = Leerling(
                school=school, leerlingnummer=row.nummer, **{a: x for a, x in wanted.items()}
            )
            if not pupil.datum_inschrijving:
                pupil.datum_inschrijving = today
            plan.new_pupils.append(pupil)
            pupil_by_number[row.nummer] = pupil
            digest.append(
                f"L+|{row.nummer}|"
                + "|".join(f"{a}={_digestable(a, x)}" for a, x in sorted(wanted.items()))
            )
            continue
        changes = []
        for attr, new in wanted.items():
            if attr == "datum_inschrijving" and new is None:
                continue
            old = getattr(current, attr)
            if (old or None) != (new or None):
                changes.append(
                    FieldChange(
                        attr,
                        field_label(attr),
                        display_value(attr, old, groep_names),
                        display_value(attr, new, groep_names),
                    )
                )
        if "datum_uitschrijving" not in mapping and current.datum_uitschrijving:
            changes.append(
                FieldChange(
                    "datum_uitschrijving",
                    field_label("datum_uitschrijving"),
                    display_value("datum_uitschrijving", current.datum_uitschrijving, {}),
                    "—",
                )
            )
            wanted["datum_uitschrijving"] = None
        pupil_by_number[row.nummer] = current
        if changes:
            fields = {c.field for c in changes}
            for attr in fields:
                setattr(current, attr, wanted[attr])
            if "bsn" in fields:
                current.set_bsn_hash()
                fields.add("bsn_hash")
            plan.changed_pupils.append(
                RecordChange(row.nummer, current.volledige_naam, changes, current, fields)
            )
            digest.append(
                f"L~|{row.nummer}|"
                + "|".join(
                    f"{a}={_digestable(a, wanted[a])}" for a in sorted(fields - {"bsn_hash"})
                )
            )
        else:
            plan.unchanged_pupils += 1

    previous = (
        Leerlingimport.objects.filter(school=school, status=Leerlingimport.Status.INGELEZEN)
        .order_by("-uitgevoerd_op")
        .values_list("leerlingnummers", flat=True)
        .first()
    )
    plan.first_import = previous is None
    in_file = set(by_number) | bad_numbers
    previous_numbers = set(previous or [])
    for nummer, pupil in existing.items():
        if nummer in in_file or pupil.datum_uitschrijving:
            continue
        if nummer in previous_numbers:
            plan.leavers.append(pupil)
            digest.append(f"L-|{nummer}")
        else:
            plan.not_in_file += 1
    plan.leavers.sort(key=lambda p: (p.achternaam, p.leerlingnummer))

    # --- guardians -----------------------------------------------------------------------
    def locate(key: str) -> tuple[str, str]:
        header = mapping.get(key, "")
        return header, column_letter(column_index[header]) if header else ""

    plan_guardians(plan, good, mapping, pupil_by_number, existing, digest, locate)

    plan.errors.sort(key=lambda e: (e.row or 0, len(e.letter), e.letter))
    plan.digest = hashlib.sha256(
        "\n".join(digest + [f"bad|{sorted(plan.bad_rows)}"]).encode()
    ).hexdigest()
    return plan


def _digestable(attr: str, value: Any) -> str:
    return keyed_hash(value) if attr == "bsn" and value else str(value)


def _pupil_values(v: dict[str, Any], mapping: dict[str, str]) -> dict[str, Any]:
    """The Leerling attributes a row sets (mapped columns only)."""
    wanted: dict[str, Any] = {}
    for key in formats.FIELDS_BY_KEY:
        if (
            key in v
            and not formats.FIELDS_BY_KEY[key].is_ouder
            and key not in ("leerlingnummer", "huisnummer_toevoeging")
        ):
            wanted["groep_id" if key == "groep" else key] = v[key]
    if "groep" in mapping and not v.get("groep"):
        wanted["groep_id"] = None
    if "roepnaam" in wanted or "voornamen" in wanted:
        roepnaam = v.get("roepnaam") or (v.get("voornamen") or "").split(" ")[0]
        wanted["roepnaam"] = roepnaam
        wanted["voornamen"] = v.get("voornamen") or roepnaam
    if v.get("huisnummer_toevoeging") and "huisnummer" in wanted:
        extra = v["huisnummer_toevoeging"]
        wanted["huisnummer"] = (
            f"{wanted['huisnummer']}{extra}"
            if extra[:1].isalpha()
            else f"{wanted['huisnummer']}-{extra}"
        )
    if "geslacht" in wanted and not wanted["geslacht"]:
        wanted["geslacht"] = Geslacht.ONBEKEND
    if "datum_inschrijving" in wanted and wanted["datum_inschrijving"] is None:
        del wanted["datum_inschrijving"]
    return wanted
