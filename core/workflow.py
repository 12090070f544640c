"""Declared state machines: a model's state changes only through its table of transitions, and
one function applies them (DESIGN.md: state machines drive state).

A table lists each action with the states it may start from and the state it leads to::

    MACHINE = StateMachine([
        Transition("confirm", (Status.PREVIEW,), Status.RUNNING, _("confirming")),
        Transition("cancel", (Status.PREVIEW,), Status.CANCELLED, _("cancelling")),
    ])
    MACHINE.apply(run, "confirm", user=user, reason="confirmed")

``apply`` refuses an action the table does not allow from the object's current state (with a
message naming the action and the state), sets the state field, and saves with the acting user
and the reason in the object's history. It is the only place that assigns the state field; a
test (tests/test_workflow_tables.py) fails when other code does.

A target may depend on a fact of the object (a request sent back returns to "identity checked"
only if the identity was checked): give the possible targets as a tuple and a ``choose``
function that picks one. A target ``None`` is a step the table guards that keeps the state.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

REFUSED = _("%(step)s is not possible while the state is “%(state)s”.")


class TransitionNotAllowed(ValidationError):
    """An action the table does not allow from the current state."""

    def __init__(self, message: Any, *, action: str = "", state: str = ""):
        super().__init__(message, code="state")
        self.action, self.state = action, state


@dataclass(frozen=True)
class Transition:
    """``action`` leads from any of ``sources`` to ``target``; ``label`` names the action to users."""

    action: str
    sources: tuple[str, ...]
    target: str | tuple[str, ...] | None
    label: Any
    choose: Callable[[Any], str] | None = None

    @property
    def targets(self) -> tuple[str, ...]:
        if self.target is None:
            return ()
        return self.target if isinstance(self.target, tuple) else (self.target,)


class StateMachine:
    """The table of one state field. ``refuse(label, state_label)`` may build the project's own error."""

    def __init__(
        self,
        transitions: Iterable[Transition],
        *,
        field: str = "status",
        refuse: Callable[[Any, Any], Exception] | None = None,
    ):
        self.field = field
        self.transitions: dict[str, Transition] = {}
        for t in transitions:
            if t.action in self.transitions:
                raise ValueError(f"action {t.action!r} is declared twice")
            if isinstance(t.target, tuple) != (t.choose is not None):
                raise ValueError(
                    f"action {t.action!r}: several targets need a choose function, one needs none"
                )
            self.transitions[t.action] = Transition(
                t.action, tuple(t.sources), t.target, t.label, t.choose
            )
        self._refuse = refuse

    def __getitem__(self, action: str) -> Transition:
        return self.transitions[action]

    def allows(self, state: str, action: str) -> bool:
        return action in self.transitions and state in self.transitions[action].sources

    def actions_from(self, state: str, among: Sequence[str] | None = None) -> list[str]:
        """The actions the table allows from ``state`` (in table order), optionally only ``among``."""
        return [
            a
            for a, t in self.transitions.items()
            if state in t.sources and (among is None or a in among)
        ]

    def edges(self) -> list[tuple[str, str, str]]:
        """Every (from, action, to) of the table; a guarded step that keeps the state leads to itself."""
        out = []
        for t in self.transitions.values():
            for source in t.sources:
                for target in t.targets or (source,):
                    out.append((source, t.action, target))
        return out

    def refusal(self, obj, action: str) -> Exception:
        state = getattr(obj, self.field)
        display = getattr(obj, f"get_{self.field}_display", lambda: state)()
        label = self.transitions[action].label if action in self.transitions else action
        if self._refuse is not None:
            return self._refuse(label, display)
        return TransitionNotAllowed(
            REFUSED % {"step": label, "state": display}, action=action, state=state
        )

    def check(self, obj, action: str) -> Transition:
        """The transition, or the refusal raised when the table does not allow it now."""
        if not self.allows(getattr(obj, self.field), action):
            raise self.refusal(obj, action)
        return self.transitions[action]

    def target(self, obj, action: str) -> str:
        t = self.check(obj, action)
        if t.target is None:
            return getattr(obj, self.field)
        if t.choose is None:
            return t.target  # type: ignore[return-value]
        chosen = t.choose(obj)
        if chosen not in t.targets:
            raise ValueError(f"action {action!r} chose {chosen!r}, not one of its targets")
        return chosen

    def apply(self, obj, action: str, *, user, reason: str, save: bool = True, **save_kwargs):
        """Take ``action`` on ``obj``: refuse it if the table does not allow it, set the state from
        the table and save ``obj`` (with every other change made to it) with ``user`` and
        ``reason`` in its history."""
        setattr(obj, self.field, self.target(obj, action))
        obj._history_user = user
        obj._change_reason = reason[:100]
        if save:
            obj.save(**save_kwargs)
        return obj
