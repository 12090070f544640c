"""Set-based SQL that runs on both databases the product supports (PostgreSQL, and SQLite for
the embedded default): a condition on a list of ids."""

from collections.abc import Iterable, Iterator
from typing import Any

# SQLite allows 32,766 parameters in a statement; stay far below it.
_SQLITE_CHUNK = 900


def array_literal(values: Iterable) -> str:
    """A PostgreSQL array literal (``{1,2,3}``) of ``values``: sent as one text parameter that
    the server reads as an array of the column's type (or of the type it is cast to). psycopg
    adapts a Python list element by element in Python (about 5x the CPU for a few hundred ids).
    None is NULL; anything else but an int or a bool is quoted as its ``str()``."""
    values = list(values)
    if set(map(type, values)) <= {int}:
        return "{" + ",".join(map(str, values)) + "}"
    out = []
    for v in values:
        if v is None:
            out.append("NULL")
        elif isinstance(v, bool):
            out.append("true" if v else "false")
        elif isinstance(v, int):
            out.append(str(v))
        else:
            out.append('"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"')
    return "{" + ",".join(out) + "}"


def id_conditions(connection: Any, column_sql: str, ids: Iterable) -> Iterator[tuple[str, list]]:
    """(``WHERE`` condition, parameters) pairs that together cover ``ids``: one condition with an
    array on PostgreSQL (a statement does not grow with the list), chunks of ``IN (…)`` elsewhere.
    ``column_sql`` is a quoted column name from a model's ``_meta``, never user input."""
    ids = list(ids)
    if not ids:
        return
    if connection.vendor == "postgresql":
        yield f"{column_sql} = ANY(%s)", [array_literal(ids)]
        return
    for start in range(0, len(ids), _SQLITE_CHUNK):
        chunk = ids[start : start + _SQLITE_CHUNK]
        yield f"{column_sql} IN ({', '.join(['%s'] * len(chunk))})", chunk


def ordered_list_sql(connection: Any, column: str, source: str) -> str:
    """A scalar subquery: ``column`` of every row of ``source`` (a table or CTE name), in order,
    comma-separated as one text. PostgreSQL's ``string_agg`` and SQLite's ``group_concat`` (over
    an ordered subquery: SQLite before 3.44 takes no ``ORDER BY`` inside the aggregate)."""
    if connection.vendor == "postgresql":
        return f"(SELECT string_agg({column}::text, ',' ORDER BY {column}) FROM {source})"
    return (
        f"(SELECT group_concat({column}, ',') FROM "
        f"(SELECT {column} FROM {source} ORDER BY {column}))"
    )
