"""A query written once with the ORM and compiled to SQL once per process, then run with new values.

Django builds and compiles a queryset's SQL on every call: about half a millisecond of CPU per query
even for a lookup by id, most of a consent submission's cost in the September rush (docs/scale.md).
On the few paths that run thousands of times a minute, ``Compiled`` keeps the ORM as the one
definition of the query and skips that work: the first call builds the queryset with marker values,
compiles it and notes where each value goes among the statement's parameters; later calls execute
that statement with their own values and make the objects as the ORM would (``Model.from_db``).

Only plain equality on the arguments is supported (``field=value``): the compiled statement must
carry each value unchanged as one parameter, which the first call checks. Any other parameter is
kept as a constant, so a query with a date or time in it (such as "today") is refused: it would
be frozen at the first call. An argument given as None compiles a statement of its own
(``IS NULL``). Nothing about the rows is cached, only the SQL.
"""

from collections.abc import Callable
from datetime import date
from itertools import count

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

_markers = count(2_000_000_011, 7919)


def _marker(kind: type):
    n = next(_markers)
    if kind is int:
        return n
    if kind is str:
        return f"\x1fmarker-{n}\x1f"
    raise TypeError(f"Compiled supports int and str arguments, not {kind.__name__}")


class Compiled:
    """``Compiled(build, leerling_id=int, schooljaar=str)``: ``build(**values)`` returns the
    queryset; ``objects(**values)`` the model objects it finds (``values()``/``values_list()``
    querysets: their rows as tuples), ``first(**values)`` the first or None."""

    def __init__(self, build: Callable[..., QuerySet], **kinds: type):
        self.build = build
        self.kinds = kinds
        self._plans: dict[tuple, tuple] = {}

    def _plan(self, values: dict, using: str) -> tuple:
        nulls = tuple(sorted(name for name, value in values.items() if value is None))
        key = (using, nulls)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self._compile(nulls, using)
        return plan

    def _compile(self, nulls: tuple, using: str) -> tuple:
        markers = {
            name: None if name in nulls else _marker(kind) for name, kind in self.kinds.items()
        }
        queryset = self.build(**markers)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        by_marker = {value: name for name, value in markers.items() if value is not None}
        slots = []
        for param in params:
            name = by_marker.get(param) if isinstance(param, int | str) else None
            if name is None and isinstance(param, date):
                # A date or time in the query (such as "today") would be frozen at the first call.
                raise ValueError("a compiled query takes its dates as arguments, not as constants")
            slots.append((True, name) if name is not None else (False, param))
        missing = set(by_marker.values()) - {name for is_arg, name in slots if is_arg}
        if missing:
            raise ValueError(f"the compiled query does not carry {sorted(missing)} as parameters")
        # The fields' own conversions of what the database returns (as the ORM applies them).
        converters = list(compiler.get_converters([s[0] for s in compiler.select]).items())
        # ``_fields`` (set by values()/values_list()) is private: not in Django's stubs.
        if compiler.klass_info is not None and not queryset._fields:  # type: ignore[attr-defined]
            select = compiler.select
            fields = [select[i][0].target.attname for i in compiler.klass_info["select_fields"]]
            first = compiler.klass_info["select_fields"][0]
            annotations = list(compiler.annotation_col_map.items())
            return sql, slots, converters, queryset.model, fields, first, annotations
        return sql, slots, converters, None, None, None, None

    def rows(self, *, using: str = DEFAULT_DB_ALIAS, **values):
        sql, slots, converters, *model = self._plan(values, using)
        params = [values[value] if is_arg else value for is_arg, value in slots]
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found = cursor.fetchall()
        if converters:
            found = [list(row) for row in found]
            for row in found:
                for pos, (convs, expression) in converters:
                    value = row[pos]
                    for converter in convs:
                        value = converter(value, expression, connection)
                    row[pos] = value
        return found, *model

    def objects(self, *, using: str = DEFAULT_DB_ALIAS, **values) -> list:
        found, model, fields, first, annotations = self.rows(using=using, **values)
        if model is None:
            return found
        result = []
        for row in found:
            obj = model.from_db(using, fields, row[first : first + len(fields)])
            for name, index in annotations:
                setattr(obj, name, row[index])
            result.append(obj)
        return result

    def first(self, *, using: str = DEFAULT_DB_ALIAS, **values):
        found = self.objects(using=using, **values)
        return found[0] if found else None
