"""Chilean pesos: whole CLP amounts, parsed from what people type and
formatted as ``$15.000.000`` (Babel, es_CL)."""

from __future__ import annotations

import functools
from decimal import Decimal, InvalidOperation

from babel.numbers import NumberFormatError, format_currency, parse_decimal

LOCALE = "es_CL"


class AmountError(ValueError):
    """An amount that is not a whole, non-negative number of pesos."""


def parse_clp(value: object) -> int | None:
    """Whole pesos from a cell or an option: ``15000000``, ``15.000.000``,
    ``$15.000.000``, ``$ 8.500.000``, a number cell. Empty means no amount
    (``None``). Negative or fractional amounts raise :class:`AmountError`."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise AmountError("no es un monto en pesos")
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float | Decimal):
        number = Decimal(str(value))  # NaN and infinities are refused below
    else:
        text = str(value).strip()
        if not text:
            return None
        cleaned = text.replace("$", "").replace("\u00a0", " ").strip()
        if cleaned.upper().startswith("CLP"):
            cleaned = cleaned[3:].strip()
        cleaned = cleaned.replace(" ", "")
        if not cleaned:
            raise AmountError(f"«{text}» no es un monto en pesos")
        try:
            number = parse_decimal(cleaned, locale=LOCALE, strict=True)
        except (NumberFormatError, InvalidOperation):
            raise AmountError(
                f"«{text}» no es un monto en pesos; escríbalo como 15000000 o $15.000.000"
            ) from None
    if not number.is_finite():
        raise AmountError("no es un monto en pesos")
    if number < 0:
        raise AmountError("el monto no puede ser negativo")
    if number != number.to_integral_value():
        raise AmountError("el monto debe estar en pesos enteros, sin decimales")
    if number > 10**15:
        raise AmountError("el monto es demasiado grande")
    return int(number)


@functools.lru_cache(maxsize=65536)
def format_clp(amount: int | None, empty: str = "sin monto") -> str:
    """``$15.000.000``; ``empty`` when there is no amount (cached, as
    :func:`models.dates.format_long`)."""
    if amount is None:
        return empty
    return format_currency(amount, "CLP", locale=LOCALE)


def format_bytes(size: int | None) -> str:
    """``1.234.567 bytes`` (es-CL separators); ``—`` when unknown."""
    from babel.numbers import format_decimal

    if size is None:
        return "—"
    return f"{format_decimal(size, locale=LOCALE)} bytes"
