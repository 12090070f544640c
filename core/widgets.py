"""Form widgets every app shares."""

from django import forms


class DateInput(forms.DateInput):
    """A browser date field (``<input type=date>``). Its value must be ISO (yyyy-mm-dd) whatever the
    language: a pre-filled date in the Dutch format (29-11-2026) is dropped by the browser, and the
    form then fails on its first submit (issue 18)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
