"""The values of an import: cells parsed into the register's values, and values as the preview
shows them. A cell that cannot be used raises ``BadValue``, whose message never holds the value."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from ..models import Geslacht, Gezagsrelatie, Leerling, Ouder, Relatie
from ..validators import bsn_is_valid
from . import formats


class BadValue(ValueError):
    """A cell that cannot be used. The message never holds the value."""


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    return " ".join(str(value).split())


DATE_FORMATS = (
    "%d-%m-%Y",
    "%d/%m/%Y",
    "%d.%m.%Y",
    "%Y-%m-%d",
    "%Y%m%d",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
)


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
        text = cell_text(value)
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
    text = (
        str(int(value))
        if isinstance(value, int | float)
        else re.sub(r"[\s.\-]", "", cell_text(value))
    )
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
    Geslacht.ONBEKEND: {
        "",
        "o",
        "x",
        "u",
        "onbekend",
        "overig",
        "anders",
        "neutraal",
        "unknown",
        "other",
    },
}
RELATIE = {
    Relatie.MOEDER: {"moeder", "mother", "mama"},
    Relatie.VADER: {"vader", "father", "papa"},
    Relatie.VOOGD: {"voogd", "gezinsvoogd", "guardian", "voogdij"},
    Relatie.VERZORGER: {
        "verzorger",
        "verzorgster",
        "ouder",
        "ouder verzorger",
        "carer",
        "stiefmoeder",
        "stiefvader",
        "grootouder",
        "oma",
        "opa",
    },
    Relatie.PLEEGOUDER: {"pleegouder", "pleegmoeder", "pleegvader", "foster parent"},
}
JA = {"ja", "j", "yes", "y", "1", "true", "waar", "x", "wel"}
NEE = {"nee", "n", "no", "0", "false", "onwaar", "geen", "niet"}


def _lookup(table: dict, value: Any) -> str | None:
    key = formats.normalise_header(cell_text(value))
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
    if not cell_text(value):
        return ""
    result = _lookup(RELATIE, value)
    if result is None:
        raise BadValue(_("unknown relation; use moeder, vader, voogd, verzorger or pleegouder"))
    return result


def parse_bool(value: Any) -> bool | None:
    key = cell_text(value).lower()
    if not key:
        return None
    if key in JA:
        return True
    if key in NEE:
        return False
    raise BadValue(_("use ja or nee"))


def parse_email(value: Any) -> str:
    text = cell_text(value)
    if text:
        try:
            validate_email(text)
        except ValidationError as exc:
            raise BadValue(_("not a valid e-mail address")) from exc
    return text


def parse_postcode(value: Any) -> str:
    text = cell_text(value).upper()
    compact = text.replace(" ", "")
    return compact if re.fullmatch(r"[1-9][0-9]{3}[A-Z]{2}", compact) else text


def parse_telefoon(value: Any) -> str:
    if (
        isinstance(value, int | float) and len(str(int(value))) == 9
    ):  # a spreadsheet dropped the leading zero
        return "0" + str(int(value))
    return cell_text(value)


def mask_bsn(value: str) -> str:
    """A BSN as it may be shown: only the last three digits."""
    return "••••••" + value[-3:] if value else ""


def display_value(attr: str, value: Any, groepen: dict[int, str]) -> str:
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


def field_label(attr: str) -> str:
    if attr == "groep_id":
        return str(Leerling._meta.get_field("groep").verbose_name)
    for model in (Leerling, Ouder, Gezagsrelatie):
        try:
            return str(model._meta.get_field(attr).verbose_name)
        except Exception:
            continue
    return attr
