"""Restriction of processing (AVG art. 18): a fact every app must honour.

A pupil whose processing is restricted is kept, but their data are not used or disclosed. The
register owns the question; the requests app, which records the restrictions (``Beperking``),
plugs in where they are in its ``AppConfig.ready()`` (``register_source``). Disclosures and every
export that uses pupil data ask here, never the requests app.

A restriction may cover only some data categories (``categorieen``; empty: all the pupil's data),
as a restriction request decided per category does: the processing under a legal duty goes on.
Asked with ``categorieen`` (the categories a disclosure or export would use), only the
restrictions covering one of them count; asked without, every restriction counts.
"""

import operator
from collections.abc import Callable
from functools import reduce
from typing import Any

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, QuerySet, Value

# Each source returns a queryset of the active restrictions, rows with a ``leerling_id`` and
# ``categorieen`` (a JSON list of data categories; empty: all).
_sources: list[Callable[[], QuerySet]] = []

FLAG = "beperking_actief"  # the annotation of ``with_restriction_flag``


def register_source(source: Callable[[], QuerySet]) -> None:
    """Register ``source()``: the active restrictions (rows with a ``leerling_id``) of an app."""
    if source not in _sources:
        _sources.append(source)


def _covered_ids(rows: QuerySet, categorieen) -> set[int]:
    """The pupils of the restrictions among ``rows`` that cover one of ``categorieen`` (None:
    every row). Matched here rather than in SQL, as SQLite (the embedded default) has no JSON
    containment; the rows are a pupil's or a page's active restrictions, one query per source."""
    pairs = rows.values_list("leerling_id", "categorieen")
    if categorieen is None:
        return {leerling_id for leerling_id, _ in pairs}
    wanted = set(categorieen)
    return {leerling_id for leerling_id, covered in pairs if not covered or wanted & set(covered)}


def is_restricted(leerling, categorieen=None) -> bool:
    """Whether processing of this pupil's data (of one of ``categorieen``) is restricted.

    A pupil loaded through ``with_restriction_flag`` answers from its annotation, so checking a
    whole group costs no query per pupil (a query only for a pupil with a restriction, when the
    categories are asked).
    """
    flag = getattr(leerling, FLAG, None)
    if flag is not None and (categorieen is None or not flag):
        return flag
    pk = getattr(leerling, "pk", leerling)
    return any(_covered_ids(source().filter(leerling_id=pk), categorieen) for source in _sources)


def restricted_ids(leerling_ids, categorieen=None) -> set[int]:
    """The ids among ``leerling_ids`` whose processing (of one of ``categorieen``) is restricted
    (one query per source)."""
    ids = list(leerling_ids)
    found: set[int] = set()
    for source in _sources:
        found |= _covered_ids(source().filter(leerling_id__in=ids), categorieen)
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
