"""The guardians of a plan: the file's guardians matched with the register, and the records and
custody relations an import would create or change (step 2, for guardians)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from ..models import Gezagsrelatie, Ouder, Relatie, School
from . import formats
from .changes import FieldChange, PlanRow, RecordChange, RowError
from .values import display_value, field_label

if TYPE_CHECKING:
    from .plan import Plan


def _initial(values: dict[str, Any]) -> str:
    first = (values.get("voornaam") or values.get("voorletters") or "").strip()
    return first[:1].lower()


def _name_key(values: dict[str, Any]) -> tuple[str, str]:
    return ((values.get("achternaam") or "").lower(), _initial(values))


def _identity(o: Ouder) -> dict[str, Any]:
    return {
        "achternaam": o.achternaam,
        "voornaam": o.voornaam,
        "voorletters": o.voorletters,
        "email": o.email,
    }


def plan_guardians(
    plan: Plan, good: list[PlanRow], mapping, pupil_by_number, existing, digest: list[str], locate
) -> None:
    """Match the file's guardians with the register and plan their records and custody relations.

    An import belongs to one school, and a guardian record (``Ouder``) belongs to the board. The
    safe rule (issue 15): **an import never changes, and never links a new pupil to, a guardian
    who is linked to a pupil outside the importing school.**

    - The pupil's own custody relations are matched first (name, then e-mail, then relation).
      Such a relation is kept, but if its guardian is also linked to a pupil of another school,
      the guardian's details are not changed: the row gets a notice instead.
    - A guardian who is not one of the pupil's own is looked up in the board by e-mail address,
      surname and first initial. That record is reused only when it is linked to pupils of the
      importing school and of no other school (a sibling's parent). Name plus e-mail never
      merges a record of another school, nor an unlinked one: the row gets a new record for this
      school, with a notice that says only that such a guardian exists elsewhere in the board.
    - Notices never name anything of the other school (not the school, the pupil or a value).
    """
    school = plan.school
    existing_ids = [p.pk for p in existing.values()]
    relations: dict[int, list[Gezagsrelatie]] = {}
    for rel in (
        Gezagsrelatie.objects.filter(leerling__school=school).select_related("ouder")
        if existing_ids
        else []
    ):
        relations.setdefault(rel.leerling_id, []).append(rel)
    shared = _linked_elsewhere(school) if relations else set()

    def notice(row: PlanRow, slot: int, key: str, message: str) -> None:
        header, letter = locate(f"ouder{slot}_{key}")
        plan.guardian_notices.append(RowError(row.row, header, letter, message))

    # What each row says about its guardians.
    slots: list[tuple[PlanRow, int, dict[str, Any], dict[str, Any]]] = []
    for row in good:
        for slot in formats.SLOTS:
            o = {
                a: row.values[f"ouder{slot}_{a}"]
                for a in formats.OUDER_ATTRS
                if f"ouder{slot}_{a}" in row.values
            }
            if not o.get("achternaam"):
                continue
            r = {
                a: row.values[f"ouder{slot}_{a}"]
                for a in formats.RELATIE_ATTRS
                if f"ouder{slot}_{a}" in row.values
            }
            slots.append((row, slot, o, r))

    def file_key(row: PlanRow, o: dict[str, Any]) -> tuple:
        where = (
            o.get("email") or ""
        ).lower() or f"{o.get('postcode', '')}{o.get('huisnummer', '')}".strip()
        if not where:
            where = (
                f"{row.values.get('postcode', '')}{row.values.get('huisnummer', '')}"
                or f"row{row.row}"
            )
        return (*_name_key(o), where)

    resolved: dict[tuple, Ouder] = {}  # file key -> Ouder (existing or new)
    token: dict[int, str] = {}  # a stable name for a new guardian in the fingerprint
    assignment: dict[tuple[int, int], Ouder] = {}  # (row, slot) -> Ouder

    # Pass 1: the pupil's own relations.
    for row, slot, o, r in slots:
        pupil = existing.get(row.nummer)
        if pupil is None:
            continue
        taken = {assignment[(row.row, s)].pk for s in formats.SLOTS if (row.row, s) in assignment}
        candidates = [rel for rel in relations.get(pupil.pk, []) if rel.ouder_id not in taken]
        match = _match(o, r, candidates)
        if match is not None:
            assignment[(row.row, slot)] = match.ouder
            if match.ouder_id not in shared:  # no other row reaches a shared record by its key
                resolved.setdefault(file_key(row, o), match.ouder)

    # Pass 2: a guardian already known from another row, or at another school of the board.
    emails = {
        (o.get("email") or "").lower()
        for row, slot, o, r in slots
        if (row.row, slot) not in assignment
    } - {""}
    board_by_email: dict[tuple, list[Ouder]] = {}
    schools_of: dict[int, set[int]] = {}  # board guardian -> the schools of their pupils
    if emails:
        for ouder in Ouder.objects.annotate(e=Lower("email")).filter(
            bestuur_id=school.bestuur_id, e__in=emails
        ):
            board_by_email.setdefault(
                (ouder.email.lower(), *_name_key(_identity(ouder))), []
            ).append(ouder)
        found_ids = [o.pk for found in board_by_email.values() for o in found]
        links = Gezagsrelatie.objects.filter(ouder_id__in=found_ids)
        for ouder_id, school_id in links.values_list("ouder_id", "leerling__school_id"):
            schools_of.setdefault(ouder_id, set()).add(school_id)
    for row, slot, o, _r in slots:
        if (row.row, slot) in assignment:
            continue
        key = file_key(row, o)
        ouder = resolved.get(key)
        if ouder is None and o.get("email"):
            found = board_by_email.get((o["email"].lower(), *_name_key(o)), [])
            own = [f for f in found if schools_of.get(f.pk) == {school.pk}]
            ouder = own[0] if len(own) == 1 else None
            if ouder is None and any(schools_of.get(f.pk, set()) - {school.pk} for f in found):
                notice(
                    row,
                    slot,
                    "email",
                    _(
                        "a guardian with this e-mail address and name exists at another school of the "
                        "board; that record is not changed or linked, a separate record is made for "
                        "this school"
                    ),
                )
        if ouder is not None and any(assignment.get((row.row, s)) is ouder for s in formats.SLOTS):
            ouder = None  # both slots of one row never become one guardian
        if ouder is None:
            ouder = Ouder(bestuur_id=school.bestuur_id, **o)
            plan.new_ouders.append(ouder)
            token[id(ouder)] = f"new{len(plan.new_ouders)}"
            digest.append(
                f"O+|{token[id(ouder)]}|" + "|".join(f"{a}={x}" for a, x in sorted(o.items()))
            )
        resolved[key] = ouder
        assignment[(row.row, slot)] = ouder

    # Guardian changes: the first row that names an existing guardian decides.
    seen: set[int] = set()
    for row, slot, o, _r in slots:
        ouder = assignment[(row.row, slot)]
        if ouder.pk is None or ouder.pk in seen:
            continue
        seen.add(ouder.pk)
        changes = [
            FieldChange(
                a,
                field_label(a),
                display_value(a, getattr(ouder, a), {}),
                display_value(a, new, {}),
            )
            for a, new in o.items()
            if (getattr(ouder, a) or "") != (new or "")
        ]
        if changes and ouder.pk in shared:
            notice(
                row,
                slot,
                "achternaam",
                _(
                    "this guardian is also linked to a pupil of another school of the board, so the "
                    "import does not change their details (%(fields)s); the custody relation is kept"
                )
                % {"fields": ", ".join(c.label for c in changes)},
            )
            plan.unchanged_ouders += 1
        elif changes:
            name = str(ouder)
            for c in changes:
                setattr(ouder, c.field, o[c.field])
            plan.changed_ouders.append(
                RecordChange(str(ouder.pk), name, changes, ouder, {c.field for c in changes})
            )
            digest.append(f"O~|{ouder.pk}|" + "|".join(f"{c.field}={o[c.field]}" for c in changes))
        else:
            plan.unchanged_ouders += 1

    # Custody relations.
    by_pair = {(rel.ouder_id, rel.leerling_id): rel for rels in relations.values() for rel in rels}
    used: set[int] = set()
    for row, slot, _o, r in slots:
        ouder = assignment[(row.row, slot)]
        pupil = pupil_by_number[row.nummer]
        rel = by_pair.get((ouder.pk, pupil.pk)) if ouder.pk and pupil.pk else None
        if rel is None:
            new = Gezagsrelatie(
                ouder=ouder,
                leerling=pupil,
                relatie=r.get("relatie") or Relatie.VERZORGER,
                heeft_gezag=True if r.get("heeft_gezag") is None else r["heeft_gezag"],
            )
            plan.new_relaties.append(new)
            digest.append(
                f"R+|{row.nummer}|{ouder.pk or token[id(ouder)]}|{new.relatie}|{new.heeft_gezag}"
            )
            continue
        used.add(rel.pk)
        wanted = {a: x for a, x in r.items() if x not in ("", None)}
        changes = [
            FieldChange(
                a, field_label(a), display_value(a, getattr(rel, a), {}), display_value(a, x, {})
            )
            for a, x in wanted.items()
            if getattr(rel, a) != x
        ]
        if changes:
            for a, x in wanted.items():
                setattr(rel, a, x)
            plan.changed_relaties.append(
                RecordChange(
                    row.nummer, f"{ouder} – {pupil.volledige_naam}", changes, rel, set(wanted)
                )
            )
            digest.append(f"R~|{rel.pk}|" + "|".join(f"{a}={x}" for a, x in sorted(wanted.items())))
    file_pupils = {pupil_by_number[r.nummer].pk for r in good if pupil_by_number[r.nummer].pk}
    if any(k.startswith("ouder") for k in mapping):
        plan.relaties_not_in_file = sum(
            1
            for rels in relations.values()
            for rel in rels
            if rel.leerling_id in file_pupils and rel.pk not in used
        )


def _linked_elsewhere(school: School) -> set[int]:
    """Ids of the guardians of this school's pupils who are also linked to a pupil elsewhere."""
    own = Gezagsrelatie.objects.filter(leerling__school=school).values("ouder_id")
    elsewhere = Gezagsrelatie.objects.filter(ouder_id__in=own).exclude(leerling__school=school)
    return set(elsewhere.values_list("ouder_id", flat=True))


def _match(
    o: dict[str, Any], r: dict[str, Any], candidates: list[Gezagsrelatie]
) -> Gezagsrelatie | None:
    """The existing relation a guardian column set means: same name, else same e-mail, else same relation."""
    tests = [
        lambda rel: _name_key(_identity(rel.ouder)) == _name_key(o),
        lambda rel: bool(o.get("email")) and rel.ouder.email.lower() == o["email"].lower(),
        lambda rel: bool(r.get("relatie")) and rel.relatie == r["relatie"],
    ]
    for test in tests:
        found = [rel for rel in candidates if test(rel)]
        if len(found) == 1:
            return found[0]
    return None
