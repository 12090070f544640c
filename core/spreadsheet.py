"""The one CSV writer, and cells that are safe to open in a spreadsheet (CSV/formula injection).

A value that starts with ``=``, ``+``, ``-``, ``@`` (OWASP), ``|`` or ``%`` (defusedcsv), or with a
tab or carriage return (which some programs skip before reading a formula) is run as a formula
when the file is opened in Excel or LibreOffice. Every CSV the product writes goes through
``csv_bytes`` / ``csv_response``: one dialect (``;``, CRLF, a UTF-8 byte-order mark: what Dutch
spreadsheet programs open without asking) and defusedcsv's writer, with ``safe_cell`` applied
first; an XLSX cell passes through the same ``safe_cell``. The value gets a leading apostrophe,
so it is shown as the text it is. The stored data are never changed; this is done on the way out.
"""

import csv
import io
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse

from defusedcsv import csv as defused

FORMULA_START = ("=", "+", "-", "@", "|", "%", "\t", "\r")
BOM = "\ufeff"
CONTENT_TYPE = "text/csv; charset=utf-8"


class Dialect(csv.excel):
    delimiter = ";"
    lineterminator = "\r\n"


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet cell: text that would start a formula is prefixed with ``'``.

    Numbers, dates and ``None`` pass unchanged (a negative number is a number, not a formula).
    defusedcsv's writer does the same for CSV, but leaves a leading tab or carriage return and a
    negative-looking text such as ``-1`` as they are: this rule is the stricter of the two.
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]


class _Writer:
    def __init__(self, out):
        self._writer = defused.writer(out, dialect=Dialect)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow(safe_row(row))


def write_csv(out, header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> None:
    """Write the byte-order mark, the header and the rows (read as a stream) to ``out``."""
    out.write(BOM)
    writer = _Writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)


def csv_bytes(header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> bytes:
    out = io.StringIO()
    write_csv(out, header, rows)
    return out.getvalue().encode("utf-8")


def csv_response(
    filename: str, header: Iterable[Any], rows: Iterable[Iterable[Any]]
) -> HttpResponse:
    """An attachment download; the caller logs the export (``audit.export_made``)."""
    response = HttpResponse(content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    write_csv(response, header, rows)
    return response


def parse_csv(content: bytes) -> tuple[list[str], list[list[str]]]:
    """Read a file written here back (tests, and an FG checking a file against its record)."""
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), dialect=Dialect))
    return rows[0], rows[1:]
