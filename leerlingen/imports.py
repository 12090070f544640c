"""Import and re-sync of pupils and guardians from an administration export (issue 9).

The steps, each a function the admin, the command and the tests call:

1. ``check_upload`` and ``read_table``: the file is a CSV (UTF-8 or Windows-1252 text) or an XLSX
   (a zip with the workbook structure, checked for zip bombs before it is opened). A file that
   cannot be used raises ``ImportFileError``; nothing is stored.
2. ``build_plan``: every row is checked and compared with the register. The plan holds the
   errors (row, column, what is wrong: never a BSN or a name) and what an import would create,
   change and mark as left, field by field. Nothing is written.
3. ``apply_plan``: one transaction, in batches, with history for exactly what changes and the
   importing user on every history row. Refused while the plan has errors, unless the user
   explicitly skips the bad rows.

The pupil number is the key within the school. Guardians are matched on the pupil's existing
custody relations (by name, then e-mail, then relation); a guardian shared by siblings in the
file becomes one record. A guardian linked to a pupil of another school of the board is never
changed or merged by an import (``_plan_guardians``). Pupils who were in the school's previous
import and are not in this file get their leaving date (the import date), which starts their
retention clock.
"""

from __future__ import annotations

import base64
import contextlib
import csv
import gc
import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from privacyschool.crypto import keyed_hash

from . import import_formats as formats
from .models import Geslacht, Gezagsrelatie, Groep, Leerling, Ouder, Relatie, School
from .models_import import Bronsysteem, Importprofiel, Leerlingimport
from .schooljaar import current_schooljaar
from .validators import bsn_is_valid

MAX_BYTES = getattr(settings, "PUPIL_IMPORT_MAX_BYTES", 25 * 1024 * 1024)
MAX_ROWS = getattr(settings, "PUPIL_IMPORT_MAX_ROWS", 100_000)
XLSX_MAX_UNCOMPRESSED = 300 * 1024 * 1024
XLSX_MAX_RATIO = 150  # a member of more than 1 MB may be at most this many times its compressed size
XLSX_MAX_MEMBERS = 2_000
BATCH_SIZE = 2_000
ERROR_LIMIT = 1_000  # errors listed; more are counted

BACKGROUND_ROWS = getattr(settings, "PUPIL_IMPORT_BACKGROUND_ROWS", 2_000)  # larger files import in a Celery task

Progress = Callable[..., Any]


class StoredProgress:
    """Progress of a background import, kept in Redis (outside the import's transaction) for the
    status page. A ``progress`` callable for ``build_plan``/``apply_plan``, like tqdm. Without
    Redis (the embedded demo runs tasks in-process) it records nothing.
    """

    TTL = 15 * 60  # a key that is not refreshed for this long means the worker is gone
    EVERY = 500

    def __init__(self, run_id: int):
        self.key = f"privacyschool:pupil-import:{run_id}"
        self.phase, self.done, self.total = "", 0, 0
        self._redis = None
        if settings.REDIS_URL:
            import redis

            self._redis = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2)

    def _store(self) -> None:
        if self._redis is None:
            return
        try:
            self._redis.hset(self.key, mapping={"phase": self.phase, "done": self.done, "total": self.total})
            self._redis.expire(self.key, self.TTL)
        except Exception:  # progress is a courtesy: an import never fails on it
            pass

    def start(self) -> None:
        self.phase = "queued"
        self._store()

    def clear(self) -> None:
        if self._redis is not None:
            try:
                self._redis.delete(self.key)
            except Exception:
                pass

    def read(self) -> dict[str, Any] | None:
        if self._redis is None:
            return None
        try:
            raw = self._redis.hgetall(self.key)
        except Exception:
            return None
        if not raw:
            return None
        values = {k.decode(): v.decode() for k, v in raw.items()}
        return {"phase": values.get("phase", ""), "done": int(values.get("done", 0)), "total": int(values.get("total", 0))}

    def __call__(self, iterable=None, *, total: int | None = None, **kwargs):
        if iterable is not None:  # checking the rows
            self.phase, self.done, self.total = "check", 0, total or len(iterable)
            self._store()
            return self._counting(iterable)
        self.phase, self.done, self.total = "write", 0, total or 0
        self._store()
        return self

    def _counting(self, iterable):
        for item in iterable:
            yield item
            self.done += 1
            if self.done % self.EVERY == 0:
                self._store()

    def update(self, n: int) -> None:
        self.done += n
        self._store()

    def close(self) -> None:
        self._store()


class ImportFileError(Exception):
    """The file as a whole cannot be used. The message is safe to show: no personal data."""


class ImportRefused(Exception):
    """The plan may not be applied (errors, or the register changed since the preview)."""


class NotWaiting(ImportRefused):
    """The run was already imported, cancelled or replaced (e.g. a repeated background task)."""


