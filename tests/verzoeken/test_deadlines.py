"""Deadline arithmetic in Europe/Amsterdam dates: four weeks, month ends, leap years, DST, extension."""

from datetime import UTC, date, datetime

import pytest
from dateutil.relativedelta import relativedelta

from verzoeken.deadlines import (
    days_left,
    extended_deadline,
    first_deadline,
    receipt_date,
    warning_day,
)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_four_weeks_after_receipt():
    assert first_deadline(date(2026, 2, 2)) == date(2026, 3, 2)
    assert first_deadline(date(2026, 3, 10), weeks=2) == date(2026, 3, 24)


@pytest.mark.parametrize(
    ("received", "deadline"),
    [
        (date(2026, 1, 31), date(2026, 2, 28)),  # over a month end
        (date(2027, 12, 20), date(2028, 1, 17)),  # over a year end
        (date(2028, 2, 10), date(2028, 3, 9)),  # leap year: 29 February counts
        (date(2027, 2, 10), date(2027, 3, 10)),  # no leap year
        (date(2028, 2, 29), date(2028, 3, 28)),  # received on the leap day
    ],
)
def test_month_ends_and_leap_years(received, deadline):
    assert first_deadline(received) == deadline


def test_receipt_date_is_the_amsterdam_date():
    # 23:30 UTC on 28 March 2026 is 00:30 on 29 March in Amsterdam (CET, the night DST starts).
    assert receipt_date(utc(2026, 3, 28, 23, 30)) == date(2026, 3, 29)
    # 22:30 UTC on 24 October 2026 is 00:30 on 25 October in Amsterdam (still CEST, +2).
    assert receipt_date(utc(2026, 10, 24, 22, 30)) == date(2026, 10, 25)
    # 23:30 UTC on 25 October 2026 is 00:30 on 26 October (CET again, +1).
    assert receipt_date(utc(2026, 10, 25, 23, 30)) == date(2026, 10, 26)
    assert receipt_date(utc(2026, 10, 25, 22, 30)) == date(2026, 10, 25)
    with pytest.raises(ValueError):
        receipt_date(datetime(2026, 1, 1, 12))


def test_dst_does_not_shift_the_deadline_or_the_days_left():
    received = receipt_date(utc(2026, 3, 28, 23, 30))  # the night clocks go forward
    deadline = first_deadline(received)
    assert deadline == date(2026, 4, 26)
    assert (
        days_left(deadline, receipt_date(utc(2026, 4, 25, 22, 30))) == 0
    )  # 00:30 on 26 April, CEST
    assert days_left(deadline, receipt_date(utc(2026, 4, 25, 21, 30))) == 1  # 23:30 on 25 April
    autumn = first_deadline(receipt_date(utc(2026, 10, 10, 12)))  # deadline after clocks go back
    assert autumn == date(2026, 11, 7)
    assert days_left(autumn, date(2026, 11, 8)) == -1


@pytest.mark.parametrize(
    ("received", "months", "deadline"),
    [
        (date(2026, 3, 3), 2, date(2026, 5, 31)),  # first deadline 31 March + 2 months
        (date(2026, 3, 3), 1, date(2026, 4, 30)),  # 31 March + 1 month: 30 April
        (date(2027, 12, 3), 2, date(2028, 2, 29)),  # 31 December + 2 months in a leap year
        (date(2026, 12, 3), 2, date(2027, 2, 28)),
        (date(2026, 1, 31), 2, date(2026, 4, 28)),  # never beyond three months after receipt
    ],
)
def test_extension_moves_the_deadline(received, months, deadline):
    assert extended_deadline(received, first_deadline(received), months=months) == deadline
    assert deadline <= received + relativedelta(months=1 + months)  # the AVG's outer limit


def test_extension_is_at_most_two_months():
    with pytest.raises(ValueError):
        extended_deadline(date(2026, 1, 1), date(2026, 1, 29), months=3)
    assert extended_deadline(date(2026, 1, 1), date(2026, 1, 29), months=0) == date(2026, 1, 29)


def test_warning_a_week_before():
    assert warning_day(date(2026, 3, 2)) == date(2026, 2, 23)
