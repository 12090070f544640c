"""Bulk loading with PostgreSQL's COPY, history rows included.

A ``Table`` names a model and the fields each row gives, in order. Rows are buffered as tuples
and written with one COPY per flush; the model's simple-history table gets the same values
with ``history_type`` '+' (created), as if the rows had been saved one by one. Primary keys are
taken from the table's own sequence in one block (``reserve_ids``), so the generator can link
rows to each other before they are written.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime

from django.db import connection
from django.db.models import JSONField, Model
from django.utils import timezone

from psycopg.types.json import Jsonb

CHANGE_REASON = "generate_scale"
RESERVE_LOCK = 7_311_011  # advisory lock key for id reservations


def reserve_ids(model: type[Model], count: int) -> int:
    """Take ``count`` consecutive ids from the model's sequence; returns the first.

    Several generator processes reserve at once: an advisory lock makes each block whole
    (``nextval`` and ``setval`` are atomic one by one, not together). Nothing else may be
    writing the table meanwhile: generate_scale is for a database of its own.
    """
    if count <= 0:
        return 0
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [RESERVE_LOCK])
        try:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, %s), nextval(pg_get_serial_sequence(%s, %s)) + %s - 1)",
                [table, pk, table, pk, count],
            )
            last = cursor.fetchone()[0]
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [RESERVE_LOCK])
    return last - count + 1


def history_model(model: type[Model]):
    manager = getattr(model, "history", None)
    return getattr(manager, "model", None) if manager is not None else None


class Table:
    """Rows for one model (and its history), written with COPY."""

    def __init__(
        self,
        model: type[Model],
        fields: list[str],
        *,
        history: bool = True,
        history_date: datetime | None = None,
    ):
        self.model = model
        opts = model._meta
        given = [opts.get_field(name) for name in fields]
        # Every other column gets the field's default, as a save would (COPY knows no Django defaults).
        rest = [f for f in opts.concrete_fields if f not in given and not f.primary_key]
        # Rows given without their id get one from the sequence when written (history needs it).
        self.numbered = opts.pk not in given
        self.columns = (
            [opts.pk.column] * self.numbered + [f.column for f in given] + [f.column for f in rest]
        )
        # JSON values are written as JSON (psycopg would write a Python list as an array).
        self.json_index = [i for i, f in enumerate(given) if isinstance(f, JSONField)]
        self.tail = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
        self.rows: list[tuple] = []
        self.written = 0
        self.history = history_model(model) if history else None
        self.history_date = history_date or timezone.now()
        if self.history is not None:
            hist_columns = {f.column for f in self.history._meta.concrete_fields}
            # Fields the history leaves out (a hash, a document's contents) are left out here too.
            self.history_index = [i for i, col in enumerate(self.columns) if col in hist_columns]
            self.history_columns = [self.columns[i] for i in self.history_index] + [
                "history_date",
                "history_change_reason",
                "history_type",
                "history_user_id",
            ]

    def add(self, row: tuple) -> None:
        if self.json_index:
            row = tuple(Jsonb(v) if i in self.json_index else v for i, v in enumerate(row))
        self.rows.append(row + self.tail)

    def flush(self, cursor) -> int:
        if not self.rows:
            return 0
        if self.numbered:
            first = reserve_ids(self.model, len(self.rows))
            self.rows = [(first + i, *row) for i, row in enumerate(self.rows)]
        table = connection.ops.quote_name(self.model._meta.db_table)
        cols = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        with cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            for row in self.rows:
                copy.write_row(row)
        if self.history is not None:
            # The history rows are copied by the server from the rows just written: no second pass here.
            q = connection.ops.quote_name
            cols = ", ".join(q(c) for c in self.history_columns[:-4])
            pk = q(self.model._meta.pk.column)
            cursor.execute(
                f"INSERT INTO {q(self.history._meta.db_table)} ({cols}, history_date, history_change_reason, "
                f"history_type, history_user_id) SELECT {cols}, %s, %s, '+', NULL FROM {table} "
                f"WHERE {pk} IN (SELECT unnest(%s::bigint[]))",
                [self.history_date, CHANGE_REASON, [row[0] for row in self.rows]],
            )
        count = len(self.rows)
        self.written += count
        self.rows = []
        return count


def flush_all(tables: list[Table], *, skip_triggers: bool = False) -> int:
    """Write every buffered row, parents before children (the order of ``tables``).

    With ``skip_triggers`` (a superuser only) the foreign-key triggers stay off for this
    transaction: the generator links rows by construction, and checking millions of deferred
    references one by one at commit would take most of the load time.
    """
    total = 0
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # the psycopg cursor, for COPY
        if skip_triggers:
            cursor.execute("SET LOCAL session_replication_role = replica")
        for table in tables:
            total += table.flush(cursor)
    return total


def is_superuser() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('is_superuser') = 'on'")
        return cursor.fetchone()[0]


@contextmanager
def indexes_built_after(models: list[type[Model]]):
    """Drop the secondary indexes of these tables (and their history) while loading; build them after.

    Building an index over loaded rows is many times faster than keeping it up to date row by
    row. Constraints (primary keys, plain unique constraints) stay; partial unique indexes are
    rebuilt, which checks the loaded rows against them. The definitions are taken from the
    database itself and restored even when the load fails.
    """
    tables = []
    for model in models:
        tables.append(model._meta.db_table)
        if (hist := history_model(model)) is not None:
            tables.append(hist._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
            "AND i.tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            [tables],
        )
        definitions = cursor.fetchall()
        for name, _definition in definitions:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '1GB'")
            for _name, definition in definitions:
                cursor.execute(definition)
