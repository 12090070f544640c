"""Retention on the demo board: every school starts with the terms of DOMAIN.md, so that
``manage.py retention_sweep`` puts the pupils who left in 2018-2020 on a destruction list."""

from ..models import Bestuur
from .rules import ensure_default_terms


def load_demo(bestuur: Bestuur) -> None:
    for school in bestuur.scholen.order_by("id"):
        ensure_default_terms(school=school)