# --- 1. Reading --------------------------------------------------------------------------


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
            _("The file is too large: at most %(mb)s MB. Split the export per school or per year group.")
            % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    if data[:4] == b"PK\x03\x04":
        _check_xlsx(data)
        return "xlsx"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportFileError(
            _("This is an old Excel file (.xls) or a password-protected workbook. Save it as .xlsx or CSV without a password.")
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
        raise ImportFileError(_("This zip file is not an Excel workbook (.xlsx). Upload the export as .xlsx or CSV."))
    if len(members) > XLSX_MAX_MEMBERS:
        raise ImportFileError(_("This workbook has too many parts to be an export. Save it again as .xlsx or CSV."))
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise ImportFileError(_("This workbook is encrypted. Save it without a password."))
        total += member.file_size
        if member.file_size > 1024 * 1024 and member.file_size > XLSX_MAX_RATIO * max(member.compress_size, 1):
            raise ImportFileError(_("This workbook unpacks to far more than its size (a zip bomb?). It was not opened."))
    if total > XLSX_MAX_UNCOMPRESSED:
        raise ImportFileError(_("This workbook unpacks to more than %(mb)s MB. It was not opened.") % {"mb": XLSX_MAX_UNCOMPRESSED // (1024 * 1024)})


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _decode(data: bytes) -> tuple[str, str]:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise ImportFileError(_("This text file is in UTF-16. Save the export as CSV in UTF-8 (or Windows) encoding."))
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
        _("The file cannot be read: it is not an Excel workbook (.xlsx) and not a CSV text file in UTF-8 or Windows encoding.")
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
        raise ImportFileError(_("The CSV file cannot be read (%(reason)s).") % {"reason": "csv"}) from exc


def _read_xlsx(data: bytes) -> Table:
    try:
        from openpyxl import load_workbook
    except ImportError as exc:  # pragma: no cover - openpyxl is a dependency
        raise ImportFileError(_("Excel files cannot be read on this server; upload a CSV export.")) from exc
    try:
        # data_only=False: a formula is read as its text, never evaluated.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for broken files
        raise ImportFileError(_("The Excel workbook cannot be read. Open it in Excel, save it again and retry.")) from exc
    try:
        aliases = formats.key_column_aliases()
        chosen = workbook.worksheets[0]
        for sheet in workbook.worksheets:
            head = list(sheet.iter_rows(min_row=1, max_row=10, values_only=True))
            if any(formats.normalise_header(c) in aliases for row in head for c in row if c is not None):
                chosen = sheet
                break
        return _table("xlsx", enumerate(chosen.iter_rows(values_only=True), start=1))
    except ImportFileError:
        raise
    except Exception as exc:
        raise ImportFileError(_("The Excel workbook cannot be read. Open it in Excel, save it again and retry.")) from exc
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
    nonempty = ((n, list(row)) for n, row in records if any(_text(c) for c in row))
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
    headers = [_text(c) for c in head[header_at][1]]
    while headers and not headers[-1]:
        headers.pop()
    rows = head[header_at + 1 :]
    if len(rows) <= MAX_ROWS:
        for record in nonempty:
            rows.append(record)
            if len(rows) > MAX_ROWS:
                break
    if len(rows) > MAX_ROWS:
        raise ImportFileError(_(
            "The file has more than %(n)s rows: reading stopped at row %(row)s. "
            "Split the export, for example per school or per year group."
        ) % {"n": MAX_ROWS, "row": rows[MAX_ROWS][0]})
    return Table(kind, headers, rows, encoding)


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- Values ------------------------------------------------------------------------------


class BadValue(ValueError):
    """A cell that cannot be used. The message never holds the value."""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    return " ".join(str(value).split())


DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y%m%d", "%d-%m-%Y %H:%M", "%d-%m-%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")


def parse_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        result = value.date()
    elif isinstance(value, date):
        result = value
    elif isinstance(value, int | float) and 1 < value < 80_000:  # an Excel serial day number
        result = date(1899, 12, 30) + timedelta(days=int(value))
    else:
        text = _text(value)
        if not text:
            return None
        match = _DMY.fullmatch(text) or _YMD.fullmatch(text)
        if match:  # the common forms, without strptime's cost (40,000 rows have 80,000 dates)
            parts = match.groupdict()
            try:
                result = date(int(parts["y"]), int(parts["m"]), int(parts["d"]))
            except ValueError as exc:
                raise BadValue(_("not a date; write it as dd-mm-yyyy")) from exc
            return _plausible(result)
        for fmt in DATE_FORMATS:
            try:
                result = datetime.strptime(text, fmt).date()
                break
            except ValueError:
                continue
        else:
            raise BadValue(_("not a date; write it as dd-mm-yyyy"))
    return _plausible(result)


_DMY = re.compile(r"(?P<d>[0-9]{1,2})([-/.])(?P<m>[0-9]{1,2})\2(?P<y>[0-9]{4})")
_YMD = re.compile(r"(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})")


def _plausible(result: date) -> date:
    if not 1900 <= result.year <= 2100:
        raise BadValue(_("not a plausible date (year before 1900 or after 2100)"))
    return result


def parse_bsn(value: Any) -> str:
    text = str(int(value)) if isinstance(value, int | float) else re.sub(r"[\s.\-]", "", _text(value))
    if not text:
        return ""
    if re.fullmatch(r"[0-9]{8}", text):  # a spreadsheet dropped the leading zero
        text = "0" + text
    if not bsn_is_valid(text):
        raise BadValue(_("not a valid BSN/PGN: it must be nine digits and pass the eleven-test"))
    return text


GESLACHT = {
    Geslacht.MAN: {"m", "man", "mannelijk", "j", "jongen", "male"},
    Geslacht.VROUW: {"v", "vrouw", "vrouwelijk", "meisje", "f", "female", "w"},
    Geslacht.ONBEKEND: {"", "o", "x", "u", "onbekend", "overig", "anders", "neutraal", "unknown", "other"},
}
RELATIE = {
    Relatie.MOEDER: {"moeder", "mother", "mama"},
    Relatie.VADER: {"vader", "father", "papa"},
    Relatie.VOOGD: {"voogd", "gezinsvoogd", "guardian", "voogdij"},
    Relatie.VERZORGER: {"verzorger", "verzorgster", "ouder", "ouder verzorger", "carer", "stiefmoeder", "stiefvader", "grootouder", "oma", "opa"},
    Relatie.PLEEGOUDER: {"pleegouder", "pleegmoeder", "pleegvader", "foster parent"},
}
JA = {"ja", "j", "yes", "y", "1", "true", "waar", "x", "wel"}
NEE = {"nee", "n", "no", "0", "false", "onwaar", "geen", "niet"}


def _lookup(table: dict, value: Any) -> str | None:
    key = formats.normalise_header(_text(value))
    for result, spellings in table.items():
        if key in spellings:
            return str(result)
    return None


def parse_geslacht(value: Any) -> str:
    result = _lookup(GESLACHT, value)
    if result is None:
        raise BadValue(_("unknown sex; use M, V or O"))
    return result


def parse_relatie(value: Any) -> str:
    if not _text(value):
        return ""
    result = _lookup(RELATIE, value)
    if result is None:
        raise BadValue(_("unknown relation; use moeder, vader, voogd, verzorger or pleegouder"))
    return result


def parse_bool(value: Any) -> bool | None:
    key = _text(value).lower()
    if not key:
        return None
    if key in JA:
        return True
    if key in NEE:
        return False
    raise BadValue(_("use ja or nee"))


def parse_email(value: Any) -> str:
    text = _text(value)
    if text:
        try:
            validate_email(text)
        except ValidationError as exc:
            raise BadValue(_("not a valid e-mail address")) from exc
    return text


def parse_postcode(value: Any) -> str:
    text = _text(value).upper()
    compact = text.replace(" ", "")
    return compact if re.fullmatch(r"[1-9][0-9]{3}[A-Z]{2}", compact) else text


def parse_telefoon(value: Any) -> str:
    if isinstance(value, int | float) and len(str(int(value))) == 9:  # a spreadsheet dropped the leading zero
        return "0" + str(int(value))
    return _text(value)


def mask_bsn(value: str) -> str:
    """A BSN as it may be shown: only the last three digits."""
    return "••••••" + value[-3:] if value else ""


@contextlib.contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector while hundreds of thousands of model instances are made.

    With it on, every collection rescans all live instances and a 40,000-pupil import takes
    twice as long (measured: tests/bench/test_import_bench.py). Reference counting still frees
    memory; the collector runs again afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# --- 2. The plan -------------------------------------------------------------------------


@dataclass
class RowError:
    row: int | None  # None: the file as a whole
    column: str = ""
    letter: str = ""
    message: str = ""

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if self.column:
            return _("Row %(row)s, column “%(column)s” (%(letter)s): %(message)s") % {
                "row": self.row, "column": self.column, "letter": self.letter, "message": self.message,
            }
        return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}


@dataclass
class FieldChange:
    field: str
    label: str
    old: str
    new: str


@dataclass
class RecordChange:
    ref: str  # pupil number, or the guardian's id
    name: str
    changes: list[FieldChange]
    obj: Any = None
    fields: set[str] = field(default_factory=set)


@dataclass
class Plan:
    school: School
    mapping: dict[str, str]
    rows_total: int = 0
    fatal: list[RowError] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    bad_rows: set[int] = field(default_factory=set)
    numbers_in_file: list[str] = field(default_factory=list)
    new_pupils: list[Leerling] = field(default_factory=list)
    changed_pupils: list[RecordChange] = field(default_factory=list)
    unchanged_pupils: int = 0
    leavers: list[Leerling] = field(default_factory=list)
    first_import: bool = True
    not_in_file: int = 0  # enrolled, not in this file and not in a previous import: left alone
    new_ouders: list[Ouder] = field(default_factory=list)
    changed_ouders: list[RecordChange] = field(default_factory=list)
    unchanged_ouders: int = 0
    new_relaties: list[Gezagsrelatie] = field(default_factory=list)
    changed_relaties: list[RecordChange] = field(default_factory=list)
    relaties_not_in_file: int = 0
    # Guardians kept apart from another school of the board (issue 15): row and reason.
    guardian_notices: list[RowError] = field(default_factory=list)
    digest: str = ""

    @property
    def ok(self) -> bool:
        return not self.fatal and not self.errors

    @property
    def importable(self) -> bool:
        """Whether the plan can be applied when the bad rows are skipped."""
        return not self.fatal

    def counts(self) -> dict[str, int]:
        return {
            "aantal_rijen": self.rows_total,
            "aantal_fouten": len(self.bad_rows),
            "leerlingen_nieuw": len(self.new_pupils),
            "leerlingen_gewijzigd": len(self.changed_pupils),
            "leerlingen_ongewijzigd": self.unchanged_pupils,
            "leerlingen_vertrokken": len(self.leavers),
            "ouders_nieuw": len(self.new_ouders),
            "ouders_gewijzigd": len(self.changed_ouders),
            "ouders_ongewijzigd": self.unchanged_ouders,
            "relaties_nieuw": len(self.new_relaties),
            "relaties_gewijzigd": len(self.changed_relaties),
        }

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if error.row is not None:
            self.bad_rows.add(error.row)
        if len(self.errors) < ERROR_LIMIT:
            self.errors.append(error)


@dataclass
class _Row:
    row: int
    nummer: str
    values: dict[str, Any]  # field key -> parsed value (only mapped fields)
    failed: set[str] = field(default_factory=set)  # field keys whose cell could not be used


LEERLING_ATTRS = (
    "voornamen", "roepnaam", "tussenvoegsel", "achternaam", "geboortedatum", "geslacht", "bsn", "nationaliteit",
    "geboorteplaats", "straat", "huisnummer", "postcode", "woonplaats", "telefoon", "email", "eck_id",
    "groep_id", "datum_inschrijving", "datum_uitschrijving",
)
PARSERS: dict[str, Callable[[Any], Any]] = {
    "date": parse_date, "bsn": parse_bsn, "geslacht": parse_geslacht, "email": parse_email,
    "postcode": parse_postcode, "relatie": parse_relatie, "bool": parse_bool, "telefoon": parse_telefoon,
}


def _max_length(model, attr: str) -> int | None:
    try:
        return model._meta.get_field(attr).max_length
    except Exception:
        return None


def missing_columns(mapping: dict[str, str]) -> list[formats.Field]:
    """Required fields the mapping has no column for (the import cannot start without them)."""
    missing = [f for f in formats.LEERLING_FIELDS if f.required and f.key not in mapping]
    if "roepnaam" not in mapping and "voornamen" not in mapping:
        missing.append(formats.FIELDS_BY_KEY["roepnaam"])
    for slot in formats.SLOTS:
        if any(f.key in mapping for f in formats.OUDER_FIELDS[slot]) and f"ouder{slot}_achternaam" not in mapping:
            missing.append(formats.FIELDS_BY_KEY[f"ouder{slot}_achternaam"])
    return missing


def _display(attr: str, value: Any, groepen: dict[int, str]) -> str:
    if value is None or value == "":
        return "—"
    if attr == "bsn":
        return mask_bsn(value)
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    if attr == "groep_id":
        return groepen.get(value, str(value))
    if attr == "geslacht":
        return str(Geslacht(value).label)
    if attr == "relatie":
        return str(Relatie(value).label)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _label(attr: str) -> str:
    if attr == "groep_id":
        return str(Leerling._meta.get_field("groep").verbose_name)
    for model in (Leerling, Ouder, Gezagsrelatie):
        try:
            return str(model._meta.get_field(attr).verbose_name)
        except Exception:
            continue
    return attr


def _initial(values: dict[str, Any]) -> str:
    first = (values.get("voornaam") or values.get("voorletters") or "").strip()
    return first[:1].lower()


def _name_key(values: dict[str, Any]) -> tuple[str, str]:
    return ((values.get("achternaam") or "").lower(), _initial(values))


def _identity(o: Ouder) -> dict[str, Any]:
    return {"achternaam": o.achternaam, "voornaam": o.voornaam, "voorletters": o.voorletters, "email": o.email}


def _noop(iterable: Iterable, **kwargs):
    return iterable


def build_plan(
    *,
    school: School,
    table: Table,
    mapping: dict[str, str],
    today: date | None = None,
    progress: Progress | None = None,
) -> Plan:
    """Check every row and compare it with the register. Writes nothing."""
    with _gc_paused():
        return _build_plan(school=school, table=table, mapping=mapping, today=today, progress=progress)


def _build_plan(*, school, table, mapping, today, progress) -> Plan:
    progress = progress or _noop
    today = today or timezone.localdate()
    mapping = formats.resolve(mapping, table.headers)
    plan = Plan(school=school, mapping=mapping, rows_total=len(table.rows))
    column_index = {h: i for i, h in reversed(list(enumerate(table.headers)))}

    for f in missing_columns(mapping):
        plan.fatal.append(RowError(None, message=_(
            "The file has no column for “%(field)s”. Choose the column in the column mapping, or export it from the administration system."
        ) % {"field": f.verbose}))
    if plan.fatal:
        return plan

    groepen = {
        " ".join(g.naam.lower().split()): g
        for g in Groep.objects.filter(school=school, schooljaar=current_schooljaar(today))
    }
    groep_names = {g.pk: g.naam for g in groepen.values()}

    def find_groep(name: str) -> Groep | None:
        key = " ".join(name.lower().split())
        return groepen.get(key) or groepen.get(f"groep {key}") or groepen.get(f"klas {key}")

    # Parse every row: (field key, column index, header, parser, max length)
    columns = []
    for key, header in mapping.items():
        f = formats.FIELDS_BY_KEY[key]
        model = Ouder if f.is_ouder and f.target in formats.OUDER_ATTRS else Leerling
        max_length = None if f.kind in ("date", "bool", "relatie", "groep", "geslacht") else _max_length(model, f.target)
        columns.append((key, column_index[header], header, PARSERS.get(f.kind, _text), max_length, f.kind))

    rows: list[_Row] = []
    for number, cells in progress(table.rows, desc=_("Checking rows"), unit=_("rows")):
        values: dict[str, Any] = {}
        failed: set[str] = set()
        for key, index, header, parser, max_length, kind in columns:
            raw = cells[index] if index < len(cells) else None
            try:
                value = parser(raw)
                if max_length and isinstance(value, str) and len(value) > max_length:
                    raise BadValue(_("too long: at most %(n)s characters") % {"n": max_length})
                if kind == "groep" and value:
                    groep = find_groep(value)
                    if groep is None:
                        raise BadValue(_(
                            "the group “%(groep)s” does not exist at this school in school year %(jaar)s; create it first"
                        ) % {"groep": value, "jaar": current_schooljaar(today)})
                    value = groep.pk
            except BadValue as exc:
                plan.add_error(RowError(number, header, column_letter(index), str(exc)))
                failed.add(key)
                continue
            values[key] = value
        rows.append(_Row(number, values.get("leerlingnummer", ""), values, failed))

    def err(row: _Row, key: str, message: str) -> None:
        header = mapping.get(key, "")
        plan.add_error(RowError(row.row, header, column_letter(column_index[header]) if header else "", message))

    # Row rules: required values, names, guardians without a name, dates in order.
    for row in rows:
        v = row.values
        if not row.nummer and "leerlingnummer" not in row.failed:
            err(row, "leerlingnummer", _("the pupil number is empty"))
        if not v.get("achternaam") and "achternaam" not in row.failed:
            err(row, "achternaam", _("the surname is empty"))
        if not v.get("roepnaam") and not v.get("voornamen") and not row.failed & {"roepnaam", "voornamen"}:
            err(row, "roepnaam" if "roepnaam" in mapping else "voornamen", _("the first name is empty"))
        if v.get("geboortedatum") is None and "geboortedatum" not in row.failed:
            err(row, "geboortedatum", _("the date of birth is empty"))
        elif v.get("geboortedatum") and v["geboortedatum"] > today:
            err(row, "geboortedatum", _("the date of birth lies in the future"))
        if v.get("datum_uitschrijving") and v.get("datum_inschrijving") and v["datum_uitschrijving"] < v["datum_inschrijving"]:
            err(row, "datum_uitschrijving", _("the leaving date lies before the enrolment date"))
        for slot in formats.SLOTS:
            keys = [f.key for f in formats.OUDER_FIELDS[slot] if f.key in v]
            has_data = any(v[k] not in ("", None) for k in keys if not k.endswith(("relatie", "heeft_gezag")))
            if has_data and not v.get(f"ouder{slot}_achternaam") and f"ouder{slot}_achternaam" not in row.failed:
                err(row, f"ouder{slot}_achternaam", _("guardian %(n)s has no surname") % {"n": slot})

    # Pupil numbers: unique within the file.
    by_number: dict[str, list[_Row]] = {}
    for row in rows:
        if row.nummer:
            by_number.setdefault(row.nummer, []).append(row)
    for dupes in by_number.values():
        if len(dupes) > 1:
            for row in dupes:
                others = ", ".join(str(r.row) for r in dupes if r is not row)
                err(row, "leerlingnummer", _("this pupil number is also in row %(rows)s") % {"rows": others})
    plan.numbers_in_file = sorted(by_number)

    existing = {p.leerlingnummer: p for p in Leerling.objects.filter(school=school)}

    # BSN: unique within the file and within the school.
    if "bsn" in mapping:
        hashes: dict[str, list[_Row]] = {}
        for row in rows:
            if row.values.get("bsn"):
                hashes.setdefault(keyed_hash(row.values["bsn"]), []).append(row)
        file_hash_by_number = {r.nummer: h for h, rs in hashes.items() for r in rs}
        for same in hashes.values():
            if len(same) > 1:
                for row in same:
                    others = ", ".join(str(r.row) for r in same if r is not row)
                    err(row, "bsn", _("this BSN/PGN is also in row %(rows)s") % {"rows": others})
        owner_by_hash = {p.bsn_hash: p.leerlingnummer for p in existing.values() if p.bsn_hash}
        for h, same in hashes.items():
            owner = owner_by_hash.get(h)
            if owner is None or len(same) > 1:
                continue
            row = same[0]
            if owner != row.nummer and file_hash_by_number.get(owner, h) == h:
                err(row, "bsn", _("this BSN/PGN belongs to another pupil of the school (pupil number %(nummer)s)") % {"nummer": owner})

    good = [r for r in rows if r.row not in plan.bad_rows]
    bad_numbers = {r.nummer for r in rows if r.row in plan.bad_rows}

    # --- pupils --------------------------------------------------------------------------
    digest: list[str] = []
    pupil_by_number: dict[str, Leerling] = {}
    for row in good:
        v = row.values
        wanted = _pupil_values(v, mapping)
        current = existing.get(row.nummer)
        if current is None:
            pupil = Leerling(school=school, leerlingnummer=row.nummer, **{a: x for a, x in wanted.items()})
            if not pupil.datum_inschrijving:
                pupil.datum_inschrijving = today
            plan.new_pupils.append(pupil)
            pupil_by_number[row.nummer] = pupil
            digest.append(f"L+|{row.nummer}|" + "|".join(f"{a}={_digestable(a, x)}" for a, x in sorted(wanted.items())))
            continue
        changes = []
        for attr, new in wanted.items():
            if attr == "datum_inschrijving" and new is None:
                continue
            old = getattr(current, attr)
            if (old or None) != (new or None):
                changes.append(FieldChange(attr, _label(attr), _display(attr, old, groep_names), _display(attr, new, groep_names)))
        if "datum_uitschrijving" not in mapping and current.datum_uitschrijving:
            changes.append(FieldChange("datum_uitschrijving", _label("datum_uitschrijving"), _display("datum_uitschrijving", current.datum_uitschrijving, {}), "—"))
            wanted["datum_uitschrijving"] = None
        pupil_by_number[row.nummer] = current
        if changes:
            fields = {c.field for c in changes}
            for attr in fields:
                setattr(current, attr, wanted[attr])
            if "bsn" in fields:
                current.set_bsn_hash()
                fields.add("bsn_hash")
            plan.changed_pupils.append(RecordChange(row.nummer, current.volledige_naam, changes, current, fields))
            digest.append(f"L~|{row.nummer}|" + "|".join(f"{a}={_digestable(a, wanted[a])}" for a in sorted(fields - {'bsn_hash'})))
        else:
            plan.unchanged_pupils += 1

    previous = (
        Leerlingimport.objects.filter(school=school, status=Leerlingimport.Status.INGELEZEN)
        .order_by("-uitgevoerd_op").values_list("leerlingnummers", flat=True).first()
    )
    plan.first_import = previous is None
    in_file = set(by_number) | bad_numbers
    previous_numbers = set(previous or [])
    for nummer, pupil in existing.items():
        if nummer in in_file or pupil.datum_uitschrijving:
            continue
        if nummer in previous_numbers:
            plan.leavers.append(pupil)
            digest.append(f"L-|{nummer}")
        else:
            plan.not_in_file += 1
    plan.leavers.sort(key=lambda p: (p.achternaam, p.leerlingnummer))

    # --- guardians -----------------------------------------------------------------------
    def locate(key: str) -> tuple[str, str]:
        header = mapping.get(key, "")
        return header, column_letter(column_index[header]) if header else ""

    _plan_guardians(plan, good, mapping, pupil_by_number, existing, digest, locate)

    plan.errors.sort(key=lambda e: (e.row or 0, len(e.letter), e.letter))
    plan.digest = hashlib.sha256("\n".join(digest + [f"bad|{sorted(plan.bad_rows)}"]).encode()).hexdigest()
    return plan


def _digestable(attr: str, value: Any) -> str:
    return keyed_hash(value) if attr == "bsn" and value else str(value)


def _pupil_values(v: dict[str, Any], mapping: dict[str, str]) -> dict[str, Any]:
    """The Leerling attributes a row sets (mapped columns only)."""
    wanted: dict[str, Any] = {}
    for key in formats.FIELDS_BY_KEY:
        if key in v and not formats.FIELDS_BY_KEY[key].is_ouder and key not in ("leerlingnummer", "huisnummer_toevoeging"):
            wanted["groep_id" if key == "groep" else key] = v[key]
    if "groep" in mapping and not v.get("groep"):
        wanted["groep_id"] = None
    if "roepnaam" in wanted or "voornamen" in wanted:
        roepnaam = v.get("roepnaam") or (v.get("voornamen") or "").split(" ")[0]
        wanted["roepnaam"] = roepnaam
        wanted["voornamen"] = v.get("voornamen") or roepnaam
    if v.get("huisnummer_toevoeging") and "huisnummer" in wanted:
        extra = v["huisnummer_toevoeging"]
        wanted["huisnummer"] = f"{wanted['huisnummer']}{extra}" if extra[:1].isalpha() else f"{wanted['huisnummer']}-{extra}"
    if "geslacht" in wanted and not wanted["geslacht"]:
        wanted["geslacht"] = Geslacht.ONBEKEND
    if "datum_inschrijving" in wanted and wanted["datum_inschrijving"] is None:
        del wanted["datum_inschrijving"]
    return wanted


def _plan_guardians(
    plan: Plan, good: list[_Row], mapping, pupil_by_number, existing, digest: list[str], locate
) -> None:
    """Match the file's guardians with the register and plan their records and custody relations.

    An import belongs to one school, and a guardian record (``Ouder``) belongs to the board. The
    safe rule (issue 15): **an import never changes, and never links a new pupil to, a guardian
    who is linked to a pupil outside the importing school.**

    - The pupil's own custody relations are matched first (name, then e-mail, then relation).
      Such a relation is kept, but if its guardian is also linked to a pupil of another school,
      the guardian's details are not changed: the row gets a notice instead.
    - A guardian who is not one of the pupil's own is looked up in the board by e-mail address,
      surname and first initial. That record is reused only when it is linked to pupils of the
      importing school and of no other school (a sibling's parent). Name plus e-mail never
      merges a record of another school, nor an unlinked one: the row gets a new record for this
      school, with a notice that says only that such a guardian exists elsewhere in the board.
    - Notices never name anything of the other school (not the school, the pupil or a value).
    """
    school = plan.school
    existing_ids = [p.pk for p in existing.values()]
    relations: dict[int, list[Gezagsrelatie]] = {}
    for rel in Gezagsrelatie.objects.filter(leerling__school=school).select_related("ouder") if existing_ids else []:
        relations.setdefault(rel.leerling_id, []).append(rel)
    shared = _linked_elsewhere(school) if relations else set()

    def notice(row: _Row, slot: int, key: str, message: str) -> None:
        header, letter = locate(f"ouder{slot}_{key}")
        plan.guardian_notices.append(RowError(row.row, header, letter, message))

    # What each row says about its guardians.
    slots: list[tuple[_Row, int, dict[str, Any], dict[str, Any]]] = []
    for row in good:
        for slot in formats.SLOTS:
            o = {a: row.values[f"ouder{slot}_{a}"] for a in formats.OUDER_ATTRS if f"ouder{slot}_{a}" in row.values}
            if not o.get("achternaam"):
                continue
            r = {a: row.values[f"ouder{slot}_{a}"] for a in formats.RELATIE_ATTRS if f"ouder{slot}_{a}" in row.values}
            slots.append((row, slot, o, r))

    def file_key(row: _Row, o: dict[str, Any]) -> tuple:
        where = (o.get("email") or "").lower() or f"{o.get('postcode', '')}{o.get('huisnummer', '')}".strip()
        if not where:
            where = f"{row.values.get('postcode', '')}{row.values.get('huisnummer', '')}" or f"row{row.row}"
        return (*_name_key(o), where)

    resolved: dict[tuple, Ouder] = {}  # file key -> Ouder (existing or new)
    token: dict[int, str] = {}  # a stable name for a new guardian in the fingerprint
    assignment: dict[tuple[int, int], Ouder] = {}  # (row, slot) -> Ouder

    # Pass 1: the pupil's own relations.
    for row, slot, o, r in slots:
        pupil = existing.get(row.nummer)
        if pupil is None:
            continue
        taken = {assignment[(row.row, s)].pk for s in formats.SLOTS if (row.row, s) in assignment}
        candidates = [rel for rel in relations.get(pupil.pk, []) if rel.ouder_id not in taken]
        match = _match(o, r, candidates)
        if match is not None:
            assignment[(row.row, slot)] = match.ouder
            if match.ouder_id not in shared:  # no other row reaches a shared record by its key
                resolved.setdefault(file_key(row, o), match.ouder)

    # Pass 2: a guardian already known from another row, or at another school of the board.
    emails = {(o.get("email") or "").lower() for row, slot, o, r in slots if (row.row, slot) not in assignment} - {""}
    board_by_email: dict[tuple, list[Ouder]] = {}
    schools_of: dict[int, set[int]] = {}  # board guardian -> the schools of their pupils
    if emails:
        for ouder in Ouder.objects.annotate(e=Lower("email")).filter(bestuur_id=school.bestuur_id, e__in=emails):
            board_by_email.setdefault((ouder.email.lower(), *_name_key(_identity(ouder))), []).append(ouder)
        found_ids = [o.pk for found in board_by_email.values() for o in found]
        links = Gezagsrelatie.objects.filter(ouder_id__in=found_ids)
        for ouder_id, school_id in links.values_list("ouder_id", "leerling__school_id"):
            schools_of.setdefault(ouder_id, set()).add(school_id)
    for row, slot, o, _r in slots:
        if (row.row, slot) in assignment:
            continue
        key = file_key(row, o)
        ouder = resolved.get(key)
        if ouder is None and o.get("email"):
            found = board_by_email.get((o["email"].lower(), *_name_key(o)), [])
            own = [f for f in found if schools_of.get(f.pk) == {school.pk}]
            ouder = own[0] if len(own) == 1 else None
            if ouder is None and any(schools_of.get(f.pk, set()) - {school.pk} for f in found):
                notice(row, slot, "email", _(
                    "a guardian with this e-mail address and name exists at another school of the "
                    "board; that record is not changed or linked, a separate record is made for "
                    "this school"
                ))
        if ouder is not None and any(assignment.get((row.row, s)) is ouder for s in formats.SLOTS):
            ouder = None  # both slots of one row never become one guardian
        if ouder is None:
            ouder = Ouder(bestuur_id=school.bestuur_id, **o)
            plan.new_ouders.append(ouder)
            token[id(ouder)] = f"new{len(plan.new_ouders)}"
            digest.append(f"O+|{token[id(ouder)]}|" + "|".join(f"{a}={x}" for a, x in sorted(o.items())))
        resolved[key] = ouder
        assignment[(row.row, slot)] = ouder

    # Guardian changes: the first row that names an existing guardian decides.
    seen: set[int] = set()
    for row, slot, o, _r in slots:
        ouder = assignment[(row.row, slot)]
        if ouder.pk is None or ouder.pk in seen:
            continue
        seen.add(ouder.pk)
        changes = [
            FieldChange(a, _label(a), _display(a, getattr(ouder, a), {}), _display(a, new, {}))
            for a, new in o.items()
            if (getattr(ouder, a) or "") != (new or "")
        ]
        if changes and ouder.pk in shared:
            notice(row, slot, "achternaam", _(
                "this guardian is also linked to a pupil of another school of the board, so the "
                "import does not change their details (%(fields)s); the custody relation is kept"
            ) % {"fields": ", ".join(c.label for c in changes)})
            plan.unchanged_ouders += 1
        elif changes:
            name = str(ouder)
            for c in changes:
                setattr(ouder, c.field, o[c.field])
            plan.changed_ouders.append(RecordChange(str(ouder.pk), name, changes, ouder, {c.field for c in changes}))
            digest.append(f"O~|{ouder.pk}|" + "|".join(f"{c.field}={o[c.field]}" for c in changes))
        else:
            plan.unchanged_ouders += 1

    # Custody relations.
    by_pair = {(rel.ouder_id, rel.leerling_id): rel for rels in relations.values() for rel in rels}
    used: set[int] = set()
    for row, slot, _o, r in slots:
        ouder = assignment[(row.row, slot)]
        pupil = pupil_by_number[row.nummer]
        rel = by_pair.get((ouder.pk, pupil.pk)) if ouder.pk and pupil.pk else None
        if rel is None:
            new = Gezagsrelatie(
                ouder=ouder, leerling=pupil,
                relatie=r.get("relatie") or Relatie.VERZORGER,
                heeft_gezag=True if r.get("heeft_gezag") is None else r["heeft_gezag"],
            )
            plan.new_relaties.append(new)
            digest.append(f"R+|{row.nummer}|{ouder.pk or token[id(ouder)]}|{new.relatie}|{new.heeft_gezag}")
            continue
        used.add(rel.pk)
        wanted = {a: x for a, x in r.items() if x not in ("", None)}
        changes = [
            FieldChange(a, _label(a), _display(a, getattr(rel, a), {}), _display(a, x, {}))
            for a, x in wanted.items() if getattr(rel, a) != x
        ]
        if changes:
            for a, x in wanted.items():
                setattr(rel, a, x)
            plan.changed_relaties.append(RecordChange(row.nummer, f"{ouder} – {pupil.volledige_naam}", changes, rel, set(wanted)))
            digest.append(f"R~|{rel.pk}|" + "|".join(f"{a}={x}" for a, x in sorted(wanted.items())))
    file_pupils = {pupil_by_number[r.nummer].pk for r in good if pupil_by_number[r.nummer].pk}
    if any(k.startswith("ouder") for k in mapping):
        plan.relaties_not_in_file = sum(
            1 for rels in relations.values() for rel in rels if rel.leerling_id in file_pupils and rel.pk not in used
        )


def _linked_elsewhere(school: School) -> set[int]:
    """Ids of the guardians of this school's pupils who are also linked to a pupil elsewhere."""
    own = Gezagsrelatie.objects.filter(leerling__school=school).values("ouder_id")
    elsewhere = Gezagsrelatie.objects.filter(ouder_id__in=own).exclude(leerling__school=school)
    return set(elsewhere.values_list("ouder_id", flat=True))


def _match(o: dict[str, Any], r: dict[str, Any], candidates: list[Gezagsrelatie]) -> Gezagsrelatie | None:
    """The existing relation a guardian column set means: same name, else same e-mail, else same relation."""
    tests = [
        lambda rel: _name_key(_identity(rel.ouder)) == _name_key(o),
        lambda rel: bool(o.get("email")) and rel.ouder.email.lower() == o["email"].lower(),
        lambda rel: bool(r.get("relatie")) and rel.relatie == r["relatie"],
    ]
    for test in tests:
        found = [rel for rel in candidates if test(rel)]
        if len(found) == 1:
            return found[0]
    return None


# --- 3. Applying -------------------------------------------------------------------------


def _batches(items: list, size: int = BATCH_SIZE):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def apply_plan(
    *,
    plan: Plan,
    run: Leerlingimport,
    user,
    skip_bad_rows: bool = False,
    today: date | None = None,
    progress: Progress | None = None,
) -> Leerlingimport:
    """Write the plan in one transaction, with history for exactly what changes."""
    if plan.fatal:
        raise ImportRefused(_("The file cannot be imported: %(reason)s") % {"reason": plan.fatal[0]})
    if plan.errors and not skip_bad_rows:
        raise ImportRefused(_("The file has rows with errors. Fix the file, or choose to skip the bad rows."))
    today = today or timezone.localdate()
    user = user if user is not None and user.is_authenticated else None
    reason = f"pupil import {run.pk}"
    history = {"default_user": user, "default_change_reason": reason}
    total = (
        len(plan.new_ouders) + len(plan.new_pupils) + len(plan.changed_pupils) + len(plan.leavers)
        + len(plan.changed_ouders) + len(plan.new_relaties) + len(plan.changed_relaties)
    )
    bar = (progress or _noop)(None, total=total, desc=_("Importing"), unit=_("records")) if progress else None

    def step(n: int) -> None:
        if bar is not None:
            bar.update(n)

    def tag(objs):
        for obj in objs:
            obj._history_user = user
        return objs

    try:
        with _gc_paused(), transaction.atomic():
            School.objects.select_for_update().filter(pk=plan.school.pk).first()
            for batch in _batches(tag(plan.new_ouders)):
                bulk_create_with_history(batch, Ouder, batch_size=BATCH_SIZE, **history)
                step(len(batch))
            for pupil in plan.new_pupils:
                pupil.set_bsn_hash()
            for batch in _batches(tag(plan.new_pupils)):
                bulk_create_with_history(batch, Leerling, batch_size=BATCH_SIZE, **history)
                step(len(batch))
            _update(plan.changed_pupils, Leerling, history, step, user)
            for pupil in plan.leavers:
                pupil.datum_uitschrijving = today
            for batch in _batches(tag(plan.leavers)):
                bulk_update_with_history(batch, Leerling, ["datum_uitschrijving"], batch_size=BATCH_SIZE, **history)
                step(len(batch))
            _update(plan.changed_ouders, Ouder, history, step, user)
            for batch in _batches(tag(plan.new_relaties)):
                bulk_create_with_history(batch, Gezagsrelatie, batch_size=BATCH_SIZE, **history)
                step(len(batch))
            _update(plan.changed_relaties, Gezagsrelatie, history, step, user)

            for name, value in plan.counts().items():
                setattr(run, name, value)
            run.overgeslagen_rijen = len(plan.bad_rows)
            run.status = Leerlingimport.Status.INGELEZEN
            run.bestand = ""
            run.leerlingnummers = plan.numbers_in_file
            run.plan_digest = plan.digest
            run.uitgevoerd_door = user
            run.uitgevoerd_op = timezone.now()
            run._history_user = user
            run.save()
    except IntegrityError as exc:
        # e.g. a BSN that another pupil holds once the bad rows are skipped: nothing was written.
        raise ImportRefused(_("The import conflicts with the register (a pupil number or BSN/PGN is already in use). Nothing was imported.")) from exc
    finally:
        if bar is not None and hasattr(bar, "close"):
            bar.close()
    return run


def _update(changes: list[RecordChange], model, history: dict, step, user) -> None:
    """Bulk update in groups of records with the same changed fields (no needless writes)."""
    groups: dict[tuple[str, ...], list] = {}
    for change in changes:
        change.obj._history_user = user
        groups.setdefault(tuple(sorted(change.fields)), []).append(change.obj)
    for fields, objs in groups.items():
        for batch in _batches(objs):
            bulk_update_with_history(batch, model, list(fields), batch_size=BATCH_SIZE, **history)
            step(len(batch))


# --- The flow: upload, map, preview, confirm, cancel ---------------------------------------


def choose_mapping(headers: list[str], *, bron: str = "", profiel: Importprofiel | None = None) -> tuple[str, dict[str, str]]:
    """The mapping for a file: a saved profile, a named system, or the best-matching system."""
    if profiel is not None:
        return profiel.bron, formats.resolve(profiel.kolommen, headers)
    if bron in formats.FORMATS:
        return bron, formats.resolve(formats.FORMATS[bron], headers)
    detected, mapping = formats.detect(headers)
    return detected or Bronsysteem.ANDERS, mapping


def table_of(run: Leerlingimport) -> Table:
    if not run.bestand:
        raise ImportFileError(_("The file of this import is no longer kept. Upload it again."))
    return read_table(base64.b64decode(run.bestand), run.bestandstype)


@transaction.atomic
def start_import(
    *,
    school: School,
    user,
    data: bytes,
    filename: str,
    bron: str = "",
    profiel: Importprofiel | None = None,
    keep_file: bool = True,
) -> tuple[Leerlingimport, Table]:
    """Check and read an uploaded export and record it as a preview. Raises ``ImportFileError``."""
    kind = check_upload(data)
    table = read_table(data, kind)
    bron, mapping = choose_mapping(table.headers, bron=bron, profiel=profiel)
    run = _record_run(school=school, user=user, data=data, filename=filename, kind=kind, table=table, bron=bron,
                      mapping=mapping, profiel=profiel, keep_file=keep_file)
    return run, table


def _record_run(*, school, user, data, filename, kind, table, bron, mapping, profiel, keep_file) -> Leerlingimport:
    user = user if user is not None and user.is_authenticated else None
    for old in Leerlingimport.objects.filter(school=school, status=Leerlingimport.Status.VOORBEELD):
        old.status, old.bestand, old._history_user = Leerlingimport.Status.VERVALLEN, "", user
        old.save()
    run = Leerlingimport(
        school=school, bron=bron, profiel=profiel, kolommen=mapping,
        bestandsnaam=(filename or "export")[-255:], bestandstype=kind,
        bestand_sha256=hashlib.sha256(data).hexdigest(),
        bestand=base64.b64encode(data).decode() if keep_file else "",
        aantal_rijen=len(table.rows), aangemaakt_door=user,
    )
    run._history_user = user
    run.save()
    return run


def preview_import(*, run: Leerlingimport, table: Table | None = None, progress: Progress | None = None) -> Plan:
    """The plan of a run; its counts and fingerprint are recorded on the run."""
    table = table or table_of(run)
    plan = build_plan(school=run.school, table=table, mapping=run.kolommen, progress=progress)
    counts = plan.counts()
    if any(getattr(run, k) != v for k, v in counts.items()) or run.plan_digest != plan.digest:
        for name, value in counts.items():
            setattr(run, name, value)
        run.plan_digest = plan.digest
        run.save()
    return plan


def confirm_import(*, run: Leerlingimport, user, digest: str, skip_bad_rows: bool = False, progress: Progress | None = None) -> Plan:
    """Import what the preview showed. If the plan no longer matches ``digest``, nothing is written."""
    table = table_of(run)
    with transaction.atomic():
        School.objects.select_for_update().filter(pk=run.school_id).first()  # one import per school at a time
        run = Leerlingimport.objects.select_for_update().get(pk=run.pk)
        if run.status not in (Leerlingimport.Status.VOORBEELD, Leerlingimport.Status.BEZIG):
            raise NotWaiting(_("This import is not waiting for confirmation."))
        plan = build_plan(school=run.school, table=table, mapping=run.kolommen, progress=progress)
        if plan.digest != digest:
            raise ImportRefused(_("The register or the column mapping changed since the preview. Check the new preview and confirm again."))
        apply_plan(plan=plan, run=run, user=user, skip_bad_rows=skip_bad_rows, progress=progress)
    return plan


def request_import(*, run: Leerlingimport, user, digest: str, skip_bad_rows: bool = False) -> bool:
    """The user confirms the preview. A small file is imported at once (returns True); a large one
    is recorded as confirmed and handed to a background task (returns False), which shows progress.
    """
    if run.aantal_fouten and not skip_bad_rows:
        raise ImportRefused(_("The file has rows with errors. Fix the file, or choose to skip the bad rows."))
    if run.aantal_rijen <= BACKGROUND_ROWS:
        confirm_import(run=run, user=user, digest=digest, skip_bad_rows=skip_bad_rows)
        return True
    from . import tasks_import

    with transaction.atomic():
        run = Leerlingimport.objects.select_for_update().get(pk=run.pk)
        if run.status != Leerlingimport.Status.VOORBEELD:
            raise NotWaiting(_("This import is not waiting for confirmation."))
        run.status, run.bevestigd_digest, run.overslaan, run.melding = Leerlingimport.Status.BEZIG, digest, skip_bad_rows, ""
        run.uitgevoerd_door = user if user is not None and user.is_authenticated else None
        run._history_user = run.uitgevoerd_door
        run.save()
        StoredProgress(run.pk).start()
        tasks_import.enqueue(run.pk)
    return False


def carry_out_confirmed(*, run_id: int) -> str:
    """Work off a confirmed import (the background task). Idempotent: a repeated call does nothing."""
    run = Leerlingimport.objects.filter(pk=run_id, status=Leerlingimport.Status.BEZIG).select_related("school", "uitgevoerd_door").first()
    if run is None:
        return "not waiting"
    try:
        confirm_import(
            run=run, user=run.uitgevoerd_door, digest=run.bevestigd_digest, skip_bad_rows=run.overslaan,
            progress=StoredProgress(run.pk),
        )
    except NotWaiting:
        return "not waiting"
    except (ImportRefused, ImportFileError) as exc:
        # Back to the preview, with the reason (never personal data); nothing was written.
        run.refresh_from_db()
        run.status, run.melding = Leerlingimport.Status.VOORBEELD, str(exc)[:300]
        run._history_user = run.uitgevoerd_door
        run.save()
        return "refused"
    finally:
        StoredProgress(run_id).clear()
    return "imported"


def cancel_import(*, run: Leerlingimport, user) -> None:
    if run.status != Leerlingimport.Status.VOORBEELD:
        return
    run.status, run.bestand = Leerlingimport.Status.GEANNULEERD, ""
    run._history_user = user if user is not None and user.is_authenticated else None
    run.save()


@transaction.atomic
def save_mapping(*, run: Leerlingimport, user, kolommen: dict[str, str], profiel_naam: str = "") -> Importprofiel | None:
    """Use an adjusted mapping for this run and, if named, save it for the next exports."""
    kolommen = {k: v for k, v in kolommen.items() if k in formats.FIELDS_BY_KEY and v}
    user = user if user is not None and user.is_authenticated else None
    profiel = None
    if profiel_naam:
        profiel = Importprofiel.objects.filter(school=run.school, naam=profiel_naam).first() or Importprofiel(
            school=run.school, naam=profiel_naam
        )
        profiel.bron = run.bron if run.bron in Bronsysteem.values else Bronsysteem.ANDERS
        profiel.kolommen, profiel.gewijzigd_door, profiel.gewijzigd_op = kolommen, user, timezone.now()
        profiel._history_user = user
        profiel.save()
    run.kolommen, run.profiel, run._history_user = kolommen, profiel or run.profiel, user
    run.save()
    return profiel


def import_file(
    *,
    school: School,
    user,
    data: bytes,
    filename: str,
    bron: str = "",
    profiel: Importprofiel | None = None,
    dry_run: bool = False,
    skip_bad_rows: bool = False,
    progress: Progress | None = None,
) -> tuple[Plan, Leerlingimport | None]:
    """Read, check and (unless ``dry_run``) import a file in one go: the command's path."""
    kind = check_upload(data)
    table = read_table(data, kind)
    bron_used, mapping = choose_mapping(table.headers, bron=bron, profiel=profiel)
    plan = build_plan(school=school, table=table, mapping=mapping, progress=progress)
    if dry_run or plan.fatal or (plan.errors and not skip_bad_rows):
        return plan, None
    with transaction.atomic():
        run = _record_run(
            school=school, user=user, data=data, filename=filename, kind=kind, table=table, bron=bron_used,
            mapping=mapping, profiel=profiel, keep_file=False,
        )
        apply_plan(plan=plan, run=run, user=user, skip_bad_rows=skip_bad_rows, progress=progress)
    return plan, run
