"""Cells that are safe to open in a spreadsheet (CSV/formula injection, OWASP).

A value that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some
programs skip before reading a formula) is run as a formula when the file is opened in Excel or
LibreOffice. Every CSV or XLSX the product writes passes its text cells through ``safe_cell``:
the value gets a leading apostrophe, so it is shown as the text it is. The stored data are never
changed; this is done on the way out.
"""

from collections.abc import Iterable
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet cell: text that would start a formula is prefixed with ``'``.

    Numbers, dates and ``None`` pass unchanged (a negative number is a number, not a formula).
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]
