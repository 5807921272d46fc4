"""Workbook cell values that keep every peso: a value with its own number
format, and integers too large for a spreadsheet's number written as text.

Every ``planilla.xlsx`` (the periodic package's and an ARI's or IRAL's)
writes its cells through :func:`exact_cell`; the CSV and the JSON carry the
integers themselves and need nothing of this."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from models.money import format_clp

EXACT_LIMIT = 2**53 - 1
"""The largest integer a spreadsheet's number (an IEEE double) holds
exactly; the pesos above it are written as text, digit for digit."""
EXACT_NOTE = (
    f"Los montos mayores que {format_clp(EXACT_LIMIT)} se escriben como texto (cifras "
    "exactas): una planilla no guarda enteros mayores sin redondearlos."
)
"""The Resumen's line when a workbook holds such an amount."""
TEXT = "@"
"""The number format of a text cell."""


@dataclass(frozen=True)
class Formatted:
    """A cell value with its own number format (the Resumen's mixed column)."""

    value: Any
    num_format: str | None


def _beyond(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) > EXACT_LIMIT


def exact_cell(value: Any) -> Any:
    """``value`` as a workbook cell: an integer beyond :data:`EXACT_LIMIT`
    (bare or inside a :class:`Formatted`) becomes its digits as text, a
    ``Formatted(digits, "@")`` (a number cell would round it); anything else
    is returned unchanged, the same object."""
    inner = value.value if isinstance(value, Formatted) else value
    return Formatted(str(inner), TEXT) if _beyond(inner) else value


def too_large(value: Any) -> bool:
    """Whether :func:`exact_cell` writes ``value`` as text."""
    return exact_cell(value) is not value
