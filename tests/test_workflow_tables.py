"""State machines drive state (DESIGN.md, issue 16): a state field with a declared table
(core/workflow.py) is assigned only by that table's ``apply``. This test reads the source of the
packages that hold such a model and fails on any other assignment of the field: ``x.status = ...``
(also in a tuple), ``setattr(x, "status", ...)``, or ``status=`` in an ``update``/``create`` call.

A package that declares its transitions the same way is added to ``GUARDED``.
"""

import ast
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils import translation

import pytest

from core.workflow import StateMachine, Transition, TransitionNotAllowed

ROOT = Path(__file__).resolve().parent.parent

# package directory -> the state field its table guards
GUARDED = {
    "verzoeken": "status",
    "leerlingen/imports": "status",
}
WRITING_CALLS = {"update", "create", "get_or_create", "update_or_create", "bulk_create"}


def _targets(node):
    if isinstance(node, (ast.Tuple, ast.List)):
        for elt in node.elts:
            yield from _targets(elt)
    else:
        yield node


def assignments(source: str, field: str) -> list[int]:
    """Line numbers where ``field`` is assigned outside a state machine."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for t in _targets(target):
                    if isinstance(t, ast.Attribute) and t.attr == field:
                        lines.append(node.lineno)
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id == "setattr" and len(node.args) >= 2:
                name = node.args[1]
                if isinstance(name, ast.Constant) and name.value == field:
                    lines.append(node.lineno)
            if isinstance(func, ast.Attribute) and func.attr in WRITING_CALLS:
                if any(k.arg == field for k in node.keywords):
                    lines.append(node.lineno)
    return lines


def _sources(package: str):
    for path in sorted((ROOT / package).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


@pytest.mark.parametrize("package, field", sorted(GUARDED.items()))
def test_the_state_is_assigned_only_through_the_table(package, field):
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in _sources(package)
        for line in assignments(path.read_text(), field)
    ]
    assert not offenders, (
        f"{field} assigned outside the state machine (use its transition): {offenders}"
    )


def test_the_source_check_sees_every_form_of_assignment():
    source = (
        "v.status = 'a'\n"
        "run.status, run.bestand = 'b', ''\n"
        "setattr(v, 'status', 'c')\n"
        "Verzoek.objects.filter(pk=1).update(status='d')\n"
        "Verzoek.objects.create(status='e')\n"
        "if v.status == 'a' and v.status != 'b':\n    pass\n"
        "Verzoek.objects.filter(status='a')\n"
        "x = v.status\n"
    )
    assert assignments(source, "status") == [1, 2, 3, 4, 5]


# --- the kernel's state machine -------------------------------------------------------------


class Thing:
    """A stand-in object with a state field and a display; ``save`` counts its calls."""

    def __init__(self, status, checked=False):
        self.status, self.checked, self.saved = status, checked, 0

    def get_status_display(self):
        return self.status.upper()

    def save(self, **kwargs):
        self.saved += 1


MACHINE = StateMachine(
    [
        Transition("go", ("new",), "busy", "going"),
        Transition(
            "back",
            ("busy",),
            ("checked", "new"),
            "going back",
            choose=lambda t: "checked" if t.checked else "new",
        ),
        Transition("note", ("new", "busy"), None, "noting"),
    ]
)


def test_apply_sets_the_target_from_the_table_and_records_who_and_why():
    thing = MACHINE.apply(Thing("new"), "go", user="u", reason="started")
    assert (thing.status, thing.saved, thing._history_user, thing._change_reason) == (
        "busy",
        1,
        "u",
        "started",
    )
    assert (
        MACHINE.apply(Thing("busy", checked=True), "back", user=None, reason="r").status
        == "checked"
    )
    assert MACHINE.apply(Thing("busy"), "back", user=None, reason="r").status == "new"
    assert (
        MACHINE.apply(Thing("busy"), "note", user=None, reason="r").status == "busy"
    )  # a guarded step


def test_a_step_the_table_does_not_allow_is_refused_with_its_label_and_the_state():
    thing = Thing("busy")
    with translation.override("en"), pytest.raises(TransitionNotAllowed) as exc:
        MACHINE.apply(thing, "go", user=None, reason="r")
    assert isinstance(exc.value, ValidationError)
    assert exc.value.messages == ["going is not possible while the state is “BUSY”."]
    assert (thing.status, thing.saved) == ("busy", 0)


def test_the_table_lists_its_steps_and_edges():
    assert MACHINE.actions_from("new") == ["go", "note"]
    assert MACHINE.actions_from("busy", among=("back",)) == ["back"]
    assert sorted(MACHINE.edges()) == sorted(
        [
            ("new", "go", "busy"),
            ("busy", "back", "checked"),
            ("busy", "back", "new"),
            ("new", "note", "new"),
            ("busy", "note", "busy"),
        ]
    )


def test_a_table_is_declared_consistently():
    with pytest.raises(ValueError, match="declared twice"):
        StateMachine([Transition("a", ("x",), "y", "a"), Transition("a", ("y",), "x", "a")])
    with pytest.raises(ValueError, match="choose"):
        StateMachine([Transition("a", ("x",), ("y", "z"), "a")])
