"""What a plan is made of: an error in a row, a changed field, a changed record, a checked row."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _


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
                "row": self.row,
                "column": self.column,
                "letter": self.letter,
                "message": self.message,
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
class PlanRow:
    row: int
    nummer: str
    values: dict[str, Any]  # field key -> parsed value (only mapped fields)
    failed: set[str] = field(default_factory=set)  # field keys whose cell could not be used
