"""Business dates as people write them, and as es-CL prints them."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date

LOCALE = "es_CL"
_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y")


class DateError(ValueError):
    """A value that is not a date in one of the accepted forms."""


def parse_date(value: object) -> date:
    """A date from a spreadsheet cell (date or datetime) or from text in the
    forms ``YYYY-MM-DD``, ``DD-MM-YYYY`` or ``DD/MM/YYYY``."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip() if value is not None else ""
    for fmt in _FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise DateError(f"«{text}» no es una fecha válida; use AAAA-MM-DD, DD-MM-AAAA o DD/MM/AAAA")


def format_long(day: date) -> str:
    """``21 de septiembre de 2026``."""
    return format_date(day, format="long", locale=LOCALE)
