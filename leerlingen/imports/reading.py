"""Step 1 of an import: reading the file.

The file is a CSV (UTF-8 or Windows-1252 text) or an XLSX (a zip with the workbook structure,
checked for zip bombs before it is opened). A file that cannot be used raises
``ImportFileError``; nothing is stored.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from . import formats
from .values import cell_text

MAX_BYTES = settings.PUPIL_IMPORT_MAX_BYTES
MAX_ROWS = settings.PUPIL_IMPORT_MAX_ROWS
XLSX_MAX_UNCOMPRESSED = 300 * 1024 * 1024
XLSX_MAX_RATIO = (
    150  # a member of more than 1 MB may be at most this many times its compressed size
)
XLSX_MAX_MEMBERS = 2_000


class ImportFileError(Exception):
    """The file as a whole cannot be used. The message is safe to show: no personal data."""


@dataclass
class Table:
    kind: str  # "csv" or "xlsx"
    headers: list[str]
    rows: list[tuple[int, list[Any]]]  # (row number in the file, cells)
    encoding: str = ""


def check_upload(data: bytes) -> str:
    """The file's type by its content: ``"csv"`` or ``"xlsx"``; raises ``ImportFileError``."""
    if not data:
        raise ImportFileError(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            _(
                "The file is too large: at most %(mb)s MB. Split the export per school or per year group."
            )
            % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    if data[:4] == b"PK\x03\x04":
        _check_xlsx(data)
        return "xlsx"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportFileError(
            _(
                "This is an old Excel file (.xls) or a password-protected workbook. Save it as .xlsx or CSV without a password."
            )
        )
    _decode(data)  # raises if it is not text
    return "csv"


def _check_xlsx(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ImportFileError(_("The file looks like a zip archive but cannot be opened.")) from exc
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise ImportFileError(
            _("This zip file is not an Excel workbook (.xlsx). Upload the export as .xlsx or CSV.")
        )
    if len(members) > XLSX_MAX_MEMBERS:
        raise ImportFileError(
            _("This workbook has too many parts to be an export. Save it again as .xlsx or CSV.")
        )
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise ImportFileError(_("This workbook is encrypted. Save it without a password."))
        total += member.file_size
        if member.file_size > 1024 * 1024 and member.file_size > XLSX_MAX_RATIO * max(
            member.compress_size, 1
        ):
            raise ImportFileError(
                _(
                    "This workbook unpacks to far more than its size (a zip bomb?). It was not opened."
                )
            )
    if total > XLSX_MAX_UNCOMPRESSED:
        raise ImportFileError(
            _("This workbook unpacks to more than %(mb)s MB. It was not opened.")
            % {"mb": XLSX_MAX_UNCOMPRESSED // (1024 * 1024)}
        )


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _decode(data: bytes) -> tuple[str, str]:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise ImportFileError(
            _("This text file is in UTF-16. Save the export as CSV in UTF-8 (or Windows) encoding.")
        )
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = [("utf-8-sig", data)]
    else:
        candidates = [("utf-8", data), ("cp1252", data)]
    for encoding, raw in candidates:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _CONTROL.search(text):
            break
        return text, encoding
    raise ImportFileError(
        _(
            "The file cannot be read: it is not an Excel workbook (.xlsx) and not a CSV text file in UTF-8 or Windows encoding."
        )
    )


def read_table(data: bytes, kind: str | None = None) -> Table:
    kind = kind or check_upload(data)
    table = _read_xlsx(data) if kind == "xlsx" else _read_csv(data)
    if not table.headers:
        raise ImportFileError(_("The file has no header row with column names."))
    return table


def _read_csv(data: bytes) -> Table:
    text, encoding = _decode(data)
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((";", "\t", ",", "|"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _table("csv", enumerate(reader, start=1), encoding)
    except csv.Error as exc:
        raise ImportFileError(
            _("The CSV file cannot be read (%(reason)s).") % {"reason": "csv"}
        ) from exc


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        # data_only=False: a formula is read as its text, never evaluated.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for broken files
        raise ImportFileError(
            _("The Excel workbook cannot be read. Open it in Excel, save it again and retry.")
        ) from exc
    try:
        aliases = formats.key_column_aliases()
        chosen = workbook.worksheets[0]
        for sheet in workbook.worksheets:
            head = list(sheet.iter_rows(min_row=1, max_row=10, values_only=True))
            if any(
                formats.normalise_header(c) in aliases for row in head for c in row if c is not None
            ):
                chosen = sheet
                break
        return _table("xlsx", enumerate(chosen.iter_rows(values_only=True), start=1))
    except ImportFileError:
        raise
    except Exception as exc:
        raise ImportFileError(
            _("The Excel workbook cannot be read. Open it in Excel, save it again and retry.")
        ) from exc
    finally:
        workbook.close()


def _table(kind: str, records: Iterable[tuple[int, Any]], encoding: str = "") -> Table:
    """Find the header row (the first of the first ten rows naming a pupil-number column) and
    collect the rows after it.

    ``records`` is read as a stream (the csv reader, openpyxl's read-only ``iter_rows``): at the
    first non-empty row over ``MAX_ROWS`` reading stops with an ``ImportFileError`` naming the
    limit and the row, so a file that is too long is refused before the rest of it is parsed.
    """
    aliases = formats.key_column_aliases()
    nonempty = ((n, list(row)) for n, row in records if any(cell_text(c) for c in row))
    head: list[tuple[int, list]] = []
    for record in nonempty:
        head.append(record)
        if len(head) == 10:
            break
    if not head:
        return Table(kind, [], [], encoding)
    header_at = 0
    for i, (_n, row) in enumerate(head):
        if any(formats.normalise_header(c) in aliases for c in row if c is not None):
            header_at = i
            break
    headers = [cell_text(c) for c in head[header_at][1]]
    while headers and not headers[-1]:
        headers.pop()
    rows = head[header_at + 1 :]
    if len(rows) <= MAX_ROWS:
        for record in nonempty:
            rows.append(record)
            if len(rows) > MAX_ROWS:
                break
    if len(rows) > MAX_ROWS:
        raise ImportFileError(
            _(
                "The file has more than %(n)s rows: reading stopped at row %(row)s. "
                "Split the export, for example per school or per year group."
            )
            % {"n": MAX_ROWS, "row": rows[MAX_ROWS][0]}
        )
    return Table(kind, headers, rows, encoding)


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
