"""Business dates as people write them, and as es-CL prints them."""

from __future__ import annotations

import functools
from datetime import date, datetime

from babel.dates import format_date

LOCALE = "es_CL"
EARLIEST = date(1990, 1, 1)
LATEST = date(2100, 12, 31)
"""Business dates cumple accepts: wide enough for any acta, narrow enough for
every calendar computation to stay within the years Python can count."""
_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y")


class DateError(ValueError):
    """A value that is not a date in one of the accepted forms."""


def parse_date(value: object) -> date:
    """A date from a spreadsheet cell (date or datetime) or from text in the
    forms ``YYYY-MM-DD``, ``DD-MM-YYYY`` or ``DD/MM/YYYY``."""
    if isinstance(value, datetime):
        return check_range(value.date())
    if isinstance(value, date):
        return check_range(value)
    text = str(value).strip() if value is not None else ""
    for fmt in _FORMATS:
        try:
            return check_range(datetime.strptime(text, fmt).date())
        except ValueError as exc:
            if isinstance(exc, DateError):
                raise
            continue
    raise DateError(f"«{text}» no es una fecha válida; use AAAA-MM-DD, DD-MM-AAAA o DD/MM/AAAA")


def check_range(day: date) -> date:
    """``day`` itself, or :class:`DateError` when outside 1990–2100."""
    if not EARLIEST <= day <= LATEST:
        raise DateError(f"la fecha {day:%d-%m-%Y} está fuera de rango (1990 a 2100)")
    return day


@functools.lru_cache(maxsize=16384)
def format_long(day: date) -> str:
    """``21 de septiembre de 2026``. Cached: a digest run formats the same
    few hundred dates thousands of times, and Babel takes ~50 µs a call."""
    return format_date(day, format="long", locale=LOCALE)
