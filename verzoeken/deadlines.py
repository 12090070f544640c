"""Deadline arithmetic, in Europe/Amsterdam dates (DOMAIN.md § Rights and requests).

- The school answers within four weeks after receipt (seed 003; a school setting), stricter than
  the AVG's one month.
- An extension (AVG art. 12(3)) adds at most two months to the first deadline, never beyond three
  months after receipt; 31 March plus two months is 31 May, 31 December plus two months is
  28 (or 29) February.
- The date of receipt is the Amsterdam calendar date of the moment of receipt, whatever the
  server's clock or the daylight-saving change.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from dateutil.relativedelta import relativedelta

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DEFAULT_WEEKS = 4
MAX_EXTENSION_MONTHS = 2
WARN_DAYS_BEFORE = 7


def receipt_date(moment: datetime) -> date:
    """The Amsterdam date of an aware moment (an e-mail at 23:30 UTC on 28 March is 29 March)."""
    if timezone.is_naive(moment):
        raise ValueError("receipt_date needs an aware datetime")
    return moment.astimezone(AMSTERDAM).date()


def today_amsterdam(now: datetime | None = None) -> date:
    return receipt_date(now or timezone.now())


def first_deadline(received: date, *, weeks: int = DEFAULT_WEEKS) -> date:
    return received + timedelta(weeks=weeks)


def extended_deadline(received: date, first: date, *, months: int) -> date:
    """The deadline after an extension of ``months`` (0–2) from the first deadline."""
    if not 0 <= months <= MAX_EXTENSION_MONTHS:
        raise ValueError("An extension is at most two months.")
    if months == 0:
        return first
    return min(first + relativedelta(months=months), received + relativedelta(months=1 + months))


def days_left(deadline: date, today: date | None = None) -> int:
    """Days until the deadline: 0 on the day itself, negative when overdue."""
    return (deadline - (today or today_amsterdam())).days


def warning_day(deadline: date) -> date:
    """The handler is warned a week before the deadline."""
    return deadline - timedelta(days=WARN_DAYS_BEFORE)
