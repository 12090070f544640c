"""Re-encrypt every encrypted column (history tables included) under the current primary key.

Procedure (docs/operations.md): put the new key first in FIELD_ENCRYPTION_KEY and keep the old
one after it ("NEW,OLD"), restart, run this command, then remove the old key. Values stay
readable throughout, since every listed key decrypts. The command works in batches in primary
key order, commits each batch, and skips tokens already under the new key: stopped halfway,
it resumes where it was.
"""

from django.apps import apps
from django.core.management import BaseCommand
from django.db import connection, transaction

from tqdm import tqdm

from core import crypto


def encrypted_columns():
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, crypto.EncryptedTextField):
                yield model, field


class Command(BaseCommand):
    help = (
        "Re-encrypt all encrypted fields under the first key of FIELD_ENCRYPTION_KEY (resumable)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, batch_size: int, no_progress: bool, **options):
        totals = {}
        for model, field in encrypted_columns():
            totals[f"{model._meta.db_table}.{field.column}"] = self.rotate_column(
                model, field, batch_size, no_progress
            )
        rotated = sum(totals.values())
        for column, count in totals.items():
            self.stdout.write(f"  {column}: {count} re-encrypted")
        self.stdout.write(
            self.style.SUCCESS(f"Done: {rotated} values re-encrypted under the current key.")
        )

    def rotate_column(self, model, field, batch_size: int, no_progress: bool) -> int:
        table = connection.ops.quote_name(model._meta.db_table)
        column = connection.ops.quote_name(field.column)
        pk = connection.ops.quote_name(model._meta.pk.column)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE {column} <> ''")  # noqa: S608 - names are quoted identifiers
            total = cursor.fetchone()[0]
        rotated, last_pk = 0, None
        with tqdm(
            total=total,
            desc=f"{model._meta.db_table}.{field.column}",
            disable=no_progress,
            unit="row",
        ) as bar:
            while True:
                where = f"{column} <> ''" + (f" AND {pk} > %s" if last_pk is not None else "")
                params: list[int | str] = [last_pk] if last_pk is not None else []
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT {pk}, {column} FROM {table} WHERE {where} ORDER BY {pk} LIMIT %s",  # noqa: S608
                        [*params, batch_size],
                    )
                    rows = cursor.fetchall()
                    if not rows:
                        break
                    updates = [
                        (crypto.rotate(token), row_pk)
                        for row_pk, token in rows
                        if not crypto.is_current(token)
                    ]
                    if updates:
                        # Raw UPDATE on purpose: the value does not change, only its encryption,
                        # so no history row is written (and none would be true).
                        cursor.executemany(
                            f"UPDATE {table} SET {column} = %s WHERE {pk} = %s", updates
                        )  # noqa: S608
                    rotated += len(updates)
                    last_pk = rows[-1][0]
                    bar.update(len(rows))
        return rotated
