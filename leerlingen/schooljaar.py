from datetime import date

from django.utils import timezone


def current_schooljaar(today: date | None = None) -> str:
    """The Dutch school year runs from 1 August to 31 July: '2026-2027'."""
    today = today or timezone.localdate()
    start = today.year if today.month >= 8 else today.year - 1
    return f"{start}-{start + 1}"


def schooljaar_start(schooljaar: str) -> date:
    return date(int(schooljaar[:4]), 8, 1)
