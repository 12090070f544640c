"""Key rotation round trip: every value reads the same, nothing is left under the old key or in plain text."""

from django.core.management import call_command
from django.db import connection

import pytest
from cryptography.fernet import Fernet, InvalidToken

from core import crypto
from core.management.commands.rotate_encryption_key import encrypted_columns
from leerlingen.models import DossierItem, Leerling

pytestmark = pytest.mark.django_db


def all_tokens():
    tokens = []
    with connection.cursor() as cursor:
        for model, field in encrypted_columns():
            cursor.execute(
                f'SELECT "{field.column}" FROM "{model._meta.db_table}" WHERE "{field.column}" <> \'\''
            )
            tokens += [row[0] for row in cursor.fetchall()]
    return tokens


def test_rotation_round_trip(world, settings):
    before_pupils = {p.pk: p.bsn for p in Leerling.objects.all()}
    before_items = {i.pk: i.inhoud for i in DossierItem.objects.all()}
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    tokens = all_tokens()
    assert len(tokens) > 10  # pupils, items and their history rows

    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]  # during the run: both read
    call_command("rotate_encryption_key", "--batch-size", "3", "--no-progress")
    call_command("rotate_encryption_key", "--no-progress")  # resumable and idempotent

    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key is gone
    assert {p.pk: p.bsn for p in Leerling.objects.all()} == before_pupils
    assert {i.pk: i.inhoud for i in DossierItem.objects.all()} == before_items
    rotated = all_tokens()
    assert len(rotated) == len(tokens)
    old = Fernet(old_key.encode())
    for token in rotated:
        assert token.startswith(crypto.PREFIX)
        assert crypto.is_current(token)
        with pytest.raises(InvalidToken):
            old.decrypt(token[len(crypto.PREFIX) :].encode())
    plain = set(before_pupils.values()) | set(before_items.values())
    assert not any(value in token for token in rotated for value in plain)
    # history rows read back too
    assert {h.bsn for h in Leerling.history.all()} <= set(before_pupils.values())
