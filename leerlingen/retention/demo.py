"""Retention on the demo board: every school starts with the terms of DOMAIN.md, and the
nightly sweep has run once, so the pupils who left in 2018-2020 (and the trajectories that
ended) stand on a destruction list awaiting the director's approval."""

from datetime import date

from ..models import Bestuur
from .rules import ensure_default_terms
from .sweep import run_sweep


def load_demo(bestuur: Bestuur) -> None:
    for school in bestuur.scholen.order_by("id"):
        ensure_default_terms(school=school)


def sweep(today: date) -> None:
    """The sweep of ``manage.py retention_sweep``, run after every app loaded its demo part."""
    run_sweep(today=today)
