"""Amounts of money as the reader's language writes them: ``{{ amount|euro }}`` gives "€ 22,50" in
Dutch (with a non-breaking space, so the sign never ends a line) and "€ 22.50" in English."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()

NBSP = "\u00a0"


def format_euro(amount) -> str:
    """An amount in euros with two decimals, localised, after "€" and a non-breaking space."""
    if amount in (None, ""):
        return ""
    return f"€{NBSP}{number_format(Decimal(str(amount)), decimal_pos=2)}"


@register.filter
def euro(amount) -> str:
    return format_euro(amount)
