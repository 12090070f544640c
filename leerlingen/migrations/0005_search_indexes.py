"""Name search that uses an index at national scale (DESIGN.md §9).

The admin's search on surname and given name is a case-insensitive substring match
(``UPPER(col) LIKE UPPER('%term%')``), which no b-tree can answer: over 2.5 million pupils it
would read every row. A trigram index on the same expressions answers it. PostgreSQL only; the
embedded SQLite demo is small enough to scan.
"""

from django.db import migrations

INDEXES = [
    ("leerling_achternaam_trgm", "leerlingen_leerling", "achternaam"),
    ("leerling_roepnaam_trgm", "leerlingen_leerling", "roepnaam"),
    ("ouder_achternaam_trgm", "leerlingen_ouder", "achternaam"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("leerlingen", "0004_pupil_import")]

    operations = [migrations.RunPython(create, drop)]
