"""The registry of retention producers: for every retention category (``Bewaarcategorie``) the
function that finds the records of a school whose term has run out (DESIGN.md §4).

The register imports no feature app: each app registers the producers of its own records from
its ``AppConfig.ready`` with ``register_producer``, as it registers its erasure hooks
(``leerlingen.erasure.register_hook``). A producer is called as
``producer(*, school, termijn, today)`` and yields ``RetentionCandidate``s; ``termijn`` is the
school's ``Bewaartermijn`` of that category (the default one when the school has none yet).

A category with a term in the privacy statement but no producer is a promise no code keeps:
``missing_producers`` names them, and a test fails on any.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Model

from .models import Bewaarcategorie


@dataclass(frozen=True)
class RetentionCandidate:
    """A record whose term has run out.

    ``leerling_id``: the pupil the record belongs to (legal holds are checked on it).
    ``goes_with_pupil``: the record is erased with its pupil (a dossier item, a consent
    decision), so it is not listed on its own when the whole pupil record is listed.
    ``extern``: the record stands for data kept in another system (a recording on the school's
    own share): the product cannot delete it, its owner confirms the deletion.
    """

    model: type[Model]
    object_id: int
    categorie: str
    vervaldatum: date
    leerling_id: int | None = None
    goes_with_pupil: bool = False
    extern: bool = False


Producer = Callable[..., Iterable[RetentionCandidate]]
_producers: dict[str, list[Producer]] = {}


def register_producer(categorie: str, producer: Producer) -> None:
    """Register ``producer`` for ``categorie`` (from an ``AppConfig.ready``). Registering the same
    function twice is a no-op, so a second ``ready()`` (tests) adds nothing."""
    if categorie not in Bewaarcategorie.values:
        raise ValueError(f"unknown retention category {categorie!r}")
    registered = _producers.setdefault(categorie, [])
    if producer not in registered:
        registered.append(producer)


def producers(categorie: str) -> list[Producer]:
    return list(_producers.get(categorie, ()))


def missing_producers(categories: Iterable[str] | None = None) -> list[str]:
    """The categories (all by default) that no app produces candidates for."""
    return [
        c
        for c in (categories if categories is not None else Bewaarcategorie.values)
        if not _producers.get(c)
    ]
