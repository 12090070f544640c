"""Restriction of processing (AVG art. 18): a fact every app must honour.

A pupil whose processing is restricted is kept, but their data are not used or disclosed. The
register owns the question; the requests app, which records the restrictions (``Beperking``),
plugs in where they are in its ``AppConfig.ready()`` (``register_source``). Disclosures and every
export that uses pupil data ask here, never the requests app.
"""

import operator
from collections.abc import Callable
from functools import reduce
from typing import Any

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, QuerySet, Value

# Each source returns a queryset of the active restrictions, rows with a ``leerling_id``.
_sources: list[Callable[[], QuerySet]] = []

FLAG = "beperking_actief"  # the annotation of ``with_restriction_flag``


def register_source(source: Callable[[], QuerySet]) -> None:
    """Register ``source()``: the active restrictions (rows with a ``leerling_id``) of an app."""
    if source not in _sources:
        _sources.append(source)


def is_restricted(leerling) -> bool:
    """Whether processing of this pupil's data is restricted (a pupil or its id).

    A pupil loaded through ``with_restriction_flag`` answers from its annotation, so checking a
    whole group costs no query per pupil.
    """
    flag = getattr(leerling, FLAG, None)
    if flag is not None:
        return flag
    pk = getattr(leerling, "pk", leerling)
    return any(source().filter(leerling_id=pk).exists() for source in _sources)


def restricted_ids(leerling_ids) -> set[int]:
    """The ids among ``leerling_ids`` whose processing is restricted (one query per source)."""
    ids = list(leerling_ids)
    found: set[int] = set()
    for source in _sources:
        found.update(source().filter(leerling_id__in=ids).values_list("leerling_id", flat=True))
    return found


def with_restriction_flag(leerlingen_qs: QuerySet) -> QuerySet:
    """Annotate ``beperking_actief`` on a pupil queryset (read by ``is_restricted``)."""
    flags = [Exists(source().filter(leerling_id=OuterRef("pk"))) for source in _sources]
    flag: Any
    if not flags:
        flag = Value(False)
    elif len(flags) == 1:
        flag = flags[0]
    else:
        flag = ExpressionWrapper(reduce(operator.or_, flags), output_field=BooleanField())
    return leerlingen_qs.annotate(**{FLAG: flag})


def exclude_restricted(leerlingen_qs: QuerySet) -> QuerySet:
    """A pupil queryset without the restricted pupils: for every export that uses pupil data."""
    for source in _sources:
        leerlingen_qs = leerlingen_qs.exclude(id__in=source().values("leerling_id"))
    return leerlingen_qs
