"""The rules of the breach register: the 72-hour deadline and which decision needs which reason.
Refusals are translated messages without personal data."""

import math
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import APBesluit, BetrokkenenBesluit, Datalek, Risico

WARN_AT_HOURS = (48, 12)  # e-mails to the FG and the director at these hours left


def hours_left(datalek: Datalek, now: datetime | None = None) -> int:
    """Whole hours until the AP deadline (negative once it has passed), rounded down."""
    now = now or timezone.now()
    return math.floor((datalek.deadline - now).total_seconds() / 3600)


def is_open(datalek: Datalek) -> bool:
    return datalek.ap_besluit == APBesluit.OPEN


def check_ap_decision(
    *,
    besluit: str,
    gemeld_op,
    kenmerk: str,
    niet_reden: str,
    vertraging_reden: str,
    datalek: Datalek,
) -> None:
    """Raise ``ValidationError`` unless the AP decision carries what it needs (art. 33(1), 33(5))."""
    errors = {}
    if besluit == APBesluit.GEMELD:
        if not gemeld_op:
            errors["gemeld_op"] = _("Give the date and time of the notification.")
        if not kenmerk.strip():
            errors["kenmerk"] = _("Give the reference number the AP gave the notification.")
        if gemeld_op and gemeld_op > datalek.deadline and not vertraging_reden.strip():
            errors["vertraging_reden"] = _(
                "The notification came later than 72 hours after awareness: give the reason for the delay."
            )
    elif besluit == APBesluit.NIET_GEMELD:
        if not niet_reden.strip():
            errors["niet_reden"] = _(
                "Give the reason why the breach is unlikely to result in a risk."
            )
        if datalek.risico in (Risico.RISICO, Risico.HOOG):
            errors["besluit"] = _(
                "The risk assessment finds a risk: a breach with a risk is notified to the AP."
            )
    else:
        errors["besluit"] = _("Choose a decision.")
    if errors:
        raise ValidationError(errors)


def check_people_decision(*, besluit: str, niet_reden: str, datalek: Datalek) -> None:
    """Raise ``ValidationError`` unless the art. 34 decision carries what it needs."""
    if besluit == BetrokkenenBesluit.NIET and not niet_reden.strip():
        raise ValidationError(
            {"niet_reden": _("Give the reason not to tell the people concerned.")}
        )
    if besluit == BetrokkenenBesluit.INFORMEREN and not datalek.leerlingen.exists():
        raise ValidationError(
            {"besluit": _("Link the pupils concerned first: the letters go to their families.")}
        )
    if besluit not in (BetrokkenenBesluit.INFORMEREN, BetrokkenenBesluit.NIET):
        raise ValidationError({"besluit": _("Choose a decision.")})
