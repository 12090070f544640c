"""Backup and restore round trip (docs/operations.md): a dump restored into a fresh database
holds every record and its history."""

import shutil
import subprocess

from django.db import connection

import psycopg
import pytest

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        shutil.which("pg_dump") is None, reason="PostgreSQL client tools not installed"
    ),
]


def table_counts(conn) -> dict[str, int]:
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def test_dump_and_restore_round_trip(world, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the backup procedure is for PostgreSQL")
    params = connection.get_connection_params()
    source = connection.settings_dict["NAME"]
    target = f"{source}_restore"
    conninfo = {k: params[k] for k in ("host", "port", "user") if params.get(k)}
    args = [
        f"--host={conninfo.get('host', '127.0.0.1')}",
        f"--port={conninfo.get('port', 5432)}",
        f"--username={conninfo.get('user', 'postgres')}",
    ]
    dump = tmp_path / "privacyschool.dump"
    subprocess.run(
        ["pg_dump", *args, "--format=custom", "--no-owner", f"--file={dump}", source], check=True
    )
    with psycopg.connect(dbname="postgres", autocommit=True, **conninfo) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{target}"')
        admin.execute(f'CREATE DATABASE "{target}"')
    try:
        subprocess.run(
            ["pg_restore", *args, "--no-owner", "--exit-on-error", f"--dbname={target}", str(dump)],
            check=True,
        )
        with (
            psycopg.connect(dbname=source, **conninfo) as original,
            psycopg.connect(dbname=target, **conninfo) as restored,
        ):
            before, after = table_counts(original), table_counts(restored)
            assert after == before
            assert after["leerlingen_leerling"] == 5 and after["leerlingen_historicalleerling"] >= 5
            row = restored.execute(
                "SELECT bsn FROM leerlingen_leerling WHERE id = %s", [world.pupils["g5"].pk]
            ).fetchone()
            assert row[0].startswith("fernet:")  # still encrypted, readable with the same key
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **conninfo) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{target}"')
