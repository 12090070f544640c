"""Field-level encryption (DESIGN.md §7).

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256). ``FIELD_ENCRYPTION_KEYS`` is a
list: the first key encrypts, every key decrypts, so a key can be rotated while the data are
re-encrypted in batches (``manage.py rotate_encryption_key``). A keyed hash (HMAC-SHA256 under
``FIELD_HASH_KEY``) serves lookups and uniqueness of values that must stay searchable (the BSN).
"""

import hashlib
import hmac
from functools import cache

from django.conf import settings
from django.db import models

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

PREFIX = "fernet:"


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    return PREFIX + fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token.startswith(PREFIX):
        raise ValueError("Value is not encrypted.")
    try:
        return fernet().decrypt(token[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:  # never echo the token: it may hold personal data
        raise ValueError("Encrypted value cannot be read with the configured keys.") from exc


def rotate(token: str) -> str:
    """Re-encrypt a stored token under the current primary key."""
    return PREFIX + fernet().rotate(token[len(PREFIX) :].encode()).decode()


def is_current(token: str) -> bool:
    """Whether a stored token was encrypted with the current primary key."""
    primary = Fernet(settings.FIELD_ENCRYPTION_KEYS[0].encode())
    try:
        primary.decrypt(token[len(PREFIX) :].encode())
    except InvalidToken:
        return False
    return True


def keyed_hash(value: str) -> str:
    return hmac.new(settings.FIELD_HASH_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """A text column whose database value is always a Fernet token, never the plain text."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def to_python(self, value):
        if isinstance(value, str) and value.startswith(PREFIX):
            return decrypt(value)
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)

    def get_lookup(self, lookup_name):
        # Only exact emptiness checks make sense on ciphertext.
        if lookup_name not in {"isnull"}:
            return None
        return super().get_lookup(lookup_name)


class EncryptedCharField(EncryptedTextField):
    """Same storage as EncryptedTextField, rendered as a single-line input in forms."""

    def formfield(self, **kwargs):
        from django import forms

        kwargs.setdefault("widget", forms.TextInput)
        return super().formfield(**kwargs)
