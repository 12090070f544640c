import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def bsn_is_valid(value: str) -> bool:
    """The eleven-test (elfproef) of a BSN or education number: nine digits, weights 9..2 and -1."""
    if not re.fullmatch(r"[0-9]{9}", value or ""):
        return False
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    total = sum(int(d) * w for d, w in zip(value, weights, strict=True))
    return total % 11 == 0 and value != "000000000"


def validate_bsn(value: str) -> None:
    # The message never repeats the value: a BSN must not end up in a log or error page.
    if not bsn_is_valid(value):
        raise ValidationError(
            _("This is not a valid BSN/PGN: it must be nine digits and pass the eleven-test."),
            code="bsn",
        )


def validate_schooljaar(value: str) -> None:
    match = re.fullmatch(r"([0-9]{4})-([0-9]{4})", value or "")
    if not match or int(match[2]) != int(match[1]) + 1:
        raise ValidationError(
            _("A school year is written as two consecutive years, e.g. 2026-2027."),
            code="schooljaar",
        )
