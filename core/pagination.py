"""Counting for list pages at national scale (DESIGN.md §9).

A list page shows how many rows it holds. Counting a board's 40,000 pupils, or the country's
2.5 million for an administrator, on every page view costs time that grows with the rows. The
paginator counts exactly up to ``EXACT_UP_TO`` rows (a bounded amount of work) and above that
takes PostgreSQL's own estimate from the query plan, which costs the same at any size.
"""

import json

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property

EXACT_UP_TO = 5_000


def planner_estimate(queryset) -> int | None:
    """The number of rows PostgreSQL expects ``queryset`` to return (no rows are read)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


class BoundedCountPaginator(Paginator):
    """Exact up to ``EXACT_UP_TO`` rows, the planner's estimate beyond (``is_estimate`` says
    which)."""

    is_estimate = False

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if not isinstance(queryset, QuerySet):
            return super().count
        capped = queryset.order_by()[: EXACT_UP_TO + 1].count()
        if capped <= EXACT_UP_TO:
            return capped
        estimate = planner_estimate(queryset)
        if estimate is None:  # SQLite (the demo): small enough to count
            return super().count
        self.is_estimate = True
        return max(estimate, capped)


def paginate(request, object_list, per_page: int = 50, *, param: str = "pagina"):
    """The page a list page shows (``?pagina=``), from the one paginator: a bounded count, and a
    number out of range or not a number gives the nearest page, never an error."""
    return BoundedCountPaginator(object_list, per_page).get_page(request.GET.get(param))
