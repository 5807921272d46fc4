"""One row's cells, read by column name, with its mistakes recorded by
column (the importer's accessor for a sheet row)."""

from __future__ import annotations

import functools
import re
from datetime import date

from email_validator import EmailNotValidError, validate_email

from importer.columns import HeaderMap
from importer.errors import RowError
from models.dates import DateError, parse_date

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class RowCells:
    """Accessor for one row's cells that records errors by column."""

    def __init__(self, number: int, cells: list[object], header: HeaderMap) -> None:
        self.number = number
        self.cells = cells
        self.header = header
        self.errors: list[RowError] = []

    def raw(self, column: str) -> object:
        position = self.header.positions.get(column)
        if position is None or position >= len(self.cells):
            return None
        value = self.cells[position]
        if isinstance(value, str) and not value.strip():
            return None
        return value

    def fail(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, message))

    def text(self, column: str, *, required: bool, max_length: int, multiline: bool = False) -> str:
        value = self.raw(column)
        if value is None:
            if required:
                self.fail(column, "no puede estar vacío")
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).strip()
        if _CONTROL.search(text.replace("\r\n", "\n").replace("\r", "\n")):
            self.fail(column, "contiene caracteres de control; bórrelos de la celda")
            return ""
        if multiline:
            text = "\n".join(" ".join(line.split()) for line in text.splitlines()).strip()
        else:
            text = " ".join(text.split())
        if len(text) > max_length:
            self.fail(column, f"tiene {len(text)} caracteres; el máximo es {max_length}")
            return ""
        return text

    def date(self, column: str) -> date | None:
        value = self.raw(column)
        if value is None:
            self.fail(column, "no puede estar vacío")
            return None
        return self.to_date(column, value)

    def to_date(self, column: str, value: object, hint: str = "") -> date | None:
        if isinstance(value, int | float) and not isinstance(value, bool):
            from openpyxl.utils.datetime import from_excel

            # A date cell saved without its number format: an Excel serial.
            if 1 <= value < 2958466:
                value = from_excel(value)
        try:
            day = parse_date(value)
        except DateError as exc:
            self.fail(column, str(exc) + hint)
            return None
        return day

    def email(self, column: str, *, required: bool) -> str | None:
        value = self.text(column, required=required, max_length=254)
        if not value:
            return None
        try:
            return _normalize_email(value)
        except EmailNotValidError:
            self.fail(column, f"«{value}» no es un correo electrónico válido")
            return None


@functools.lru_cache(maxsize=65536)
def _normalize_email(value: str) -> str:
    return validate_email(value, check_deliverability=False).normalized.lower()
